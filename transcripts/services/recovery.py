"""Recovery: work a dead worker left behind is queued again (or failed after MAX_ATTEMPTS), so
nothing accepted is lost and nothing waits on a human."""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from transcripts import heartbeats
from transcripts.heartbeats import HEARTBEAT_SECONDS
from transcripts.models import Status, Transcript
from transcripts.services.jobs import job_refresh
from transcripts.services.transcripts import MAX_ATTEMPTS, transcript_enqueue

logger = logging.getLogger(__name__)


def transcripts_recover_stale(*, dead_cluster: str | None = None) -> tuple[int, int]:
    """Transcripts left RUNNING by a worker that died: run again once, then fail with a reason.

    A worker is taken for dead when it has not reported for HEARTBEAT_SECONDS (heartbeats.py),
    when it has held the file past ASR_TASK_TIMEOUT, or when it belonged to `dead_cluster`
    (runplatform saw that cluster exit). Returns (requeued, failed). Run every 10 minutes by the
    cluster's schedule, by runplatform when it (re)starts a cluster, and by `manage.py recover`.
    """
    now = timezone.now()
    stale, quiet = now - timedelta(seconds=settings.ASR_TASK_TIMEOUT), now - timedelta(seconds=HEARTBEAT_SECONDS)
    lost = [row.id for row in Transcript.objects.filter(status=Status.RUNNING).only("id", "started_at")
            if row.started_at < stale
            or (row.started_at < quiet and heartbeats.holder(row.id) is None)
            or (dead_cluster and heartbeats.held_by_cluster(row.id, dead_cluster))]
    stuck = Transcript.objects.filter(status=Status.RUNNING, id__in=lost)
    lost_jobs = set(stuck.filter(attempts__gte=MAX_ATTEMPTS).values_list("job_id", flat=True))
    failed = stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, error_code="worker_lost", finished_at=timezone.now(),
        error_message="The recognition worker stopped twice while working on this file. Try again, or split the file.",
    )
    for job_id in lost_jobs:
        job_refresh(job_id=job_id)
    requeued = 0
    for transcript_id in stuck.filter(attempts__lt=MAX_ATTEMPTS).values_list("id", flat=True):
        if Transcript.objects.filter(id=transcript_id, status=Status.RUNNING).update(status=Status.QUEUED):
            heartbeats.clear(transcript_id)
            transcript_enqueue(transcript_id=transcript_id)
            requeued += 1
    # Tasks a killed cluster had already taken off the queue (prefetched) never run: queue them
    # again (all of them when a cluster is known to have died). A task that is merely waiting
    # behind others runs once either way (_claim).
    forgotten = Transcript.objects.filter(status=Status.QUEUED)
    if not dead_cluster:
        forgotten = forgotten.filter(Q(enqueued_at__lt=stale) | Q(enqueued_at=None))
    for transcript_id in forgotten.values_list("id", flat=True):
        transcript_enqueue(transcript_id=transcript_id)
        requeued += 1
    return requeued, failed
