"""Batch jobs: several files recognised with shared options, followed live, cancelled, exported."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf, Substr
from django.utils import timezone

from accounts.models import Team
from transcripts import events
from transcripts.engine import EngineError, TranscribeOptions
from transcripts.engine.formats import render
from transcripts.job_status import UNFINISHED, job_refresh
from transcripts.models import Job, Status, Transcript
from transcripts.outputs import output_paths
from transcripts.selectors import transcript_result
from transcripts.services import transcript_create


def job_create(*, team: Team, user, files: Iterable[tuple[str, BinaryIO | bytes]], options: TranscribeOptions) -> Job:
    """One Job and one Transcript per file. A file refused on upload (corrupt, empty, too big)
    becomes a failed transcript with its reason; the others go on."""
    options = options.validated()
    job = Job.objects.create(team=team, created_by=user, options=options.as_dict())
    for name, content in files:
        try:
            transcript_create(team=team, user=user, data=content, filename=name, options=options, job=job)
        except EngineError as e:
            Transcript.objects.create(
                team=team, created_by=user, job=job, source_name=Path(name or "upload").name[:255],
                options=options.as_dict(), status=Status.FAILED, error_code=e.code, error_message=e.message,
                error_params=e.params, finished_at=timezone.now(),
            )
    transaction.on_commit(lambda: job_refresh(job_id=job.id))
    return job


def job_cancel(*, job: Job) -> int:
    """Stop the rest: queued files are cancelled and the running one stops at its next progress
    step. Returns how many files were cancelled; finished files keep their results."""
    cancelled = Transcript.objects.filter(job=job, status__in=UNFINISHED).update(
        status=Status.CANCELLED, error_code="cancelled", error_message="Cancelled before it finished.",
        finished_at=timezone.now(),
    )
    Job.objects.filter(id=job.id, status__in=UNFINISHED).update(status=Status.CANCELLED, finished_at=timezone.now())
    events.job_changed(job.id)
    return cancelled


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


def job_export_zip(*, job: Job, formats: tuple[str, ...] = ("txt", "srt")) -> bytes:
    """A zip of each finished file's transcript in each format, names collision-free."""
    finished = list(job.transcripts.filter(status=Status.DONE).order_by("id"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for fmt in formats:
            names = output_paths([Path(t.source_name) for t in finished], Path(fmt), fmt)
            for transcript, name in zip(finished, names):
                archive.writestr(str(name), render(transcript_result(transcript), fmt))
    return buffer.getvalue()
