"""Reads, always scoped to a team."""
from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

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
