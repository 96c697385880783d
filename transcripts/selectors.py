"""Reads, always scoped to a team."""
from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from accounts.models import Team
from transcripts.engine.text import parse_hotwords
from transcripts.models import HotwordLibrary, Transcript


def transcripts_of(*, team: Team) -> QuerySet[Transcript]:
    return Transcript.objects.filter(team=team)


def hotwords_for(*, team: Team, library_ids: Iterable[int] = (), extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The terms of the team's chosen libraries plus ad-hoc ones; other teams' ids match nothing."""
    terms: list[str] = []
    for library in HotwordLibrary.objects.filter(team=team, id__in=list(library_ids)).order_by("id"):
        terms += [term for term, _weight in parse_hotwords(library.terms)]
    terms += [t.strip() for t in extra if t and t.strip()]
    return tuple(dict.fromkeys(terms))


def transcripts_search(
    *, team: Team, query: str = "", language: str = "", status: str = "", owner_id: int | None = None,
    date_from=None, date_to=None,
) -> QuerySet[Transcript]:
    """The team's transcripts matching a free-text query and filters, newest first.

    Substring matching finds a two-character Chinese word as well as an English one, on SQLite
    and PostgreSQL alike (a full-text index is the next step for very large histories).
    """
    rows = transcripts_of(team=team)
    for word in query.split():
        rows = rows.filter(Q(text__icontains=word) | Q(itn_text__icontains=word) | Q(source_name__icontains=word))
    if language:
        rows = rows.filter(language=language)
    if status:
        rows = rows.filter(status=status)
    if owner_id:
        rows = rows.filter(created_by_id=owner_id)
    if date_from:
        rows = rows.filter(created_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(created_at__date__lte=date_to)
    return rows.select_related("created_by")
