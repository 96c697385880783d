"""Speech-segment shaping as pure functions: what the recogniser is handed, and why.

Times are integer milliseconds on the original recording. `frame_energy` is the audio's RMS
energy per FRAME_MS frame, computed while decoding, so an over-long segment can be split at its
quietest point without keeping the audio itself.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FRAME_MS = 10


@dataclass(frozen=True, order=True)
class Span:
    start_ms: int
    end_ms: int

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


def drop_short(spans: Sequence[Span], min_speech_ms: int) -> list[Span]:
    """Spans shorter than `min_speech_ms` are clicks and breaths, not speech."""
    return [s for s in spans if s.duration_ms >= min_speech_ms]


def pad(spans: Sequence[Span], pad_ms: int, duration_ms: int, end_pad_ms: int | None = None) -> list[Span]:
    """Widen each span by `pad_ms` before and `end_pad_ms` (default: the same) after, without
    crossing its neighbours or the file."""
    end_pad_ms = pad_ms if end_pad_ms is None else end_pad_ms
    padded: list[Span] = []
    for index, span in enumerate(spans):
        low = padded[-1].end_ms if padded else 0
        high = spans[index + 1].start_ms if index + 1 < len(spans) else duration_ms
        start = max(low, span.start_ms - pad_ms, 0)
        end = min(span.end_ms + end_pad_ms, duration_ms)
        if index + 1 < len(spans):  # share a short gap with the next span instead of overlapping it
            end = min(end, max(span.end_ms, (span.end_ms + high) // 2))
        padded.append(Span(start, max(start, end)))
    return padded


def islands(raw: Sequence[Span], span: Span) -> list[tuple[float, float]]:
    """The stretches of `raw` speech (VAD's spans before shaping) inside `span`, in seconds from
    its start."""
    return [((max(r.start_ms, span.start_ms) - span.start_ms) / 1000, (min(r.end_ms, span.end_ms) - span.start_ms) / 1000)
            for r in raw if r.start_ms < span.end_ms and r.end_ms > span.start_ms]


def merge_close(spans: Sequence[Span], max_gap_ms: int, max_segment_ms: int) -> list[Span]:
    """Join neighbours separated by at most `max_gap_ms` while the result stays <= max_segment_ms.

    Fewer, longer segments give the recogniser context and cost fewer decoder passes.
    """
    merged: list[Span] = []
    for span in spans:
        if merged and span.start_ms - merged[-1].end_ms <= max_gap_ms and span.end_ms - merged[-1].start_ms <= max_segment_ms:
            merged[-1] = Span(merged[-1].start_ms, span.end_ms)
        else:
            merged.append(span)
    return merged


def split_long(spans: Sequence[Span], max_segment_ms: int, frame_energy: np.ndarray | None) -> list[Span]:
    """Cut every span longer than `max_segment_ms` at the quietest frame of its second half-window.

    Searching only in [start + max/2, start + max] keeps pieces at least half the maximum long
    (except the last), and guarantees each piece is <= max_segment_ms.
    """
    result: list[Span] = []
    for span in spans:
        start = span.start_ms
        while span.end_ms - start > max_segment_ms:
            cut = _quietest_ms(frame_energy, start + max_segment_ms // 2, start + max_segment_ms)
            result.append(Span(start, cut))
            start = cut
        result.append(Span(start, span.end_ms))
    return result


def _quietest_ms(frame_energy: np.ndarray | None, low_ms: int, high_ms: int) -> int:
    if frame_energy is None or len(frame_energy) == 0:
        return high_ms
    low, high = low_ms // FRAME_MS, min(high_ms // FRAME_MS, len(frame_energy))
    if high <= low:
        return high_ms
    # argmin finds the first quietest frame; cutting at its middle keeps both sides' words whole.
    return int(min(high_ms, (low + int(np.argmin(frame_energy[low:high]))) * FRAME_MS + FRAME_MS // 2))


def shape(
    spans: Sequence[Span],
    *,
    duration_ms: int,
    min_speech_ms: int,
    merge_gap_ms: int,
    pad_ms: int,
    max_segment_ms: int,
    frame_energy: np.ndarray | None = None,
    end_pad_ms: int | None = None,
) -> list[Span]:
    """Raw VAD spans → the segments handed to the recogniser, none longer than max_segment_ms."""
    ordered = sorted(Span(max(0, s.start_ms), min(duration_ms, s.end_ms)) for s in spans)
    kept = drop_short([s for s in ordered if s.end_ms > s.start_ms], min_speech_ms)
    padded = pad(kept, pad_ms, duration_ms, end_pad_ms)
    return split_long(merge_close(padded, merge_gap_ms, max_segment_ms), max_segment_ms, frame_energy)
