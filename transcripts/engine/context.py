"""A speech segment's neighbourhood: the segment and its nearer neighbour as one stretch of audio.

VAD ends a segment at any pause of half a second, so a long sentence said with a pause in it
reaches the recogniser as two segments. Decoded alone, the first part can fail, and the
temperature fallback then gives a word or two for seconds of speech: on a 3-minute recording at
-60 dBFS (the shared meeting clip played at 1.07x, seed 5), its first 5.8 s looped at temperature
0 in every cut tried, and the fallback gave "我用，" and "所以呢，所以呢，". Read together with
what follows, as faster-whisper's `transcribe` would read it, the same audio comes out right. So
the pipeline keeps, for each segment, the stretch it shares with its nearer neighbour, and uses
it only where the fallback's text is implausibly sparse (`coverage.implausibly_sparse`).
Merging such neighbours for every segment instead was worse (summed CER 8.296 against 7.975 on 21
3-minute recordings, docs/long-audio-accuracy.md), and the stretch for every failed segment no
better (7.831 against 7.847); gated, it changed two of the 21 (0.331 against 0.358 and 0.581
against 0.638) and left the rest as they were.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from transcripts.engine.audio import SAMPLE_RATE
from transcripts.engine.clips import iter_clips, without_digital_silence
from transcripts.engine.result import Segment
from transcripts.engine.segments import Span

# Neighbours at most this far apart share a stretch; a stretch is at most Whisper's 30 s window.
NEIGHBOUR_GAP_MS = 1500
MAX_STRETCH_MS = 30_000
_PER_MS = SAMPLE_RATE // 1000


@dataclass(frozen=True)
class Neighbourhood:
    """A segment with its nearer neighbour: `samples` start at `start_ms` on the recording, and
    the segment's own text is what lies on its side of `boundary_ms` (the middle of the pause)."""

    start_ms: int
    samples: np.ndarray
    boundary_ms: int
    neighbour_after: bool

    def own(self, segments: list[Segment], segment_start_ms: int) -> list[Segment]:
        """Of `segments` decoded from `samples` (times relative to them), those on the segment's
        side of the pause, with times relative to the segment's own start."""
        boundary = (self.boundary_ms - self.start_ms) / 1000
        offset = (self.start_ms - segment_start_ms) / 1000
        own = [s for s in segments if ((s.start + s.end) / 2 < boundary) == self.neighbour_after]
        for segment in own:
            segment.start, segment.end = segment.start + offset, segment.end + offset
            for word in segment.words or []:
                word.start, word.end = word.start + offset, word.end + offset
        return own


def stretches(spans: list[Span]) -> list[list[Span]]:
    """Consecutive spans grouped while the pause before the next is at most NEIGHBOUR_GAP_MS and
    the group stays within MAX_STRETCH_MS: each group is cut from the recording as one piece."""
    groups: list[list[Span]] = []
    for span in spans:
        last = groups[-1] if groups else None
        if (last and span.start_ms - last[-1].end_ms <= NEIGHBOUR_GAP_MS
                and span.end_ms - last[0].start_ms <= MAX_STRETCH_MS):
            last.append(span)
        else:
            groups.append([span])
    return groups


def cut_with_neighbourhoods(chunks: Iterable[np.ndarray], spans: list[Span]
                            ) -> Iterator[tuple[Span, np.ndarray, Neighbourhood | None]]:
    """Each span's samples as `iter_clips` cuts them, with its Neighbourhood (None where no other
    span is within NEIGHBOUR_GAP_MS in its stretch). Memory holds one stretch (<= 30 s) beyond what
    `iter_clips` holds."""
    groups = stretches(spans)
    whole = [Span(group[0].start_ms, group[-1].end_ms) for group in groups]
    for group, (stretch, samples) in zip(groups, iter_clips(chunks, whole)):
        def cut(start_ms: int, end_ms: int, samples=samples, origin=stretch.start_ms) -> np.ndarray:
            return samples[(start_ms - origin) * _PER_MS: (end_ms - origin) * _PER_MS]

        for index, span in enumerate(group):
            before = span.start_ms - group[index - 1].end_ms if index else None
            after = group[index + 1].start_ms - span.end_ms if index + 1 < len(group) else None
            neighbourhood = None
            if after is not None and (before is None or after <= before):
                other = group[index + 1]
                both = Span(span.start_ms, other.end_ms)
                neighbourhood = _sounding(both, cut(both.start_ms, both.end_ms),
                                          (span.end_ms + other.start_ms) // 2, neighbour_after=True)
            elif before is not None:
                other = group[index - 1]
                both = Span(other.start_ms, span.end_ms)
                neighbourhood = _sounding(both, cut(both.start_ms, both.end_ms),
                                          (other.end_ms + span.start_ms) // 2, neighbour_after=False)
            yield span, cut(span.start_ms, span.end_ms).copy(), neighbourhood


def _sounding(both: Span, samples: np.ndarray, boundary_ms: int, neighbour_after: bool) -> Neighbourhood | None:
    """The Neighbourhood with exact zeros trimmed off its ends, as a segment is trimmed."""
    for trimmed, sounding in without_digital_silence([(both, samples)]):
        return Neighbourhood(trimmed.start_ms, sounding, boundary_ms, neighbour_after)
    return None
