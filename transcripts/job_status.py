"""A job's status follows its files; every change is announced to the pages following it."""
from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from transcripts import events
from transcripts.models import Job, Status, Transcript

UNFINISHED = (Status.QUEUED, Status.RUNNING)


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
