"""What one speech segment's decoding gave, and whether it must be decoded again.

The first decoding of a segment is fast and has no second chance (temperature 0, one pass, no
seek): Whisper may stop after its first sentence, loop, or write text that fails the
hallucination tests. Such a segment is marked with the reason, and the pipeline decodes it
again the slow way, with Whisper's temperature fallback; if that too gives nothing, the reason
is reported in the result's `dropped` list, so no speech VAD found goes missing silently.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from transcripts.engine.result import Segment

# A segment is covered when the audio its text does not reach is at most this long (seconds, or
# this share of the segment, whichever is more). Whisper's last timestamp stops at the last word,
# before the segment's VAD padding (measured: up to 0.5 s of a 2 s segment), while a decoder that
# stopped early leaves seconds (5.1 s of a 12.6 s meeting segment).
MAX_UNCOVERED_S = 1.0
MAX_UNCOVERED_SHARE = 0.2

# Reasons, as stored in a result's `dropped` list when even the second decoding gave no text.
NO_TEXT = "no_text"
HALLUCINATION = "hallucination"
PARTLY_COVERED = "partly_covered"
UNHEARD = "unheard"  # speech inside a segment its text passed over (`unheard`)

# Seconds from a segment's start: where VAD heard speech inside it (`segments.islands`).
Island = tuple[float, float]


@dataclass
class Decoded:
    """One speech segment's text, times relative to its start."""

    segments: list[Segment]
    language: str  # the language it was decoded in ("auto" where the backend says per segment)
    probability: float  # of that language, when detected
    failure: str | None = None  # why it must be decoded again, or None
    # Speech inside the segment its text passed over (`unheard`), to decode on its own; the
    # segments' times already leave it out.
    unheard: list[Island] = field(default_factory=list)


def uncovered(segments: list[Segment], seconds: float) -> str | None:
    """NO_TEXT or PARTLY_COVERED when the text leaves too much of `seconds` of speech behind."""
    if not segments:
        return NO_TEXT
    reach = max(segment.end for segment in segments)
    return PARTLY_COVERED if seconds - reach > max(MAX_UNCOVERED_S, MAX_UNCOVERED_SHARE * seconds) else None


# Fewer characters a second than this is not a transcript of speech in any language at any pace
# (Mandarin runs at 4-6, English at 12-15 letters): a decoding that gives a word or two for
# seconds of speech (`context`).
MIN_CHARACTERS_PER_S = 1.0


def implausibly_sparse(segments: list[Segment], seconds: float) -> bool:
    """Too little text for `seconds` of speech (no text at all included)."""
    characters = sum(len("".join(segment.text.split())) for segment in segments)
    return characters < MIN_CHARACTERS_PER_S * seconds


# A decoding can pass every test and still leave out one of the utterances in its segment:
# Whisper wrote "我有的时候说不清楚你们知道吗" once for a segment where it was said twice, 0.8 s
# apart, and timed it over both (whisper-base, -60 and -45 dBFS). Each character is placed on the
# audio by the decoder's cross-attention (faster-whisper's word alignment); a stretch of VAD's
# speech inside the segment at least MIN_UNHEARD_S long where no character starts was passed over.
# Measured (3-minute realistic recordings): the characters of a 12 s meeting sentence split by
# VAD into two or three stretches land 5-26 in each, and the one passed-over sentence got none.
MIN_UNHEARD_S = 1.0
ALIGNMENT_LEAD_S = 0.2  # an aligned character may start this much before VAD's speech does


@dataclass(frozen=True)
class AlignedWord:
    start: float  # seconds from the segment's start
    text: str


def may_go_unheard(islands: Sequence[Island]) -> bool:
    """Whether a segment's text could pass over one of its `islands` (`unheard`): aligning its
    text on the audio costs a fifth of decoding it, so only such segments are aligned."""
    return len(islands) > 1 and any(end - start >= MIN_UNHEARD_S for start, end in islands)


def unheard(word_starts: Sequence[float], islands: Sequence[Island]) -> list[Island]:
    """The islands of speech (two or more in a segment) that no aligned word starts in."""
    if not may_go_unheard(islands):
        return []
    return [(start, end) for start, end in islands
            if end - start >= MIN_UNHEARD_S and not any(start - ALIGNMENT_LEAD_S <= t < end for t in word_starts)]


def around(segments: list[Segment], words: list[list[AlignedWord]], gaps: list[Island]) -> list[Segment]:
    """The segments (each with its aligned words) timed around `gaps`, speech their text passed
    over: a segment's words on each side of a gap become a segment of their own, ending where the
    gap starts or starting where it ends."""
    timed: list[Segment] = []
    between = _between(gaps)
    for segment, its_words in zip(segments, words, strict=True):
        parts = [(side, (low, high)) for low, high in between
                 if (side := [word.text for word in its_words if low <= word.start < high])]
        if not parts:
            timed.append(segment)
        for side, (low, high) in parts:
            start, end = max(segment.start, low), min(segment.end, high)
            text = segment.text if len(parts) == 1 else "".join(side).strip()
            timed.append(replace(segment, start=min(start, end), end=max(start, end), text=text))
    return timed


def _between(gaps: list[Island]) -> list[Island]:
    """The stretches of time before, between and after `gaps` (sorted, not overlapping)."""
    edges = [float("-inf")] + [edge for gap in gaps for edge in gap] + [float("inf")]
    return list(zip(edges[::2], edges[1::2]))
