"""System checks (`manage.py check`): configuration problems an operator should hear about early."""
from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Error, Warning, register

from transcripts.engine.device import resolve_device
from transcripts.engine.errors import DeviceError


@register()
def check_engine(app_configs, **kwargs):
    problems = []
    cache = settings.ASR_MODEL_CACHE
    cache.mkdir(parents=True, exist_ok=True)
    if not os.access(cache, os.W_OK):
        problems.append(
            Error(f"The model cache {cache} is not writable.", hint="Set ASR_MODEL_CACHE or fix permissions.",
                  id="transcripts.E001")
        )
    try:
        resolve_device(settings.ASR_DEVICE, settings.ASR_GPU_WORKERS)
    except DeviceError as e:
        problems.append(Error(str(e), hint="Set ASR_DEVICE to auto, cpu or cuda:N, and ASR_GPU_WORKERS to 0 or more.",
                              id="transcripts.E002"))
    from transcripts.recognition import model_catalogue

    for status in model_catalogue():
        if not status.ready:
            problems.append(Warning(f"Model {status.name} is not ready: {status.detail}", id="transcripts.W001"))
    return problems


@register()
def check_channel_layer(app_configs, **kwargs):
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if backend.endswith("InMemoryChannelLayer") and not settings.DEBUG:
        return [Warning(
            "Live progress cannot travel from the job workers to the web pages: the channel layer is in-memory.",
            hint="Set REDIS_URL (PostgreSQL deployments) or use the default SQLite database.", id="transcripts.W002",
        )]
    return []
