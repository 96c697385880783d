"""WebSocket authentication: the browser's session, or an API token for other clients.

`Authorization: Token <t>` or `?token=<t>`, checked only when the session gave no user. The team
is the session's current team, `?team=<id>`, or the user's first team, always re-checked
against membership.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from accounts.current import SESSION_KEY
from accounts.models import Membership
from accounts.permissions import NoAccess, resolve_membership


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
    """The membership a WebSocket works in, or None (sync: call through database_sync_to_async).
    An explicit ?team= the user is not in gives nothing, never another team."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    try:
        return resolve_membership(scope.get("user"), wanted=(query.get("team") or [None])[0],
                                  remembered=(scope.get("session") or {}).get(SESSION_KEY), at_least=at_least)
    except NoAccess:
        return None


def origin_allowed(origin: str, host: str, secure: bool) -> bool:
    """Whether a browser page at `origin` may open a socket to this site, reached as `host`: the
    same scheme, host and port (as CSRF compares them), or an origin in CSRF_TRUSTED_ORIGINS; and
    the host one of ALLOWED_HOSTS."""
    from django.conf import settings
    from django.http.request import split_domain_port, validate_host

    parts = urlsplit(origin)
    if not parts.scheme or not parts.netloc:
        return False
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    if origin.rstrip("/") in settings.CSRF_TRUSTED_ORIGINS:
        return True
    return parts.scheme == ("https" if secure else "http") and parts.netloc.lower() == host.lower()


class BrowserOriginValidator:
    """Browsers always send Origin on a WebSocket: theirs must be this site's own (no cross-site
    socket riding on the session cookie, not even from another port or plain HTTP of the same
    host). Other clients send none and authenticate by token."""

    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        from channels.security.websocket import WebsocketDenier
        from django.conf import settings

        headers = dict(scope.get("headers", []))
        origin = headers.get(b"origin")
        if origin is not None:
            secure = scope.get("scheme") == "wss" or settings.ASR_HTTPS
            if not origin_allowed(origin.decode("latin-1"), headers.get(b"host", b"").decode("latin-1"), secure):
                return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
