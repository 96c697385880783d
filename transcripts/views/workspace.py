"""The transcript workspace: the player, the segments, corrections and their revisions, downloads."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.current import require_membership
from accounts.models import Membership
from asrplatform.ranges import stored_file_response
from transcripts import services
from transcripts.edits import EditError, transcript_edit, transcript_restore
from transcripts.engine.formats import CONTENT_TYPES
from transcripts.engine.formats import render as render_result
from transcripts.models import Status
from transcripts.selectors import (
    editor_context,
    last_edit,
    transcript_result,
    transcripts_of,
)


@login_required
def transcript_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = require_membership(request)
    transcript = get_object_or_404(transcripts_of(team=membership.team), pk=pk)
    return render(request, "transcripts/detail.html", {
        "transcript": transcript, **editor_context(transcript), "last_edit": last_edit(transcript),
        "revisions": transcript.revisions.select_related("created_by") if transcript.status == Status.DONE else (),
        "plain_text": render_result(transcript_result(transcript), "txt") if transcript.status == Status.DONE else ""})


@login_required
@require_POST
def transcript_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor form of the detail page: each segment's text (`text-3`, sent by the page's
    script only for rows that changed) and speaker (`speaker-3`), and the speakers' names
    (`name-S1`). The service ignores what did not change, except names: a name left as it was
    for a speaker whose last segment moves away in this save would be refused, so only the names
    that changed are sent."""
    membership = require_membership(request, at_least=Membership.Role.MEMBER)
    transcript = get_object_or_404(transcripts_of(team=membership.team), pk=pk)
    current = transcript.speaker_names or {}
    names = {label: value for key, value in request.POST.items() if key.startswith("name-")
             if value.strip() != current.get(label := key.removeprefix("name-"), "")}
    fields = {index: (request.POST.get(f"text-{index}"), request.POST.get(f"speaker-{index}"))
              for index in range(len(transcript.segments))}
    texts = {index: text for index, (text, _) in fields.items() if text is not None}
    speakers = {index: speaker for index, (_, speaker) in fields.items() if speaker}
    try:
        transcript_edit(transcript_id=transcript.pk, team=membership.team, user=request.user, texts=texts,
                        speakers=speakers, names=names)
    except EditError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Saved; downloads, search and the API use the corrected transcript."))
    return redirect("transcript-detail", pk=transcript.pk)


@login_required
@require_POST
def transcript_restore_page(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    membership = require_membership(request, at_least=Membership.Role.MEMBER)
    transcript = get_object_or_404(transcripts_of(team=membership.team), pk=pk)
    try:
        transcript_restore(transcript_id=transcript.pk, team=membership.team, user=request.user, number=number)
    except EditError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Restored revision %(number)d.") % {"number": number} if number else
                         _("Restored the recogniser's original output."))
    return redirect("transcript-detail", pk=transcript.pk)


@login_required
def transcript_audio(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored recording, for playback on the detail page (byte ranges, so the player seeks)."""
    membership = require_membership(request)
    transcript = get_object_or_404(transcripts_of(team=membership.team), pk=pk, audio_purged=False)
    return stored_file_response(request, services.stored_audio(transcript))


@login_required
def transcript_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    membership = require_membership(request)
    transcript = get_object_or_404(transcripts_of(team=membership.team), pk=pk, status=Status.DONE)
    if fmt not in CONTENT_TYPES:
        raise Http404("Unknown format.")
    result = transcript_result(transcript)
    response = HttpResponse(render_result(result, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="transcript-{transcript.pk}.{fmt}"'
    return response
