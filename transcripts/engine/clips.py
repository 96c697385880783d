"""Cut speech segments out of a recording while it is decoded, keeping only what is still needed."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from transcripts.engine.audio import SAMPLE_RATE, AudioSource, iter_audio
from transcripts.engine.segments import Span

_PER_MS = SAMPLE_RATE // 1000


def iter_clips(chunks: Iterable[np.ndarray], spans: Sequence[Span]) -> Iterator[tuple[Span, np.ndarray]]:
    """Yield (span, samples) for each span, in order, from a stream of consecutive audio chunks.

    Audio before the next span's start is dropped as soon as it is read, so memory holds at most
    one chunk plus the span being cut (<= max_segment_ms).
    """
    pending = list(spans)
    buffer = np.zeros(0, np.float32)
    buffer_start = 0  # sample index of buffer[0] in the recording
    for chunk in chunks:
        buffer = np.concatenate([buffer, chunk])
        while pending and buffer_start + len(buffer) >= pending[0].end_ms * _PER_MS:
            span = pending.pop(0)
            start = max(0, span.start_ms * _PER_MS - buffer_start)
            yield span, buffer[start: span.end_ms * _PER_MS - buffer_start].copy()
        next_needed = pending[0].start_ms * _PER_MS if pending else buffer_start + len(buffer)
        keep_from = min(next_needed - buffer_start, len(buffer))
        if keep_from > 0:
            buffer = buffer[keep_from:]
            buffer_start += keep_from
    for span in pending:  # spans that reach the very end of the recording
        start = max(0, span.start_ms * _PER_MS - buffer_start)
        yield span, buffer[start: span.end_ms * _PER_MS - buffer_start].copy()


def without_digital_silence(clips: Iterable[tuple[Span, np.ndarray]]) -> Iterator[tuple[Span, np.ndarray]]:
    """Trim exact-zero samples off both ends of each clip (and drop clips that are nothing else).

    VAD pads its spans, so a span that borders digital silence (a muted microphone, an edited or
    joined file) starts with a run of zeros. Whisper's text moves with every such run (measured:
    the 12 s meeting clip gives CER 0.24 alone and 0.35 after 100 ms of zeros), while the zeros
    carry nothing: trimmed, the same speech gives the same text wherever it sits in a file.
    """
    for span, samples in clips:
        sounding = np.flatnonzero(samples)
        if len(sounding) == 0:
            continue
        first, last = int(sounding[0]), int(sounding[-1]) + 1
        trimmed = Span(span.start_ms + first // _PER_MS, span.start_ms + -(-last // _PER_MS))
        yield trimmed, samples[first:last]


def array_chunks(samples: np.ndarray, seconds: float = 30.0) -> Iterator[np.ndarray]:
    step = int(seconds * SAMPLE_RATE)
    for start in range(0, len(samples), step):
        yield samples[start:start + step]


def stream_chunks(source: AudioSource | np.ndarray) -> Iterator[np.ndarray]:
    """16 kHz mono chunks of a file, bytes or samples already in memory."""
    return array_chunks(source) if isinstance(source, np.ndarray) else (chunk for chunk, _ in iter_audio(source))
