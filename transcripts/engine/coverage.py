"""Which member of a packed window each decoded piece of text belongs to, and which members the
window's decoding failed.

The batched decoder reads a whole window at once and has no seek continuation: Whisper may end
a window after its first sentence, time one sentence across two utterances, or produce text that
fails the hallucination tests (scored once per window). Measured on a 3-minute recording with a
-55 dBFS noise floor, one window in three lost at least one utterance that way. So each piece is
given to the one member whose audio it overlaps; a member whose audio is not covered by text
(nothing decoded, text stopped early, text spread over two members, text rejected) is reported,
and the pipeline decodes it again on its own with Whisper's temperature fallback.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from transcripts.engine.packing import Window
from transcripts.engine.result import Segment, Word

# A piece overlapping a second member by more than this much (seconds, and share of that
# member) holds text of both: Whisper's timestamps cannot say which words are whose.
SHARED_OVERLAP_S = 0.5
SHARED_OVERLAP_SHARE = 0.3
# A member is covered when the audio its text does not span is at most this long (seconds, or
# this share of the member, whichever is more). Segments from the batched decoder span the speech
# they transcribe, pauses inside included; what they leave out of a fully decoded member is its
# VAD padding (measured: up to 0.5 s of a 2 s member), while a decoder that stopped early
# leaves seconds (5.1 s of a 12.6 s meeting member).
MAX_UNCOVERED_S = 1.0
MAX_UNCOVERED_SHARE = 0.2

# Reasons, as stored in a result's `dropped` list when even the member's own decoding gave no text.
NO_TEXT = "no_text"
HALLUCINATION = "hallucination"
SHARED_TEXT = "shared_text"
PARTLY_COVERED = "partly_covered"


@dataclass
class Piece:
    """One segment the batched decoder produced, with times inside its window."""

    segment: Segment
    # Why it cannot be used (e.g. HALLUCINATION), or None.
    rejected: str | None = None


@dataclass
class Attribution:
    # Per member: its segments, with times relative to the member's own start.
    segments: list[list[Segment]]
    # Members to decode again on their own, with the reason.
    redo: dict[int, str] = field(default_factory=dict)


def attribute(window: Window, pieces: list[Piece]) -> Attribution:
    members = window.members
    result = Attribution(segments=[[] for _ in members])
    for piece in pieces:
        start, end = piece.segment.start, piece.segment.end
        overlaps = [_overlap(start, end, m.offset, m.end) for m in members]
        if piece.rejected:
            for index in _touched(overlaps) or [_nearest(window, start, end)]:
                result.redo.setdefault(index, piece.rejected)
            continue
        shared = [i for i, o in enumerate(overlaps) if o > SHARED_OVERLAP_S and o > SHARED_OVERLAP_SHARE * members[i].seconds]
        if len(shared) > 1:
            for index in shared:
                result.redo.setdefault(index, SHARED_TEXT)
            continue
        best = max(range(len(members)), key=lambda i: overlaps[i]) if max(overlaps) > 0 else _nearest(window, start, end)
        result.segments[best].append(_relative(piece.segment, members[best].offset, members[best].seconds))
    for index, member in enumerate(members):
        if index in result.redo:
            continue
        covered = _union_length([(s.start, s.end) for s in result.segments[index]])
        if not result.segments[index]:
            result.redo[index] = NO_TEXT
        elif member.seconds - covered > max(MAX_UNCOVERED_S, MAX_UNCOVERED_SHARE * member.seconds):
            result.redo[index] = PARTLY_COVERED
    for index in result.redo:
        result.segments[index] = []
    return result


def _overlap(start: float, end: float, low: float, high: float) -> float:
    return max(0.0, min(end, high) - max(start, low))


def _touched(overlaps: list[float]) -> list[int]:
    return [i for i, o in enumerate(overlaps) if o > 0]


def _nearest(window: Window, start: float, end: float) -> int:
    middle = (start + end) / 2
    return min(range(len(window.members)),
               key=lambda i: abs(middle - (window.members[i].offset + window.members[i].end) / 2))


def _relative(segment: Segment, offset: float, seconds: float) -> Segment:
    def inside(t: float) -> float:
        return min(max(t - offset, 0.0), seconds)

    words = [Word(inside(w.start), inside(w.end), w.word, w.probability) for w in segment.words]
    return Segment(start=inside(segment.start), end=inside(segment.end), text=segment.text, words=words)


def _union_length(intervals: list[tuple[float, float]]) -> float:
    total, reach = 0.0, float("-inf")
    for start, end in sorted(intervals):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total
