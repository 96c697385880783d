"""The flow of one recording: VAD → packed windows → batched recognition → script → ITN → result.

Long recordings are decoded twice in streaming fashion: once for VAD (keeping only the speech
spans and a 10 ms energy track), once to cut the speech out and recognise it window by window.
Peak memory therefore does not grow with the length of the file beyond the spans and the text.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from transcripts.engine.asr import Recognizer, language_from_text
from transcripts.engine.audio import SAMPLE_RATE, AudioSource, decode_audio, iter_audio, probe_duration
from transcripts.engine.clips import array_chunks, iter_clips, without_digital_silence
from transcripts.engine.errors import AudioTooLongError
from transcripts.engine.itn import inverse_normalize
from transcripts.engine.languages import AUTO
from transcripts.engine.manager import ModelManager
from transcripts.engine.options import TranscribeOptions
from transcripts.engine.packing import Window, pack
from transcripts.engine.result import Segment, TranscriptResult, join_segments
from transcripts.engine.segments import Span
from transcripts.engine.text import convert_chinese_script
from transcripts.engine.vad import SpeechMap, detect_speech

# Called with (seconds of audio done in this stage, total seconds, stage): stage is "vad" while
# speech is being found, then "recognition".
ProgressCallback = Callable[[float, float, str], None]

_CHINESE = ("zh", "yue")


@dataclass(frozen=True)
class EngineConfig:
    cache_dir: Path
    device: str = "auto"
    threads: int = 0
    max_duration_s: float = 6 * 3600
    # Packed windows decoded together. Memory is the limit: beam 5 keeps 5 cross-attention caches
    # per window (about 90 MB each with whisper-base), so a batch of 8 peaked at 1.66 GB, 4 at
    # 1.22 GB and 2 at 1.00 GB on ten minutes of Mandarin, in 37, 41 and 47 s.
    batch_size: int = 4
    # Speech is packed into windows of at most this long (and never over max_segment_ms).
    # Measured on 3 min of Mandarin, two gap layouts (whisper-base, CPU; clips one by one 0.202):
    # one segment per window CER 0.202 in 22-26 s; 15 s windows 0.200-0.204 in 12 s; 30 s windows
    # 0.228-0.240 in 9 s, with whole sentences dropped.
    window_ms: int = 15000


@dataclass
class _Recognised:
    segments: list[Segment]
    language: str
    probability: float


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
        report = progress or (lambda done, total, stage: None)
        if options.split_channels:
            audio = decode_audio(source, split_channels=True)
            self._check_duration(audio.duration)
            duration = audio.duration
            runs = [self._from_samples(recognizer, samples, options, report, label) for label, samples in audio.channels()]
            recognised = _merge_channels(runs)
        elif options.vad == "none":
            audio = decode_audio(source)
            self._check_duration(audio.duration)
            duration = audio.duration
            recognised = self._from_samples(recognizer, audio.samples, options, report, None)
        else:
            expected = probe_duration(source)
            self._check_duration(expected)
            speech = detect_speech(source, options.vad_options(), lambda done, _: report(done, expected, "vad"))
            duration = speech.duration_ms / 1000
            self._check_duration(duration)
            recognised = self._from_speech(recognizer, speech, (c for c, _ in iter_audio(source)), options, report)
        report(duration, duration, "recognition")
        return self._result(recognised, duration, options, recognizer.name, recognizer.device.label, started)

    def transcribe_samples(self, samples: np.ndarray, options: TranscribeOptions) -> TranscriptResult:
        """Recognise 16 kHz mono samples already cut to speech (a live utterance): no VAD pass."""
        options = options.validated()
        recognizer = self.models.get(options.model)
        started = time.perf_counter()
        duration = len(samples) / SAMPLE_RATE
        language, probability, segments = options.language, 0.0, []
        whole = Span(0, -(-len(samples) * 1000 // SAMPLE_RATE))
        for span, speech in without_digital_silence([(whole, samples)]):  # nothing when all zeros
            language, probability = recognizer.resolve_language(options, speech)
            found = recognizer.recognize(speech, options, language)
            segments = _to_recording_time(Window(members=[(span, 0.0)]), found)
        if language == AUTO:
            language = language_from_text("".join(s.text for s in segments)) if segments else options.language
        return self._result(_Recognised(segments, language, probability), duration, options, recognizer.name,
                            recognizer.device.label, started)

    def _result(self, recognised: "_Recognised", duration: float, options: TranscribeOptions, model: str,
                device: str, started: float) -> TranscriptResult:
        segments = recognised.segments
        for segment in segments:
            clamp_to_duration(segment, duration)
        finish_segments(segments, recognised.language, options, self.config.cache_dir)
        return TranscriptResult(
            text=join_segments(segments, recognised.language),
            itn_text=join_segments(segments, recognised.language, itn=True),
            language=recognised.language,
            language_probability=round(recognised.probability, 4),
            duration=round(duration, 3),
            segments=segments,
            model=model,
            device=device,
            options=options.as_dict(),
            processing_seconds=round(time.perf_counter() - started, 3),
        )

    def _check_duration(self, seconds: float) -> None:
        if seconds > self.config.max_duration_s:
            raise AudioTooLongError(
                f"The recording lasts {seconds / 3600:.1f} h; the limit is "
                f"{self.config.max_duration_s / 3600:.1f} h. Split it and submit the parts."
            )

    def _from_samples(self, recognizer: Recognizer, samples: np.ndarray, options: TranscribeOptions,
                      report: ProgressCallback, channel: str | None) -> _Recognised:
        """One channel held in memory (mono without VAD, or one side of a split recording)."""
        duration = len(samples) / SAMPLE_RATE
        if options.vad == "none":
            language, probability = recognizer.resolve_language(options, samples)
            segments = recognizer.recognize(samples, options, language, lambda done: report(done, duration, "recognition"))
            result = _Recognised(segments, language, probability)
        else:
            speech = detect_speech(samples, options.vad_options())
            result = self._from_speech(recognizer, speech, array_chunks(samples), options, report)
        for segment in result.segments:
            segment.channel = channel
        return result

    def _from_speech(self, recognizer: Recognizer, speech: SpeechMap, chunks: Iterable[np.ndarray],
                     options: TranscribeOptions, report: ProgressCallback) -> _Recognised:
        duration = speech.duration_ms / 1000
        language, probability = None, 0.0
        segments: list[Segment] = []
        clips = without_digital_silence(iter_clips(chunks, speech.segments))
        windows = pack(clips, max_ms=min(self.config.window_ms, options.max_segment_ms))
        for batch in _batches(windows, self.config.batch_size):
            audio = [window.samples for window in batch]  # joined once, used for detection and decoding
            if language is None:
                language, probability = recognizer.resolve_language(options, audio[0])
            found = recognizer.recognize_windows(audio, options, language)
            for window, window_segments in zip(batch, found):
                segments.extend(_to_recording_time(window, window_segments))
            report(batch[-1].end_ms / 1000, duration, "recognition")
        if language is None or language == AUTO:
            language = language_from_text("".join(s.text for s in segments)) if segments else options.language
        return _Recognised(segments, language, probability)


def _batches(windows: Iterator[Window], size: int) -> Iterator[list[Window]]:
    while batch := list(islice(windows, size)):
        yield batch


def _to_recording_time(window: Window, segments: list[Segment]) -> list[Segment]:
    for segment in segments:
        segment.start, segment.end = window.to_original(segment.start), window.to_original(segment.end)
        for word in segment.words:
            word.start, word.end = window.to_original(word.start), window.to_original(word.end)
    return segments


def _merge_channels(runs: list[_Recognised]) -> _Recognised:
    segments = sorted((s for run in runs for s in run.segments), key=lambda s: (s.start, s.channel or ""))
    best = max(runs, key=lambda run: run.probability)
    return _Recognised(segments, best.language, best.probability)


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
