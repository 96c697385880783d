"""What one speech segment's decoding gave, and whether it must be decoded again.

The first decoding of a segment is fast and has no second chance (temperature 0, one pass, no
seek): Whisper may stop after its first sentence, loop, or write text that fails the
hallucination tests. Such a segment is marked with the reason, and the pipeline decodes it
again the slow way, with Whisper's temperature fallback; if that too gives nothing, the reason
is reported in the result's `dropped` list, so no speech VAD found goes missing silently.
"""
from __future__ import annotations

from dataclasses import dataclass

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


@dataclass
class Decoded:
    """One speech segment's text, times relative to its start."""

    segments: list[Segment]
    language: str  # the language it was decoded in ("auto" where the backend says per segment)
    probability: float  # of that language, when detected
    failure: str | None = None  # why it must be decoded again, or None


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
