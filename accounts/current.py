"""The team a logged-in user works in now: kept in the session, always re-checked against membership."""
from __future__ import annotations

from django.http import Http404, HttpRequest

from accounts.models import Membership
from accounts.permissions import NoAccess, resolve_membership

SESSION_KEY = "team_id"


def current_membership(request: HttpRequest) -> Membership | None:
    try:
        return resolve_membership(request.user, remembered=request.session.get(SESSION_KEY))
    except NoAccess:
        return None


def team_context(request: HttpRequest) -> dict:
    """A context processor (every page): the current membership and the user's teams, for the
    header's team switcher and the pages' role checks; nothing for a visitor not logged in."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    membership = current_membership(request)
    teams = [m.team for m in Membership.objects.select_related("team").filter(user=request.user)] if membership else []
    return {"membership": membership, "user_teams": teams}


def require_membership(request: HttpRequest, *, at_least: int = Membership.Role.VIEWER) -> Membership:
    """The current membership with at least the given role; 404 otherwise (pages' one gate)."""
    try:
        return resolve_membership(request.user, remembered=request.session.get(SESSION_KEY), at_least=at_least)
    except NoAccess as e:
        raise Http404("No such page, or you are not in a team yet: ask a team admin to add you.") from e
