from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.current import SESSION_KEY, require_membership
from accounts.models import Membership
from accounts.permissions import membership_for
from accounts.services import MembershipError, membership_add, membership_remove, membership_role_change
from asrplatform.params import database_id


@login_required
@require_POST
def switch_team(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request.user, request.POST.get("team_id"))
    request.session[SESSION_KEY] = membership.team_id
    wanted = request.POST.get("next", "")
    # Only back into this site: a crafted form must not bounce the user to another one.
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(wanted)
    return redirect("recognize")


@login_required
def members(request: HttpRequest) -> HttpResponse:
    """Team admins list, add and remove the members of the current team."""
    membership = require_membership(request, at_least=Membership.Role.ADMIN)
    error = None
    if request.method == "POST":
        try:
            role = database_id(request.POST.get("role", Membership.Role.MEMBER))
            if request.POST.get("remove"):
                membership_remove(team=membership.team, membership_id=request.POST["remove"])
            elif role not in Membership.Role.values:
                raise MembershipError(_("Choose a role: viewer, member or admin."))
            elif request.POST.get("change"):
                changed = database_id(request.POST["change"])
                if changed is None:
                    raise MembershipError(_("No such member."))
                membership_role_change(team=membership.team, membership_id=changed, role=role)
            else:
                membership_add(team=membership.team, username=request.POST.get("username", ""), role=role)
        except MembershipError as e:
            error = str(e)
        else:
            return redirect("members")
    rows = Membership.objects.filter(team=membership.team).select_related("user")
    return render(request, "accounts/members.html",
                  {"rows": rows, "roles": Membership.Role.choices, "error": error},
                  status=400 if error else 200)


@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    """The user's API token: create it, replace it (the old one stops working), or delete it."""
    from rest_framework.authtoken.models import Token

    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("create", "rotate", "delete"):
            Token.objects.filter(user=request.user).delete()
        if action in ("create", "rotate"):
            Token.objects.create(user=request.user)
        return redirect("api-token")
    token = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/token.html", {"token": token})
