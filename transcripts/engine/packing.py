"""Pack short speech segments into windows of up to 30 s, and map window times back.

Whisper's encoder always reads a 30 s window, so recognising 76 three-second utterances one by
one runs the encoder 76 times; packing them (with a short silence between) runs it 19 times.
Decoding keeps Whisper's timestamp tokens on: without them it tends to stop after the first
sentence of a packed window and drop the rest (measured: CER 0.34 vs 0.22 on ten minutes of
Mandarin). Times inside a window map back to the recording through each member's offset.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from transcripts.engine.audio import SAMPLE_RATE
from transcripts.engine.segments import Span


@dataclass
class Window:
    # (span on the recording, start of that span inside the window in seconds)
    members: list[tuple[Span, float]] = field(default_factory=list)
    pieces: list[np.ndarray] = field(default_factory=list)
    length: int = 0  # samples

    @property
    def samples(self) -> np.ndarray:
        return np.concatenate(self.pieces) if self.pieces else np.zeros(0, np.float32)

    @property
    def end_ms(self) -> int:
        return self.members[-1][0].end_ms if self.members else 0

    def to_original(self, seconds: float) -> float:
        """A time inside the window → the time on the recording (gaps snap to the nearest member)."""
        chosen = self.members[0]
        for span, offset in self.members:
            if seconds >= offset:
                chosen = (span, offset)
        span, offset = chosen
        inside = min(max(seconds - offset, 0.0), span.duration_ms / 1000)
        return span.start_ms / 1000 + inside


def pack(clips: Iterable[tuple[Span, np.ndarray]], *, max_ms: int, gap_ms: int = 300) -> Iterator[Window]:
    """Greedily pack consecutive clips into windows no longer than `max_ms`."""
    limit = max_ms * SAMPLE_RATE // 1000
    gap = np.zeros(gap_ms * SAMPLE_RATE // 1000, np.float32)
    window = Window()
    for span, samples in clips:
        extra = len(samples) + (len(gap) if window.members else 0)
        if window.members and window.length + extra > limit:
            yield window
            window = Window()
        if window.members:
            window.pieces.append(gap)
            window.length += len(gap)
        window.members.append((span, window.length / SAMPLE_RATE))
        window.pieces.append(samples)
        window.length += len(samples)
    if window.members:
        yield window
