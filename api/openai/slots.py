"""A bound on synchronous recognitions in flight in one process: past it, callers get 503 with
Retry-After instead of piling up (each holds memory and CPU for the whole recognition)."""
from __future__ import annotations

import threading


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
