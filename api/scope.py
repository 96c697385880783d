"""The team an API call works in, checked against the caller's membership on every request.

The team is `?team=<id>` or the `X-Team: <id>` header; without either, the caller's first team
by name. A team the caller is not in is 404, as if it did not exist. The rule itself is
accounts.permissions.resolve_membership, shared with the pages and sockets.
"""
from __future__ import annotations

from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from accounts.models import Membership
from accounts.permissions import NoAccess, resolve_membership

TEAM_HEADER = "X-Team"


def caller_membership(user, wanted_team: str | None, *, at_least: int = Membership.Role.VIEWER) -> Membership:
    try:
        return resolve_membership(user, wanted=wanted_team, at_least=at_least)
    except NoAccess as e:
        if e.reason == "invalid":
            raise ValidationError({"team": e.message}) from e
        if e.reason == "not_found":
            raise NotFound(e.message) from e
        raise PermissionDenied(e.message) from e


def request_membership(request, *, at_least: int = Membership.Role.VIEWER) -> Membership:
    wanted = request.GET.get("team") or request.headers.get(TEAM_HEADER)
    return caller_membership(request.user, wanted, at_least=at_least)
