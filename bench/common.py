"""Shared pieces of the benchmarks: the test recordings, long inputs built from them, timing."""
from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from transcripts.engine.audio import wav_bytes

REPO = Path(__file__).resolve().parent.parent
SPEECH_DIR = Path(os.environ.get("ASR_TEST_SPEECH_DIR", REPO.parent / "shared" / "data" / "speech"))
CACHE_DIR = Path(os.environ.get("ASR_MODEL_CACHE", REPO / "data" / "test-models"))
WORK_DIR = REPO / "data" / "bench"


def manifest() -> list[dict]:
    lines = (SPEECH_DIR / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def write_wav(path: Path, samples: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wav_bytes(samples))
    return path


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def interleaved(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median wall time of each run, alternating them so machine noise hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}
