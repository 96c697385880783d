"""One owner of loaded models per process: loads each model once, hands it out, unloads on request."""
from __future__ import annotations

import gc
import logging
import threading
from pathlib import Path

from transcripts.engine.asr import Recognizer
from transcripts.engine.backends import ModelLocation, backend_named
from transcripts.engine.device import DeviceChoice, normalised, resolve_device
from transcripts.engine.errors import DeviceError
from transcripts.engine.models import locate_model

logger = logging.getLogger(__name__)


class ModelManager:
    def __init__(self, cache_dir: Path, device: str = "auto", threads: int = 0,
                 model_dirs: tuple[Path, ...] = (), gpu_workers: int = 0) -> None:
        self.cache_dir = Path(cache_dir)
        self.model_dirs = tuple(model_dirs)
        self.requested_device = device
        self.threads = threads
        self.gpu_workers = gpu_workers  # 0: device.GPU_WORKERS
        self._device: DeviceChoice | None = None
        self._loaded: dict[tuple[str, str], Recognizer] = {}
        self._lock = threading.Lock()

    @property
    def device(self) -> DeviceChoice:
        if self._device is None:
            self._device = resolve_device(self.requested_device, self.gpu_workers)
        return self._device

    def get(self, model: str) -> Recognizer:
        """The loaded recogniser for `model`, loading it on first use."""
        location = locate_model(model, self.cache_dir, self.model_dirs)
        with self._lock:
            recognizer = self._loaded.get((str(location.path), self.device.label))
            if recognizer is None:
                recognizer = self._load(location)  # on the CPU, where the GPU gave way
                self._loaded[(str(location.path), recognizer.device.label)] = recognizer
            return recognizer

    def _load(self, location: ModelLocation) -> Recognizer:
        """With device auto, a GPU that is present but cannot run the model (the CUDA libraries
        missing or of another version) gives way to the CPU, with a note saying why; a GPU asked
        for by name raises the DeviceError."""
        backend = backend_named(location.kind)
        try:
            return backend.load(location, self.device, self.threads)
        except DeviceError as e:
            if normalised(self.requested_device) != "auto" or self.device.device == "cpu":
                raise
            logger.warning("Running on the CPU: %s", e.message)
            self._device = DeviceChoice("cpu", note=f"Running on the CPU: {e.message}")
            return backend.load(location, self.device, self.threads)

    def loaded_models(self) -> list[str]:
        with self._lock:
            return [r.name for r in self._loaded.values()]

    def unload_all(self) -> int:
        """Drop every loaded model (and the CUDA cache when torch is in use); returns how many."""
        with self._lock:
            count = len(self._loaded)
            self._loaded.clear()
        gc.collect()
        try:
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        except ImportError:
            pass
        return count
