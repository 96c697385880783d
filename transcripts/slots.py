"""A bound on the heavy work a web process does itself (synchronous /v1/ recognitions, VAD on
the VAD page and /api/vad/): past ASR_API_CONCURRENCY at once, callers get 503 (with
Retry-After on /v1/) instead of piling up, each holding memory and CPU for the whole file."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from transcripts.engine.errors import EngineError


class ServerBusyError(EngineError):
    code = "server_busy"
    http_status = 503


class Slots:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy = 0

    def try_take(self, limit: int) -> bool:
        with self._lock:
            if self._busy >= limit:
                return False
            self._busy += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self._busy = max(self._busy - 1, 0)

    @property
    def busy(self) -> int:
        return self._busy


RECOGNITION_SLOTS = Slots()


@contextmanager
def web_work_slot() -> Iterator[None]:
    """Hold one of this process's slots for the block, or raise ServerBusyError when all are taken."""
    if not RECOGNITION_SLOTS.try_take(settings.ASR_API_CONCURRENCY):
        raise ServerBusyError(f"{settings.ASR_API_CONCURRENCY} recognitions are already running on this server; "
                              "try again in a minute, or recognise the file on the recognition page (in the "
                              "background).", limit=settings.ASR_API_CONCURRENCY)
    try:
        yield
    finally:
        RECOGNITION_SLOTS.give_back()
