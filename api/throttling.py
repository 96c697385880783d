"""Requests per token (per user): ASR_API_RATE, read on every request so settings changes apply."""
from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class TokenRateThrottle(UserRateThrottle):
    scope = "user"

    def get_rate(self) -> str:
        return settings.ASR_API_RATE
