"""The one access helper every page, API view, consumer and admin queryset goes through.

`resolve_membership` answers "which team does this request work in, and may this user do this
there": an explicit team (a ?team=, X-Team or form value) must be one of the user's; else the
team remembered in the session; else the user's first team by name. The role is checked after
the team is chosen, the same way for every door. Each door turns `NoAccess` into its own answer
(a 404 page, a DRF error, a refused socket).
"""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Team
from asrplatform.params import database_id

VIEWERS_CANNOT_RECOGNISE = _("Viewers cannot start recognitions; ask a team admin for the member role.")


class NoAccess(Exception):
    """Why a user may not work in the team asked for."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # "invalid", "not_found", "no_team" or "role"
        self.message = message


def team_id_from(value: object) -> int | None:
    """A team id as sent (a string of digits or an int); None when absent; NoAccess("invalid")."""
    if value is None or value == "":
        return None
    team_id = database_id(value)
    if team_id is None:
        raise NoAccess("invalid", f"The team must be a team id (a number), got {str(value)[:40]!r}.")
    return team_id


def resolve_membership(user, *, wanted: object = None, remembered: object = None,
                       at_least: int = Membership.Role.VIEWER) -> Membership:
    if user is None or not user.is_authenticated:
        raise NoAccess("not_found", "No such team.")
    memberships = Membership.objects.select_related("team").filter(user=user)
    team_id = team_id_from(wanted)
    if team_id is not None:
        membership = memberships.filter(team_id=team_id).first()
        if membership is None:  # 404, not 403: to an outsider the team does not exist
            raise NoAccess("not_found", "No such team.")
    else:
        remembered_id = remembered if isinstance(remembered, int) else None
        membership = memberships.filter(team_id=remembered_id).first() if remembered_id else None
        membership = membership or memberships.order_by("team__name").first()
        if membership is None:
            raise NoAccess("no_team", "You are not in a team yet: ask a team admin to add you.")
    if membership.role < at_least:
        raise NoAccess("role", f"This needs the {Membership.Role(at_least).name.lower()} role in {membership.team.name}; "
                               f"you are a {membership.role_name}.")
    return membership


def membership_for(user, team_id: object, *, at_least: int = Membership.Role.VIEWER) -> Membership:
    """The user's membership of `team_id` with at least the given role; 404 otherwise (pages)."""
    try:
        if team_id_from(team_id) is None:
            raise NoAccess("not_found", "No such team.")
        return resolve_membership(user, wanted=team_id, at_least=at_least)
    except NoAccess as e:
        raise Http404("No such team.") from e


def teams_of(user) -> QuerySet[Team]:
    return teams_with_role(user, Membership.Role.VIEWER)


def teams_with_role(user, at_least: int) -> QuerySet[Team]:
    """The teams where `user` holds at least the given role."""
    if user is None or not user.is_authenticated:
        return Team.objects.none()
    # One filter() call: role and user conditions apply to the same membership row.
    return Team.objects.filter(memberships__user=user, memberships__role__gte=at_least).distinct()


def users_in(teams: QuerySet[Team]) -> QuerySet:
    """The people who belong to any of these teams."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(memberships__team__in=teams).distinct()
