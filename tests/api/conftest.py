import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def client_of(teams):
    """An API client authenticated by the named user's token, as another system would be."""
    def make(name: str, keyword: str = "Token") -> APIClient:
        token, _ = Token.objects.get_or_create(user=teams[name])
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{keyword} {token.key}")
        return client
    return make


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    from django.core.cache import cache

    cache.clear()
