"""WebSocket authentication: the browser's session, or an API token for other clients.

`Authorization: Token <t>` or `?token=<t>`, checked only when the session gave no user. The team
is the session's current team, `?team=<id>`, or the user's first team, always re-checked
against membership.
"""
from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from accounts.current import SESSION_KEY
from accounts.models import Membership


def _token_from(scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            kind, _, key = value.decode("latin-1").partition(" ")
            if kind.lower() in ("token", "bearer") and key.strip():
                return key.strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return (query.get("token") or [None])[0]


@database_sync_to_async
def _user_for_token(key: str):
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token and token.user.is_active else AnonymousUser()


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            key = _token_from(scope)
            if key:
                scope["user"] = await _user_for_token(key)
        return await super().__call__(scope, receive, send)


def scope_membership(scope, *, at_least: int = Membership.Role.VIEWER) -> Membership | None:
    """The membership a WebSocket works in (sync: call through database_sync_to_async)."""
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return None
    memberships = Membership.objects.select_related("team").filter(user=user, role__gte=at_least)
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    wanted = (query.get("team") or [None])[0] or (scope.get("session") or {}).get(SESSION_KEY)
    if wanted is not None and str(wanted).isdigit():
        chosen = memberships.filter(team_id=int(wanted)).first()
        if chosen or (query.get("team") or [None])[0]:
            return chosen  # an explicit team the user is not in gives nothing, not another team
    return memberships.order_by("team__name").first()


class BrowserOriginValidator:
    """Browsers always send Origin on a WebSocket: theirs must be one of ours (no cross-site
    socket riding on the session cookie). Other clients send none and authenticate by token."""

    def __init__(self, application) -> None:
        from channels.security.websocket import AllowedHostsOriginValidator

        self.application = application
        self.checked = AllowedHostsOriginValidator(application)

    async def __call__(self, scope, receive, send):
        has_origin = any(name == b"origin" for name, _ in scope.get("headers", []))
        return await (self.checked if has_origin else self.application)(scope, receive, send)
