"""Events from the workers to the pages, over the channel layer.

An event only says "this job changed"; the consumer reads the current state from the database
and sends that, so a missed event costs nothing and a reopened page sees the same as an open one.
A channel layer that is down never fails a recognition: the event is logged and dropped.
"""
from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def job_group(job_id: int) -> str:
    return f"job-{job_id}"


def transcript_group(transcript_id: int) -> str:
    return f"transcript-{transcript_id}"


def job_changed(job_id: int | None) -> None:
    if job_id is not None:
        _publish(job_group(job_id), "job.changed")


def transcript_changed(transcript_id: int) -> None:
    _publish(transcript_group(transcript_id), "transcript.changed")


def _publish(group: str, kind: str) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(group, {"type": kind})
    except Exception as e:  # noqa: BLE001 - progress display must never break the work itself
        # no traceback: a layer that is down, or a process shutting down under a finishing
        # recognition, is not a bug, and the next event (or the page's reload) catches up
        logger.warning("could not publish progress to %s: %s: %s", group, type(e).__name__, e)
