from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.current import SESSION_KEY
from accounts.permissions import membership_for


@login_required
@require_POST
def switch_team(request: HttpRequest) -> HttpResponse:
    team_id = request.POST.get("team_id", "")
    membership = membership_for(request.user, int(team_id) if team_id.isdigit() else -1)
    request.session[SESSION_KEY] = membership.team_id
    return redirect(request.POST.get("next") or "recognize")
