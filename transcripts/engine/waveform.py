"""A compact picture of a recording for the VAD page: the peak level in each of N equal bins."""
from __future__ import annotations

import numpy as np

from transcripts.engine.audio import SAMPLE_RATE, AudioSource, iter_audio, probe_duration


def waveform_peaks(source: AudioSource, bins: int = 800) -> list[float]:
    """Peak |sample| per bin over the whole recording, streamed (memory stays at one chunk)."""
    total = max(1, int(probe_duration(source) * SAMPLE_RATE))
    peaks = np.zeros(bins, np.float32)
    position = 0
    for chunk, _ in iter_audio(source):
        index = np.minimum((position + np.arange(len(chunk))) * bins // total, bins - 1)
        np.maximum.at(peaks, index, np.abs(chunk))
        position += len(chunk)
    return [round(float(p), 3) for p in peaks]
