"""Recognisers: one backend per engine behind the `Recognizer` protocol.

A recogniser turns 16 kHz float32 mono audio into timed text segments. It does no text
post-processing (script conversion, ITN); the pipeline does that the same way for every backend.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from transcripts.engine.audio import SAMPLE_RATE
from transcripts.engine.device import DeviceChoice
from transcripts.engine.funasr_runtime import quiet_funasr
from transcripts.engine.errors import BrokenModelError, InvalidOptionError
from transcripts.engine.languages import AUTO
from transcripts.engine.models import ModelLocation
from transcripts.engine.options import TranscribeOptions
from transcripts.engine.result import Segment, Word

# Called with the number of seconds of this audio recognised so far.
PositionCallback = Callable[[float], None]


@dataclass
class Recognition:
    segments: list[Segment]
    language: str
    language_probability: float
    extra: dict = field(default_factory=dict)


class Recognizer(Protocol):
    name: str
    device: DeviceChoice

    def recognize(
        self, audio: np.ndarray, options: TranscribeOptions, on_position: PositionCallback | None = None
    ) -> Recognition: ...


def _silero_parameters(options: TranscribeOptions) -> dict:
    return {"max_speech_duration_s": options.max_segment_ms / 1000}


class WhisperRecognizer:
    """faster-whisper (CTranslate2) Whisper models."""

    def __init__(self, location: ModelLocation, device: DeviceChoice, threads: int = 0) -> None:
        from faster_whisper import WhisperModel

        self.name = location.name
        self.device = device
        self.english_only = location.english_only
        try:
            self.model = WhisperModel(
                str(location.path),
                device=device.device,
                device_index=device.index,
                compute_type=device.compute_type,
                cpu_threads=threads,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as e:
            raise BrokenModelError(
                f"The model at {location.path} could not be loaded ({e}). Re-install it or pick another model."
            ) from e

    def transcribe_kwargs(self, options: TranscribeOptions) -> dict:
        """The faster-whisper arguments for `options` (the benchmark calls faster-whisper with these)."""
        language = None if options.language == AUTO else options.language
        if self.english_only:
            if language not in (None, "en"):
                raise InvalidOptionError(
                    f"{self.name} recognises English only; use language 'en' or 'auto', or model whisper-base."
                )
            language = "en"
        return {
            "language": language,
            "beam_size": options.beam_size,
            "word_timestamps": options.word_timestamps,
            "vad_filter": options.vad != "none",
            "vad_parameters": _silero_parameters(options) if options.vad != "none" else None,
            "hotwords": " ".join(options.hotwords) or None,
        }

    def recognize(
        self, audio: np.ndarray, options: TranscribeOptions, on_position: PositionCallback | None = None
    ) -> Recognition:
        pieces, info = self.model.transcribe(audio, **self.transcribe_kwargs(options))
        segments = []
        for piece in pieces:
            words = [Word(w.start, w.end, w.word, w.probability) for w in (piece.words or [])]
            segments.append(Segment(start=piece.start, end=piece.end, text=piece.text.strip(), words=words))
            if on_position:
                on_position(piece.end)
        return Recognition(segments, info.language, float(info.language_probability))


_CJK = re.compile(r"[\u3400-\u9fff]")


class FunASRRecognizer:
    """Any local FunASR model directory (Paraformer, SenseVoice, Fun-ASR-Nano ...) via AutoModel."""

    def __init__(self, location: ModelLocation, device: DeviceChoice, threads: int = 0) -> None:
        with quiet_funasr():
            from funasr import AutoModel

        self.name = location.name
        self.device = device
        try:
            with quiet_funasr():
                self.model = AutoModel(
                    model=str(location.path),
                    device=device.label,
                    ncpu=threads or 4,
                    disable_update=True,
                    disable_pbar=True,
                    disable_log=True,
                )
        except Exception as e:  # funasr raises bare exceptions of many types on bad configs
            raise BrokenModelError(
                f"The FunASR model at {location.path} could not be loaded ({e}). "
                "Check config.yaml, model.pt and the token list."
            ) from e

    def recognize(
        self, audio: np.ndarray, options: TranscribeOptions, on_position: PositionCallback | None = None
    ) -> Recognition:
        kwargs = {"hotword": " ".join(options.hotwords)} if options.hotwords else {}
        if options.language != AUTO:
            kwargs["language"] = options.language
        with quiet_funasr():
            outputs = self.model.generate(input=audio, disable_pbar=True, **kwargs)
        duration = len(audio) / SAMPLE_RATE
        segments = []
        for output in outputs:
            text = str(output.get("text", "")).strip()
            if not text:
                continue
            stamps = output.get("timestamp") or []
            start = stamps[0][0] / 1000 if stamps else 0.0
            end = stamps[-1][1] / 1000 if stamps else duration
            segments.append(Segment(start=start, end=min(end, duration), text=text))
        if on_position:
            on_position(duration)
        joined = "".join(s.text for s in segments)
        language = options.language if options.language != AUTO else ("zh" if _CJK.search(joined) else "en")
        # FunASR reports no language probability; 1.0 when the caller fixed the language.
        return Recognition(segments, language, 1.0 if options.language != AUTO else 0.0)
