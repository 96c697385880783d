"""The flow of one recording: decode → recognise (with VAD) → script conversion → ITN → result."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from transcripts.engine.audio import Audio, AudioSource, decode_audio
from transcripts.engine.errors import AudioTooLongError
from transcripts.engine.itn import inverse_normalize
from transcripts.engine.manager import ModelManager
from transcripts.engine.options import TranscribeOptions
from transcripts.engine.result import Segment, TranscriptResult, join_segments
from transcripts.engine.text import convert_chinese_script

# Called with (seconds of audio recognised so far, total seconds of audio).
ProgressCallback = Callable[[float, float], None]

_CHINESE = ("zh", "yue")


@dataclass(frozen=True)
class EngineConfig:
    cache_dir: Path
    device: str = "auto"
    threads: int = 0
    max_duration_s: float = 6 * 3600


class Engine:
    """Recognition for one process: owns the loaded models, reuses them across calls."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.models = ModelManager(config.cache_dir, config.device, config.threads)

    def transcribe(
        self, source: AudioSource, options: TranscribeOptions, progress: ProgressCallback | None = None
    ) -> TranscriptResult:
        """Recognise `source`; raises an EngineError subclass for anything the caller can fix."""
        options = options.validated()
        recognizer = self.models.get(options.model)
        started = time.perf_counter()
        audio = decode_audio(source, split_channels=options.split_channels)
        if audio.duration > self.config.max_duration_s:
            raise AudioTooLongError(
                f"The recording lasts {audio.duration / 3600:.1f} h; the limit is "
                f"{self.config.max_duration_s / 3600:.1f} h. Split it and submit the parts."
            )
        segments, language, probability = self._recognize_channels(recognizer, audio, options, progress)
        finish_segments(segments, language, options, self.config.cache_dir)
        return TranscriptResult(
            text=join_segments(segments, language),
            itn_text=join_segments(segments, language, itn=True),
            language=language,
            language_probability=round(probability, 4),
            duration=round(audio.duration, 3),
            segments=segments,
            model=recognizer.name,
            device=recognizer.device.label,
            options=options.as_dict(),
            processing_seconds=round(time.perf_counter() - started, 3),
        )

    def _recognize_channels(self, recognizer, audio: Audio, options, progress):
        channels = audio.channels()
        total = audio.duration * len(channels)
        segments: list[Segment] = []
        language, probability = options.language, 0.0
        for index, (label, samples) in enumerate(channels):
            offset = index * audio.duration

            def on_position(position: float, offset: float = offset) -> None:
                if progress:
                    progress(min(offset + position, total), total)

            recognition = recognizer.recognize(samples, options, on_position)
            for segment in recognition.segments:
                segment.channel = label
                clamp_to_duration(segment, audio.duration)
            segments.extend(recognition.segments)
            if recognition.language_probability >= probability:
                language, probability = recognition.language, recognition.language_probability
        if progress:
            progress(total, total)
        segments.sort(key=lambda s: (s.start, s.channel or ""))
        return segments, language, probability


def clamp_to_duration(segment: Segment, duration: float) -> None:
    """Whisper's timestamps can run past the last sample (it predicts them in 20 ms steps from a
    padded 30 s window); a time outside the recording is never right, so clamp it."""

    def clamp(value: float) -> float:
        return round(min(max(value, 0.0), duration), 3)

    segment.start, segment.end = clamp(segment.start), clamp(segment.end)
    for word in segment.words:
        word.start, word.end = clamp(word.start), clamp(word.end)


def finish_segments(segments: list[Segment], language: str, options: TranscribeOptions, cache_dir: Path) -> None:
    """Apply the text rules to each segment in place: Chinese script, then ITN into itn_text."""
    for segment in segments:
        if language in _CHINESE:
            segment.text = convert_chinese_script(segment.text, options.chinese_script)
            for word in segment.words:
                word.word = convert_chinese_script(word.word, options.chinese_script)
        segment.itn_text = (
            inverse_normalize(segment.text, language, cache_dir=cache_dir) if options.itn else segment.text
        )
