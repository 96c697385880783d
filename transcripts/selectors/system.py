"""What the settings page's system panel and GET /api/system/ show: devices, models, queue,
workers and storage, read in one place."""
from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from asrplatform import __version__
from transcripts.engine import EngineError
from transcripts.engine.device import cuda_device_count
from transcripts.models import UNFINISHED, Transcript
from transcripts.recognition import get_engine, model_catalogue
from transcripts.services import stored_audio_bytes
from transcripts.worker_models import worker_models


def _directory_bytes(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _database_bytes() -> int:
    if connection.vendor == "sqlite":
        name = Path(str(connection.settings_dict["NAME"]))
        return sum(p.stat().st_size for p in name.parent.glob(name.name + "*") if p.is_file())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    return 0


def _workers() -> list[dict[str, Any]]:
    """The django-q2 clusters that reported in (their statistics are kept in the broker)."""
    from django_q.status import Stat

    try:
        return [{"cluster": str(stat.cluster_id), "host": stat.host, "status": stat.status,
                 "workers": len(stat.workers), "uptime_seconds": round(stat.uptime())} for stat in Stat.get_all()]
    except Exception:  # a broker that cannot be read shows as no workers, not as a broken page
        return []


def device_status() -> dict[str, Any]:
    manager = get_engine().models
    try:
        choice = manager.device
    except EngineError as e:
        return {"in_use": "unavailable", "compute_type": "", "note": e.message}
    return {"in_use": choice.label, "compute_type": choice.compute_type, "note": choice.note}


def system_status() -> dict[str, Any]:
    engine = get_engine()
    return {
        "version": __version__,
        "device": device_status(),
        "devices_present": {"cpu_cores": os.cpu_count() or 1, "cuda_gpus": cuda_device_count()},
        "default_model": settings.ASR_MODEL,
        "loaded_models": engine.models.loaded_models(),
        "models": [asdict(s) for s in model_catalogue()],
        "queue": {status: Transcript.objects.filter(status=status).count() for status in UNFINISHED},
        "workers": _workers(),
        "worker_models": worker_models(),
        "storage": {
            "data_dir": str(settings.DATA_DIR),
            "audio_bytes": stored_audio_bytes(),
            "audio_limit_bytes": settings.ASR_AUDIO_STORE_BYTES,
            "model_cache_bytes": _directory_bytes(Path(settings.ASR_MODEL_CACHE)),
            "database_bytes": _database_bytes(),
        },
    }
