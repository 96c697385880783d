"""Choose where recognition runs: auto (CUDA when present), cpu, cuda[:N]."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

import ctranslate2

from transcripts.engine.errors import DeviceError

# CTranslate2 workers a model runs with on a GPU, each on its own CUDA stream, sharing the weights.
# Whisper's beam search is a long series of small steps that leave a GPU mostly idle, so batches
# decoded side by side finish sooner than one after another (bench/gpu.py, whisper-base float16,
# H100, 2026-11-28, one process): three realistic 3-minute recordings took 4.0, 5.1 and 5.0 s on
# one worker, 2.5, 2.7 and 2.1 s on four, with the same CER (0.467 against 0.471 on one, its
# batches formed differently); 20 minutes 25.4 s and 14.0 s. Six or eight were no faster than four.
# Other GPUs and models were not measured; ASR_GPU_WORKERS sets another count.
GPU_WORKERS = 4


@dataclass(frozen=True)
class DeviceChoice:
    device: str  # "cpu" or "cuda"
    index: int = 0
    compute_type: str = "int8"
    note: str = ""  # a message for the operator, e.g. why mps fell back to the CPU
    gpu_workers: int = GPU_WORKERS  # CTranslate2 workers a model runs on a GPU (`worker_layout`)

    @property
    def label(self) -> str:
        return f"cuda:{self.index}" if self.device == "cuda" else "cpu"

    @property
    def torch_device(self) -> str:
        """Where torch models (the speaker encoder) run: the same GPU when this torch build has
        CUDA, else the CPU (the CPU-only torch wheel beside a CUDA CTranslate2 is a valid install)."""
        if self.device == "cuda":
            import torch

            if torch.cuda.is_available():
                return self.label
        return "cpu"


def cuda_device_count() -> int:
    try:
        return ctranslate2.get_cuda_device_count()
    except Exception:  # a broken driver install reads as "no GPU", not as a crash
        return 0


# How CTranslate2 words a GPU it can see but not compute on ("Library libcublas.so.12 is not found
# or cannot be loaded", "CUDA failed with error ...").
GPU_FAILURE = re.compile(r"cuda|cublas|cudnn|gpu", re.IGNORECASE)


def gpu_unusable(device: DeviceChoice, error: Exception) -> DeviceError:
    """The error for a GPU that is present but cannot run a model, saying what to install."""
    return DeviceError(
        f"{device.label} cannot run the model ({error}). CTranslate2 "
        f"{ctranslate2.__version__} from PyPI needs CUDA 12's cuBLAS (pip install nvidia-cublas-cu12, with "
        "its lib folder on LD_LIBRARY_PATH) and a driver for CUDA 12; or use device cpu.",
        device=device.label,
    )


def normalised(requested: str | None) -> str:
    """A device setting as resolve_device reads it: "" and None mean auto."""
    return (requested or "auto").strip().lower()


def resolve_device(requested: str = "auto", gpu_workers: int = 0) -> DeviceChoice:
    """A concrete device for `requested`, running `gpu_workers` CTranslate2 workers where it is a
    GPU (0: GPU_WORKERS); raises DeviceError when it cannot be had."""
    if gpu_workers < 0:
        raise DeviceError(f"GPU workers must be 1 or more (0 for the default, {GPU_WORKERS}), not {gpu_workers}: "
                          "set ASR_GPU_WORKERS accordingly.")
    workers = gpu_workers or GPU_WORKERS
    value = normalised(requested)
    count = cuda_device_count()
    if value == "auto":
        return DeviceChoice("cuda", 0, "float16", gpu_workers=workers) if count else DeviceChoice("cpu")
    if value == "cpu":
        return DeviceChoice("cpu")
    if value == "mps":
        return DeviceChoice(
            "cpu",
            note="The Whisper engine (CTranslate2) has no Apple Metal (mps) support; running on the CPU.",
        )
    if value == "cuda" or value.startswith("cuda:"):
        index_text = value.partition(":")[2] or "0"
        if not index_text.isdigit():
            raise DeviceError(f"Unknown device {requested!r}: write cuda or cuda:N (N a GPU number).")
        index = int(index_text)
        if index >= count:
            raise DeviceError(
                f"Device {requested!r} is not available: this machine has {count} CUDA GPU(s). "
                "Use device 'auto' or 'cpu'."
            )
        return DeviceChoice("cuda", index, "float16", gpu_workers=workers)
    raise DeviceError(f"Unknown device {requested!r}: use auto, cpu, cuda or cuda:N.")


# CPU workers a model runs with by default: one per core up to this many, each single-threaded.
MAX_CPU_WORKERS = 4


@dataclass(frozen=True)
class WorkerLayout:
    workers: int  # calls a model serves at once
    threads_per_worker: int  # CPU threads each


def worker_layout(device: DeviceChoice, threads: int = 0) -> WorkerLayout:
    """The CTranslate2 workers a model runs with on `device` (`threads`: CPU cores, 0 for all)."""
    return cpu_layout(threads) if device.device == "cpu" else WorkerLayout(device.gpu_workers, threads)


def cpu_layout(threads: int = 0) -> WorkerLayout:
    """How a model uses `threads` CPU cores (0: all this process may run on): several
    single-threaded CTranslate2 workers, each decoding its own batch, rather than one worker whose
    threads share every step. A Whisper decoding step is too small to split: on a 2-core machine
    (whisper-base int8, beam 5) a step took 22 ms on 2 threads and 10 ms on 1, while the encoder
    ran 1.7x faster on 2; two single-threaded workers at once did 1.7x the work of one 2-thread one."""
    cores = threads or _usable_cores()
    workers = max(1, min(cores, MAX_CPU_WORKERS))
    return WorkerLayout(workers, max(1, cores // workers))


def _usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):  # Linux: the cores this process may run on
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
