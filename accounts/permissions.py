"""The one access helper every page, API view, consumer and admin queryset goes through."""
from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Team


VIEWERS_CANNOT_RECOGNISE = _("Viewers cannot start recognitions; ask a team admin for the member role.")


def teams_of(user) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user)


def teams_with_role(user, at_least: int) -> QuerySet[Team]:
    """The teams where `user` holds at least the given role."""
    if not user.is_authenticated:
        return Team.objects.none()
    # One filter() call: role and user conditions apply to the same membership row.
    return Team.objects.filter(memberships__user=user, memberships__role__gte=at_least).distinct()


def users_in(teams: QuerySet[Team]) -> QuerySet:
    """The people who belong to any of these teams."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(memberships__team__in=teams).distinct()


def membership_for(user, team_id: int, *, at_least: int = Membership.Role.VIEWER) -> Membership:
    """The user's membership of `team_id` with at least the given role; 404 otherwise.

    404, not 403: to someone outside the team, its objects do not exist.
    """
    if not user.is_authenticated:
        raise Http404("No such team.")
    membership = Membership.objects.select_related("team").filter(user=user, team_id=team_id).first()
    if membership is None or membership.role < at_least:
        raise Http404("No such team.")
    return membership
