"""Shared pieces of the benchmarks: the test recordings, long inputs built from them, timing."""
from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

from transcripts.engine.audio import decode_audio, wav_bytes
from transcripts.engine.text import convert_chinese_script

REPO = Path(__file__).resolve().parent.parent
SPEECH_DIR = Path(os.environ.get("ASR_TEST_SPEECH_DIR", REPO.parent / "shared" / "data" / "speech"))
CACHE_DIR = Path(os.environ.get("ASR_MODEL_CACHE", REPO / "data" / "test-models"))
WORK_DIR = REPO / "data" / "bench"
T = TypeVar("T")


def manifest(folder: Path = SPEECH_DIR) -> list[dict]:
    lines = (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def mandarin_clips(folder: Path) -> dict[str, tuple[np.ndarray, str]]:
    """The Mandarin clips a folder's manifest.jsonl lists ("language": "zh"), as name → (16 kHz
    mono samples, reference text): the material the long-recording benchmarks are built from."""
    listing = folder / "manifest.jsonl"
    if not listing.is_file():
        raise SystemExit(f"{listing} not found: list the clips there, one JSON object a line with "
                         '"audio" (a file in that folder), "language": "zh" and "text" (what is said).')
    clips = {e["audio"]: (decode_audio(folder / e["audio"]).samples, e["text"])
             for e in manifest(folder) if e.get("language") == "zh"}
    if not clips:
        raise SystemExit(f'{listing} lists no clip with "language": "zh".')
    return clips


def write_wav(path: Path, samples: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wav_bytes(samples))
    return path


def timed(run: Callable[[], T]) -> tuple[T, float]:
    """What `run` returns, and the seconds it took."""
    started = time.perf_counter()
    value = run()
    return value, time.perf_counter() - started


def simplified(text: str) -> str:
    """Text in simplified characters, as the references are written, for scoring plain faster-whisper."""
    return convert_chinese_script(text, "simplified")


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
