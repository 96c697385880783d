"""Reads, always scoped to a team."""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, Substr
from django.utils import timezone

from accounts.models import Team
from transcripts.engine import TranscriptResult
from transcripts.engine.result import is_unsure
from transcripts.engine.speakers import MAX_SPEAKERS
from transcripts.engine.text import by_weight, parse_hotwords
from transcripts.language_names import native_name
from transcripts.models import UNFINISHED, HotwordLibrary, Job, Status, Transcript, TranscriptRevision
from transcripts.search import matching_transcript_ids


def transcripts_of(*, team: Team) -> QuerySet[Transcript]:
    return Transcript.objects.filter(team=team)


def hotwords_for(*, team: Team, library_ids: Iterable[int] = (), extra: str = "") -> tuple[str, ...]:
    """The terms of the team's chosen libraries plus ad-hoc ones (typed as a library's are), the
    heaviest first; other teams' ids match nothing."""
    weighted: list[tuple[str, int]] = []
    for library in HotwordLibrary.objects.filter(team=team, id__in=list(library_ids)).order_by("id"):
        weighted += parse_hotwords(library.terms)
    weighted += parse_hotwords(extra or "")
    return by_weight(weighted)


def transcripts_search(
    *, team: Team, query: str = "", language: str = "", status: str = "", owner_id: int | None = None,
    date_from=None, date_to=None,
) -> QuerySet[Transcript]:
    """The team's transcripts matching a free-text query and filters, newest first.

    The query goes through the search index (FTS5 trigram on SQLite, pg_trgm on PostgreSQL):
    a two-character Chinese word is found as well as an English one.
    """
    rows = matching_transcript_ids(transcripts_of(team=team), query)
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


def history_filters(*, team: Team) -> dict:
    """The history page's filter choices: the languages and people the team's transcripts have."""
    languages = sorted(set(transcripts_of(team=team).exclude(language="").values_list("language", flat=True)))
    owners = get_user_model().objects.filter(memberships__team=team).order_by("username")
    return {"languages": [(code, native_name(code)) for code in languages], "statuses": Status.choices,
            "owners": owners}


def last_edit(transcript: Transcript) -> TranscriptRevision | None:
    """The newest correction of the transcript (None when it is as the recogniser wrote it)."""
    return transcript.revisions.filter(number__gt=0).select_related("created_by").first()


def editor_context(transcript: Transcript) -> dict:
    """The detail page's editor: each speaker with its name and colour (1-10, cycling), the next
    free label, and the segments as rows with their speaker, whether the recogniser was unsure of
    the text (`is_unsure`; and how many such), and the words to show as clickable (only where the
    shown text is the words' own: ITN rewrites numbers the words spell out)."""
    labels = list(dict.fromkeys(s.get("speaker") for s in transcript.segments if s.get("speaker")))
    names = transcript.speaker_names or {}

    def person(label: str | None) -> dict | None:
        if not label:
            return None
        return {"label": label, "name": names.get(label, label), "colour": (int(label[1:]) - 1) % 10 + 1}

    numbers = [int(label[1:]) for label in labels]
    following = max(numbers, default=0) + 1
    rows = [{"index": i, "segment": s, "speaker": person(s.get("speaker")), "unsure": is_unsure(s.get("avg_logprob")),
             "words": s.get("words") if (s.get("itn_text") or s.get("text")) == s.get("text") else []}
            for i, s in enumerate(transcript.segments)]
    return {"speakers": [person(label) for label in labels],
            "next_speaker": f"S{following}" if labels and following <= MAX_SPEAKERS else None,
            "unsure": sum(row["unsure"] for row in rows), "rows": rows}


def transcript_result(transcript: Transcript) -> TranscriptResult:
    """A stored transcript as the engine's result type, for the exporters."""
    return TranscriptResult.from_dict({
        "text": transcript.text, "itn_text": transcript.itn_text, "language": transcript.language,
        "language_probability": transcript.language_probability or 0.0, "duration": transcript.duration or 0.0,
        "segments": transcript.segments, "model": transcript.model, "device": transcript.device,
        "languages": transcript.languages, "dropped": transcript.dropped,
        "options": transcript.options, "processing_seconds": transcript.processing_seconds or 0.0,
        "speaker_names": transcript.speaker_names or {},
    })


PREVIEW_CHARS = 80  # of each finished file's text, shown in its row


def job_snapshot(*, job: Job) -> dict:
    """What the job page shows: items done/total, the running file's position, ETA, each file."""
    job.refresh_from_db()
    files = list(job.transcripts.order_by("id").values(
        "id", "source_name", "status", "progress", "duration", "error_code", "error_message", "error_params",
        "started_at", "finished_at",
        preview=Substr(Coalesce(NullIf("itn_text", Value("")), "text"), 1, PREVIEW_CHARS)))
    total_audio = sum(f["duration"] or 0.0 for f in files)
    done_audio = sum((f["duration"] or 0.0) * (f["progress"] if f["status"] in UNFINISHED else 1.0) for f in files)
    started = min((f["started_at"] for f in files if f["started_at"]), default=None)
    eta = None
    if job.status in UNFINISHED and started and done_audio > 0:
        elapsed = (timezone.now() - started).total_seconds()
        eta = round(elapsed / done_audio * max(total_audio - done_audio, 0.0), 1)
    running = next((f for f in files if f["status"] == Status.RUNNING), None)
    return {
        "job": job.id,
        "status": job.status,
        "done": sum(f["status"] not in UNFINISHED for f in files),
        "total": len(files),
        "fraction": round(done_audio / total_audio, 4) if total_audio else float(job.status not in UNFINISHED),
        "eta_seconds": eta,
        "current": None if running is None else {
            "id": running["id"], "name": running["source_name"],
            "position": round((running["duration"] or 0.0) * running["progress"], 1), "duration": running["duration"],
        },
        "files": [{"id": f["id"], "name": f["source_name"], "status": f["status"], "progress": round(f["progress"], 3),
                   "duration": f["duration"], "error": f["error_message"], "error_code": f["error_code"],
                   "error_params": f["error_params"],
                   "preview": f["preview"] or ""}
                  for f in files],
    }
