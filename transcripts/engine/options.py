"""The recognition options: one frozen object, validated before any work starts."""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from transcripts.engine.cues import DEFAULT_MAX_CUE_SECONDS
from transcripts.engine.errors import InvalidOptionError
from transcripts.engine.languages import normalise_language
from transcripts.engine.vad import VAD_MODELS, VadOptions, check_max_segment_ms

CHINESE_SCRIPTS = ("simplified", "traditional", "keep")
# Recognition's `vad`: a detector, or "none" to hand the whole audio to the model.
VAD_CHOICES = (*VAD_MODELS, "none")
DEFAULT_MODEL = "whisper-base"
MAX_CUE_SECONDS_RANGE = (1.0, 30.0)
MAX_LINE_CHARS_RANGE = (8, 100)
SPEAKER_COUNT_RANGE = (1, 20)
SPEAKER_COUNT_FIELDS = ("num_speakers", "min_speakers", "max_speakers")
MIN_OVER_MAX, COUNT_AND_RANGE = "min_over_max", "count_and_range"


def speaker_count_conflicts(num: int | None, low: int | None, high: int | None) -> list[tuple[str, str]]:
    """The speaker counts' rules across fields, as (the field to blame, the rule broken); the
    engine, the page forms and the API serializers each word them for their readers."""
    conflicts = []
    if low and high and low > high:
        conflicts.append(("max_speakers", MIN_OVER_MAX))
    if num and (low or high):
        conflicts.append(("num_speakers", COUNT_AND_RANGE))
    return conflicts


def line_chars_allowed(value: int) -> bool:
    """max_line_chars: 0 (by language) or within MAX_LINE_CHARS_RANGE; the rule every door checks."""
    return value == 0 or MAX_LINE_CHARS_RANGE[0] <= value <= MAX_LINE_CHARS_RANGE[1]


@dataclass(frozen=True)
class TranscribeOptions:
    # A catalogue name ("whisper-base", "whisper-tiny.en") or a local model directory.
    model: str = DEFAULT_MODEL
    # "auto" detects the language; otherwise an ISO code ("zh", "en", ...).
    language: str = "auto"
    # Terms the decoder is biased towards (product names, jargon).
    hotwords: tuple[str, ...] = ()
    # Inverse text normalisation: keeps the raw text and adds itn_text (二零二五年 → 2025年).
    itn: bool = True
    # Chinese output script: simplified (default), traditional, or whatever the model wrote.
    chinese_script: str = "simplified"
    # Per-word timing (slower: an extra alignment pass).
    word_timestamps: bool = False
    # Beam search width; 1 is greedy decoding.
    beam_size: int = 5
    # Voice activity detection before recognition: silero (default), fsmn, or "none" to feed the
    # whole audio to the model. Silero is the default because FSMN loses speech under a noise
    # floor (see vad.VadOptions.model).
    vad: str = "silero"
    # Longest piece of audio handed to the recogniser at once, in milliseconds.
    max_segment_ms: int = 30000
    # Recognise each channel of a multi-channel file separately (agent / customer).
    split_channels: bool = False
    # Segments are cut into cues of at most this many seconds (professional subtitles: 7 s)...
    max_cue_seconds: float = DEFAULT_MAX_CUE_SECONDS
    # ... that fit in two lines of this many characters; 0: 16 for Chinese, Japanese and Korean,
    # 42 for other languages (cues.line_limit).
    max_line_chars: int = 0
    # Who spoke when (speakers.py): segments carry "S1", "S2", ... A speaker count fixes how many
    # there are; min/max bound the automatic count. Giving any count turns diarisation on. With
    # split_channels each channel is its own speaker instead.
    diarize: bool = False
    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None

    def validated(self) -> TranscribeOptions:
        """A copy with normalised values; raises InvalidOptionError on anything a user got wrong."""
        if self.chinese_script not in CHINESE_SCRIPTS:
            raise InvalidOptionError(
                f"chinese_script must be one of {', '.join(CHINESE_SCRIPTS)}, got {self.chinese_script!r}."
            )
        if self.vad not in VAD_CHOICES:
            raise InvalidOptionError(f"vad must be one of {', '.join(VAD_CHOICES)}, got {self.vad!r}.")
        if not isinstance(self.beam_size, int) or not 1 <= self.beam_size <= 20:
            raise InvalidOptionError(f"beam_size must be an integer from 1 to 20, got {self.beam_size!r}.")
        check_max_segment_ms(self.max_segment_ms)
        if isinstance(self.max_cue_seconds, bool) or not isinstance(self.max_cue_seconds, (int, float)) \
                or not MAX_CUE_SECONDS_RANGE[0] <= self.max_cue_seconds <= MAX_CUE_SECONDS_RANGE[1]:
            raise InvalidOptionError(
                f"max_cue_seconds must be from {MAX_CUE_SECONDS_RANGE[0]:g} to {MAX_CUE_SECONDS_RANGE[1]:g}, "
                f"got {self.max_cue_seconds!r}."
            )
        if isinstance(self.max_line_chars, bool) or not isinstance(self.max_line_chars, int) \
                or not line_chars_allowed(self.max_line_chars):
            raise InvalidOptionError(
                f"max_line_chars must be 0 (by language) or from {MAX_LINE_CHARS_RANGE[0]} to "
                f"{MAX_LINE_CHARS_RANGE[1]}, got {self.max_line_chars!r}."
            )
        self._check_speaker_counts()
        if not self.model or not str(self.model).strip():
            raise InvalidOptionError("model must name a model, e.g. 'whisper-base'.")
        hotwords = tuple(dict.fromkeys(h.strip() for h in self.hotwords if h and h.strip()))
        if len(hotwords) > 200 or sum(len(h) for h in hotwords) > 2000:
            raise InvalidOptionError("Too many hotwords: keep them under 200 terms and 2000 characters.",
                                     reason="too_many_hotwords")
        diarize = bool(self.diarize) or any(getattr(self, name) is not None for name in SPEAKER_COUNT_FIELDS)
        return replace(self, language=normalise_language(self.language), hotwords=hotwords, diarize=diarize)

    def _check_speaker_counts(self) -> None:
        low, high = SPEAKER_COUNT_RANGE
        for name in SPEAKER_COUNT_FIELDS:
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
                raise InvalidOptionError(f"{name} must be a whole number from {low} to {high}, got {value!r}.")
        messages = {
            MIN_OVER_MAX: f"min_speakers ({self.min_speakers}) is more than max_speakers ({self.max_speakers}).",
            COUNT_AND_RANGE: "Give either num_speakers or min_speakers/max_speakers, not both.",
        }
        for _field, rule in speaker_count_conflicts(self.num_speakers, self.min_speakers, self.max_speakers):
            raise InvalidOptionError(messages[rule])

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TranscribeOptions:
        """Options stored as JSON (a Transcript row, an API request); unknown keys are ignored."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "hotwords" in known:
            known["hotwords"] = tuple(known["hotwords"])
        return cls(**known)

    def vad_options(self) -> VadOptions:

        return VadOptions(model=self.vad, max_segment_ms=self.max_segment_ms)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["hotwords"] = list(self.hotwords)
        return data
