"""语音识别: one upload, recognised in the background (the transcript workspace follows it)."""
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.current import require_membership
from accounts.models import Membership
from accounts.permissions import VIEWERS_CANNOT_RECOGNISE
from transcripts import services
from transcripts.engine import EngineError
from transcripts.error_messages import shown_error
from transcripts.forms import RecognizeForm
from transcripts.models import HotwordLibrary
from transcripts.request_options import form_initial, options_from, requestable_models


@login_required
def recognize(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request)
    libraries = HotwordLibrary.objects.filter(team=membership.team)
    form = RecognizeForm(request.POST or None, request.FILES or None, libraries=libraries, models=requestable_models(),
                         initial=form_initial(membership.team))
    error = None
    if request.method == "POST" and membership.role < Membership.Role.MEMBER:
        error = VIEWERS_CANNOT_RECOGNISE
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        options = options_from(data, membership.team)
        try:
            transcript = services.transcript_create(team=membership.team, user=request.user,
                                                    data=data["audio"], filename=data["audio"].name,
                                                    options=options)
        except EngineError as e:
            error = shown_error(e.code, e.message, e.params)
        else:
            return redirect("transcript-detail", pk=transcript.pk)
    return render(request, "transcripts/recognize.html", {"form": form, "error": error},
                  status=400 if error else 200)
