"""Token authentication: `Authorization: Token <key>` on /api/, `Bearer <key>` (what OpenAI
clients send) on /v1/. Both are DRF's per-user tokens."""
from rest_framework.authentication import TokenAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    keyword = "Bearer"
