import pytest
from django.contrib.auth import get_user_model

from accounts.models import Membership, Team


@pytest.fixture
def teams(db):
    """Two teams, three users: alice admins A, bob is a member of A, carol admins B."""
    users = {name: get_user_model().objects.create_user(name, password="x" * 12) for name in ("alice", "bob", "carol")}
    a, b = Team.objects.create(name="Alpha", slug="alpha"), Team.objects.create(name="Beta", slug="beta")
    Membership.objects.create(user=users["alice"], team=a, role=Membership.Role.ADMIN)
    Membership.objects.create(user=users["bob"], team=a, role=Membership.Role.MEMBER)
    Membership.objects.create(user=users["carol"], team=b, role=Membership.Role.ADMIN)
    return {"a": a, "b": b, **users}
