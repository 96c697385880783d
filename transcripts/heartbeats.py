"""Which worker holds which running transcript, kept fresh while it works, so that recovery can
tell a worker that died from one that is slow.

A key per running transcript in the shared cache (files under the data directory on one
machine, Redis across machines) names the worker process; it expires HEARTBEAT_SECONDS after
the worker last reported. runplatform gives each worker cluster it starts an id
(ASR_CLUSTER_ID), so when that cluster dies it can take back exactly the files it held.
"""
from __future__ import annotations

import logging
import os
import socket

from django.core.cache import cache

logger = logging.getLogger(__name__)
# What holder() says when the cache cannot be read: somebody, so nothing is taken back for it.
UNKNOWN = "?"

HEARTBEAT_SECONDS = 60
# A worker reports at most this often (from the engine's progress callback).
REFRESH_SECONDS = 5.0


def worker_name() -> str:
    """`<cluster id>/<host>:<pid>`; the cluster id is empty for a cluster started by hand."""
    return f"{os.environ.get('ASR_CLUSTER_ID', '')}/{socket.gethostname()}:{os.getpid()}"


def _key(transcript_id: int) -> str:
    return f"asr:running:{transcript_id}"


def beat(transcript_id: int) -> None:
    """A cache that is down must not stop the recognition: the timeout still covers the file."""
    try:
        cache.set(_key(transcript_id), worker_name(), HEARTBEAT_SECONDS)
    except Exception:
        logger.warning("Could not record the heartbeat of transcript %s", transcript_id, exc_info=True)


def clear(transcript_id: int) -> None:
    try:
        cache.delete(_key(transcript_id))
    except Exception:
        logger.warning("Could not clear the heartbeat of transcript %s", transcript_id, exc_info=True)


def holder(transcript_id: int) -> str | None:
    """The worker that last reported on this transcript; None when none has for a while, UNKNOWN
    when the cache cannot say."""
    try:
        return cache.get(_key(transcript_id))
    except Exception:
        logger.warning("Could not read the heartbeat of transcript %s", transcript_id, exc_info=True)
        return UNKNOWN


def held_by_cluster(transcript_id: int, cluster_id: str) -> bool:
    name = holder(transcript_id)
    return name is not None and name.startswith(f"{cluster_id}/")
