"""The Django side of the engine: one Engine per process, configured from settings."""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from transcripts.engine import Engine, EngineConfig
from transcripts.engine.models import ModelStatus, model_statuses


def engine_config(*, device: str | None = None, threads: int | None = None) -> EngineConfig:
    return EngineConfig(
        cache_dir=settings.ASR_MODEL_CACHE,
        device=device or settings.ASR_DEVICE,
        threads=settings.ASR_THREADS if threads is None else threads,
        gpu_workers=settings.ASR_GPU_WORKERS,
        model_dirs=tuple(settings.ASR_MODEL_DIRS),
    )


def model_catalogue() -> list[ModelStatus]:
    """Every model this server knows: the catalogue's and those in ASR_MODEL_DIRS, ready or not."""
    return model_statuses(settings.ASR_MODEL_CACHE, tuple(settings.ASR_MODEL_DIRS))


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process's engine; models load on first use and stay loaded for later jobs."""
    return Engine(engine_config())
