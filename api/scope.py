"""The team an API call works in, checked against the caller's membership on every request.

The team is `?team=<id>` or the `X-Team: <id>` header; without either, the caller's first team
by name. A team the caller is not in is 404, as if it did not exist.
"""
from __future__ import annotations

from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from accounts.models import Membership

TEAM_HEADER = "X-Team"


def caller_membership(user, wanted_team: str | None, *, at_least: int = Membership.Role.VIEWER) -> Membership:
    memberships = Membership.objects.select_related("team").filter(user=user)
    if wanted_team:
        if not str(wanted_team).isdigit():
            raise ValidationError({"team": f"The team must be a team id (a number), got {wanted_team!r}."})
        membership = memberships.filter(team_id=int(wanted_team)).first()
        if membership is None:
            raise NotFound("No such team.")
    else:
        membership = memberships.order_by("team__name").first()
        if membership is None:
            raise PermissionDenied("You are not in a team yet: ask a team admin to add you.")
    if membership.role < at_least:
        raise PermissionDenied(
            f"This needs the {Membership.Role(at_least).label} role in {membership.team.name}; "
            f"you are a {membership.get_role_display()}."
        )
    return membership


def request_membership(request, *, at_least: int = Membership.Role.VIEWER) -> Membership:
    wanted = request.GET.get("team") or request.headers.get(TEAM_HEADER)
    return caller_membership(request.user, wanted, at_least=at_least)
