"""历史记录: search and filter the team's transcripts, export them, delete a selection."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from accounts.current import require_membership
from accounts.models import Membership
from asrplatform.params import BadParameter, database_id, optional_date, optional_id, search_query
from transcripts import services
from transcripts.engine.formats import CONTENT_TYPES
from transcripts.selectors import (
    history_filters,
    transcripts_of,
    transcripts_search,
)


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
