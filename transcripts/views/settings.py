"""系统设置: the team's recognition defaults (admins change them) and, for site staff, the
system panel: devices, models, queue, workers, storage, unloading models, purging audio."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.current import require_membership
from accounts.models import Membership
from accounts.permissions import teams_with_role
from transcripts import services
from transcripts.forms import TeamDefaultsForm
from transcripts.models import HotwordLibrary
from transcripts.recognition import get_engine
from transcripts.request_options import form_initial, requestable_models
from transcripts.selectors import system_status
from transcripts.worker_models import request_unload


def _system_action(request: HttpRequest) -> None:
    action = request.POST.get("system")
    if action == "unload":
        request_unload()
        count = get_engine().models.unload_all()
        messages.success(request, _("Unloaded %(count)d model(s) from this web process and asked the workers to "
                                    "unload theirs: idle workers do within 5 seconds, busy ones after their current "
                                    "file. They load again on next use.") % {"count": count})
    elif action == "purge_audio":
        # Site-wide for superusers; other staff purge only the teams they administer.
        teams = None if request.user.is_superuser else teams_with_role(request.user, Membership.Role.ADMIN)
        count = services.transcripts_purge_finished_audio(teams=teams)
        messages.success(request, _("Deleted the stored audio of %(count)d finished transcript(s); their text stays.")
                         % {"count": count})


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request)
    team = membership.team
    is_admin = membership.role >= Membership.Role.ADMIN
    form = TeamDefaultsForm(request.POST if "defaults" in request.POST else None, initial=form_initial(team),
                            libraries=HotwordLibrary.objects.filter(team=team), models=requestable_models())
    if request.method == "POST":
        if "system" in request.POST and request.user.is_staff:
            _system_action(request)
            return redirect("settings")
        if "defaults" in request.POST and is_admin and form.is_valid():
            team.recognition_defaults = form.defaults()
            team.save(update_fields=["recognition_defaults"])
            messages.success(request, _("Saved the defaults of %(team)s.") % {"team": team.name})
            return redirect("settings")
    if not is_admin:
        for field in form.fields.values():
            field.disabled = True
    context = {"form": form, "is_admin": is_admin}
    if request.user.is_staff:
        context["system"] = system_status()
    return render(request, "transcripts/settings.html", context, status=400 if form.errors else 200)
