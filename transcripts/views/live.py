"""实时流式: the microphone page (the work happens in consumers.StreamConsumer)."""
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.current import require_membership
from transcripts.error_messages import error_labels
from transcripts.language_names import language_choices
from transcripts.models import HotwordLibrary
from transcripts.request_options import team_defaults


@login_required
def live(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request)
    return render(request, "transcripts/live.html", {
        "languages": language_choices(), "libraries": HotwordLibrary.objects.filter(team=membership.team),
        "defaults": team_defaults(membership.team), "error_labels": json.dumps(error_labels()),
    })
