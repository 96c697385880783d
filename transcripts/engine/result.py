"""The one result type every recogniser, exporter, page and API answer shares."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from transcripts.engine.languages import join_texts


@dataclass
class Word:
    start: float
    end: float
    word: str
    probability: float = 0.0


@dataclass
class Segment:
    start: float  # seconds on the original recording's timeline
    end: float
    text: str
    itn_text: str = ""
    channel: str | None = None  # "left"/"right" (or ch1, ch2, ...) when channels were split
    words: list[Word] = field(default_factory=list)
    language: str | None = None  # the language it was decoded in (ISO code)
    # "S1", "S2", ... in order of first appearance, when speakers were diarised or channels split.
    speaker: str | None = None
    # How sure the decoder was, where the backend says (Whisper; None for FunASR models): the
    # average log-probability of its tokens, the probability that the audio held no speech, how
    # well the text compresses (a loop compresses far better than speech), and the sampling
    # temperature its text came from (0: beam search; higher: Whisper's fallback).
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None
    temperature: float | None = None

    def labelled(self, text: str) -> str:
        return f"[{self.channel}] {text}" if self.channel else text

    def scores(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in DECODER_SCORES}


# Each decoder score, and how the scores of several texts read as one combine (least_sure): the
# lowest log-probability, the highest no-speech probability, compression ratio and temperature.
_LEAST_SURE = {"avg_logprob": min, "no_speech_prob": max, "compression_ratio": max, "temperature": max}
DECODER_SCORES = tuple(_LEAST_SURE)


# Under this average log-probability a segment's text is more often wrong than right, so the
# transcript page marks it for a person to check. Measured per segment (its characters aligned
# against the reference) on 3-minute realistic recordings, whisper-base, zh: chosen on perturbed
# clips (seed 1 at -60, -50, -45 dBFS and digital silence, seed 2 at -60 and -50; 234 segments):
# of the segments with half their characters or more wrong, it marks 90% (recall), and 78% of
# those it marks are such (precision). Checked on the original clips, seeds 3-4 (238 segments,
# bench/unsure_text.py): recall 0.82, precision 0.70, 25% marked, their error 0.86 against 0.19
# for the rest; nothing marked on digital silence. Ranking all segments by it separates those two
# kinds with an AUC of 0.93-0.95. At -0.6: recall 0.88, precision 0.49; at -0.8: 0.73, 0.84.
UNSURE_AVG_LOGPROB = -0.7


def is_unsure(avg_logprob: float | None) -> bool:
    """Text the recogniser was unsure of (None: no score, so not marked)."""
    return avg_logprob is not None and avg_logprob < UNSURE_AVG_LOGPROB


def least_sure(segments: list[Segment]) -> dict[str, float | None]:
    """The scores of several segments' text read as one (_LEAST_SURE; None where any is unknown)."""
    scores = {}
    for name, choose in _LEAST_SURE.items():
        values = [getattr(segment, name) for segment in segments]
        scores[name] = None if not values or None in values else choose(values)
    return scores


@dataclass
class Dropped:
    """Speech that VAD found but that gave no text, even decoded on its own, and why."""

    start: float
    end: float
    # coverage.NO_TEXT, HALLUCINATION, PARTLY_COVERED or UNHEARD: what failed in the segment's first
    # window before the segment was decoded again on its own (and gave nothing).
    reason: str


@dataclass
class TranscriptResult:
    text: str
    itn_text: str
    language: str
    language_probability: float
    duration: float  # seconds of audio
    segments: list[Segment]
    model: str
    device: str
    options: dict[str, Any]
    processing_seconds: float = 0.0
    # Every language present, the main one (`language`) first.
    languages: list[str] = field(default_factory=list)
    # Speech segments that gave no text (see Dropped).
    dropped: list[Dropped] = field(default_factory=list)
    # Names people gave the speakers ("S1" -> "张经理"); exports show the name, the data keeps the label.
    speaker_names: dict[str, str] = field(default_factory=dict)

    @property
    def speakers(self) -> list[str]:
        """The speaker labels present, in order of first appearance."""
        return list(dict.fromkeys(s.speaker for s in self.segments if s.speaker))

    def speaker_name(self, label: str | None) -> str:
        return self.speaker_names.get(label, label) if label else ""

    @property
    def real_time_factor(self) -> float:
        return self.processing_seconds / self.duration if self.duration > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["real_time_factor"] = round(self.real_time_factor, 4)
        data["speakers"] = self.speakers
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TranscriptResult:
        segments = [
            Segment(**{**s, "words": [Word(**w) for w in s.get("words", [])]}) for s in data["segments"]
        ]
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k not in ("segments", "dropped")}
        dropped = [Dropped(**d) for d in data.get("dropped", [])]
        return cls(segments=segments, dropped=dropped, **fields)


def join_segments(segments: list[Segment], language: str | None, *, itn: bool = False) -> str:
    """The full text: each segment's text (labelled by channel when split), in order."""
    if any(s.channel for s in segments):
        return "\n".join(s.labelled(s.itn_text if itn else s.text) for s in segments)
    return join_texts([s.itn_text if itn else s.text for s in segments], language)
