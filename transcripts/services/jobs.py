"""Batch jobs: several files recognised with shared options, cancelled, their status following
their files (every change announced to the pages that follow it)."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Team
from transcripts import events
from transcripts.engine import EngineError, TranscribeOptions
from transcripts.models import UNFINISHED, Job, Status, Transcript
from transcripts.services import transcripts as lifecycle  # (see transcripts.py: they need each other)


def job_create(*, team: Team, user, files: Iterable[tuple[str, BinaryIO | bytes]], options: TranscribeOptions) -> Job:
    """One Job and one Transcript per file. A file refused on upload (corrupt, empty, too big)
    becomes a failed transcript with its reason; the others go on."""
    options = options.validated()
    job = Job.objects.create(team=team, created_by=user, options=options.as_dict())
    for name, content in files:
        try:
            lifecycle.transcript_create(team=team, user=user, data=content, filename=name, options=options, job=job)
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


def job_refresh(*, job_id: int | None) -> None:
    """Move the job's status along with its files and tell the pages that follow it."""
    if job_id is None:
        return
    files = Transcript.objects.filter(job_id=job_id)
    active = Job.objects.filter(id=job_id).exclude(status=Status.CANCELLED)
    if not files.filter(status__in=UNFINISHED).exists():
        active.filter(~Q(status=Status.DONE)).update(status=Status.DONE, finished_at=timezone.now())
    elif files.filter(status=Status.RUNNING).exists():
        active.filter(status=Status.QUEUED).update(status=Status.RUNNING)
    events.job_changed(job_id)
