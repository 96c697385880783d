"""Which models the worker processes hold, and "unload" reaching them.

Each django-q2 worker process loads its own models. "Unload models" in the web process used to
free only the web process's, while the panel went on to show "nothing loaded". Now it is a
broadcast through the shared cache (files under the data directory, Redis across machines):
the request is a timestamp; a thread in each worker process that has loaded a model looks every
WATCH_SECONDS, unloads when it sees a newer request (a file being recognised keeps its model
until it finishes), and reports what it holds, which the panel lists per worker.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from django.core.cache import cache

from transcripts.heartbeats import worker_name

if TYPE_CHECKING:
    from transcripts.engine.manager import ModelManager

logger = logging.getLogger(__name__)

WATCH_SECONDS = 5.0
# A worker's report outlives a few missed looks, then it counts as gone (stopped or recycled).
REPORT_SECONDS = 30
_UNLOAD_KEY = "asr:models:unload-requested"
_NAMES_KEY = "asr:models:workers"
_started = threading.Lock()
_watching = False


def _report_key(name: str) -> str:
    return f"asr:models:held-by:{name}"


def request_unload() -> None:
    """Ask every worker process to unload its models (each does within WATCH_SECONDS when idle)."""
    cache.set(_UNLOAD_KEY, time.time(), None)


def worker_models() -> list[dict]:
    """What each worker process that reported lately holds:
    [{"worker", "models", "device", "device_note", "seconds_ago"}]."""
    try:
        names = cache.get(_NAMES_KEY) or []
        reports = cache.get_many([_report_key(name) for name in names])
    except Exception:  # a cache that cannot be read shows no reports, not a broken page
        logger.warning("Could not read the workers' model reports", exc_info=True)
        return []
    now = time.time()
    return [{"worker": name, "models": report["models"], "device": report.get("device", ""),
             "device_note": report.get("device_note", ""), "seconds_ago": round(now - report["at"], 1)}
            for name in names if (report := reports.get(_report_key(name)))]


def _report(models: ModelManager) -> None:
    """This worker's models, and the device they run on (with why, when a GPU gave way to the CPU)."""
    name = worker_name()
    device = models.device
    report = {"models": models.loaded_models(), "device": device.label, "device_note": device.note, "at": time.time()}
    cache.set(_report_key(name), report, REPORT_SECONDS)
    # A read-modify-write: two workers writing at once can drop a name; each writes itself back
    # on its next look, and names whose report expired are dropped here.
    names = cache.get(_NAMES_KEY) or []
    alive = set(cache.get_many([_report_key(other) for other in names]))
    kept = [other for other in names if _report_key(other) in alive or other == name]
    if name not in kept:
        kept.append(name)
    if kept != names:
        cache.set(_NAMES_KEY, kept, None)


def watch_in_this_worker(engine) -> None:
    """Start this worker process's watcher (once per process; later calls do nothing)."""
    global _watching
    with _started:
        if _watching:
            return
        _watching = True
    try:
        seen = cache.get(_UNLOAD_KEY) or 0.0
    except Exception:
        seen = 0.0
    threading.Thread(target=_watch, args=(engine, seen), name="model-watch", daemon=True).start()


def _watch(engine, seen: float) -> None:
    while True:
        try:
            requested = cache.get(_UNLOAD_KEY) or 0.0
            if requested > seen:
                seen = requested
                count = engine.models.unload_all()
                logger.info("Unloaded %d model(s) as asked from the settings page", count)
            _report(engine.models)
        except Exception:  # a cache that is down must not end the watch
            logger.warning("Could not look for an unload request", exc_info=True)
        time.sleep(WATCH_SECONDS)
