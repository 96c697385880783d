"""Pack short speech segments into windows of up to 30 s, and map window times back.

Whisper's encoder always reads a 30 s window, so recognising 76 three-second utterances one by
one runs the encoder 76 times; packing them (with a short silence between) runs it 19 times.
Decoding keeps Whisper's timestamp tokens on: without them it tends to stop after the first
sentence of a packed window and drop the rest (measured: CER 0.34 vs 0.22 on ten minutes of
Mandarin). Each piece of text is given to a member and timed from that member's offset
(`coverage.py`), then moved onto the recording by the member's span.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from transcripts.engine.audio import SAMPLE_RATE
from transcripts.engine.segments import Span


@dataclass
class Member:
    """One speech segment inside a window."""

    span: Span  # on the recording
    offset: float  # where it starts inside the window, in seconds
    samples: np.ndarray

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    @property
    def end(self) -> float:
        """Where it ends inside the window, in seconds."""
        return self.offset + self.seconds


@dataclass
class Window:
    members: list[Member] = field(default_factory=list)
    gap: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    length: int = 0  # samples

    @property
    def samples(self) -> np.ndarray:
        pieces: list[np.ndarray] = []
        for member in self.members:
            if pieces:
                pieces.append(self.gap)
            pieces.append(member.samples)
        return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)

    @property
    def end_ms(self) -> int:
        return self.members[-1].span.end_ms if self.members else 0


def pack(clips: Iterable[tuple[Span, np.ndarray]], *, max_ms: int, gap_ms: int = 300) -> Iterator[Window]:
    """Greedily pack consecutive clips into windows no longer than `max_ms` (max_ms=0: one clip
    per window, for backends that take each segment on its own)."""
    limit = max_ms * SAMPLE_RATE // 1000
    gap = np.zeros(gap_ms * SAMPLE_RATE // 1000, np.float32)
    window = Window(gap=gap)
    for span, samples in clips:
        extra = len(samples) + (len(gap) if window.members else 0)
        if window.members and window.length + extra > limit:
            yield window
            window = Window(gap=gap)
        if window.members:
            window.length += len(gap)
        window.members.append(Member(span, window.length / SAMPLE_RATE, samples))
        window.length += len(samples)
    if window.members:
        yield window
