"""Pages: thin views over services and selectors, everything scoped to the current team."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.current import require_membership
from accounts.models import Membership
from accounts.permissions import VIEWERS_CANNOT_RECOGNISE
from asrplatform.params import BadParameter, database_id, optional_date, optional_id, search_query
from asrplatform.ranges import stored_file_response
from transcripts import services
from transcripts.edits import EditError, transcript_edit, transcript_restore
from transcripts.engine import EngineError
from transcripts.engine.formats import CONTENT_TYPES
from transcripts.engine.formats import render as render_result
from transcripts.error_messages import shown_error
from transcripts.forms import RecognizeForm
from transcripts.models import HotwordLibrary, Status
from transcripts.request_options import form_initial, options_from, requestable_models
from transcripts.selectors import (
    editor_context,
    history_filters,
    last_edit,
    transcript_result,
    transcripts_of,
    transcripts_search,
)


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


def _searched(request: HttpRequest, membership: Membership):
    """The history search; BadParameter for an owner or date that is not one."""
    params = request.GET
    return transcripts_search(
        team=membership.team, query=search_query("q", params.get("q")), language=params.get("language", ""),
        status=params.get("status", ""), owner_id=optional_id("owner", params.get("owner")),
        date_from=optional_date("from", params.get("from")), date_to=optional_date("to", params.get("to")),
    )


def _ids(values: list[str]) -> list[int]:
    return [i for i in map(database_id, values) if i is not None]


@login_required
def history(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request)
    try:
        rows = _searched(request, membership)
    except BadParameter as e:
        return HttpResponseBadRequest(e.message)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(request, "transcripts/history.html", {
        "page": page, "query": request.GET.get("q", ""), "filters": filters.urlencode(),
        "searching": any(request.GET.get(key) for key in ("q", "language", "status", "owner", "from", "to")),
        **history_filters(team=membership.team)})


@login_required
def history_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The search result (or the ids picked with ?id=) as CSV or JSON."""
    membership = require_membership(request)
    if fmt not in ("csv", "json"):
        raise Http404("Unknown format.")
    try:
        rows = _searched(request, membership)
    except BadParameter as e:
        return HttpResponseBadRequest(e.message)
    picked = _ids(request.GET.getlist("id"))
    if picked:
        rows = rows.filter(id__in=picked)
    response = HttpResponse(services.transcripts_export(rows, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="transcripts.{fmt}"'
    return response


@login_required
def history_delete(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation; POST deletes. Members and admins only."""
    membership = require_membership(request, at_least=Membership.Role.MEMBER)
    ids = _ids(request.POST.getlist("id") or request.GET.getlist("id"))
    rows = transcripts_of(team=membership.team).filter(id__in=ids)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        deleted = services.transcripts_delete(team=membership.team, ids=ids)
        messages.success(request, ngettext("Deleted %(count)d transcript and its audio.",
                                           "Deleted %(count)d transcripts and their audio.", deleted) % {"count": deleted})
        return redirect("history")
    return render(request, "transcripts/confirm_delete.html", {"rows": rows})
