"""The flow of one recording: VAD → packed windows → batched recognition → script → ITN → result.

Long recordings are decoded twice in streaming fashion: once for VAD (keeping only the speech
spans and a 10 ms energy track), once to cut the speech out and recognise it window by window.
Peak memory therefore does not grow with the length of the file beyond the spans and the text.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

import numpy as np

from transcripts.engine.asr import Recognizer, language_from_text
from transcripts.engine.audio import SAMPLE_RATE, AudioSource, decode_audio, probe_duration
from transcripts.engine.clips import array_chunks, iter_clips, stream_chunks, without_digital_silence
from transcripts.engine.coverage import NO_TEXT, Piece, attribute
from transcripts.engine.cues import joined_clauses, line_limit, split_into_cues
from transcripts.engine.errors import AudioTooLongError
from transcripts.engine.itn import inverse_normalize
from transcripts.engine.languages import AUTO
from transcripts.engine.manager import ModelManager
from transcripts.engine.options import TranscribeOptions
from transcripts.engine.packing import Member, Window, pack
from transcripts.engine.result import Dropped, Segment, TranscriptResult, join_segments
from transcripts.engine.segments import Span
from transcripts.engine.speakers import (
    SpeakerEmbeddings,
    SpeakerTurn,
    in_order_of_appearance,
    labelled_segments,
    level_gain,
)
from transcripts.engine.text import convert_chinese_script
from transcripts.engine.typeset import punctuated_chinese, sentence_ends
from transcripts.engine.vad import SpeechMap, VadOptions, detect_speech

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
    # Directories of models users bring (each subdirectory a model, named after it).
    model_dirs: tuple[Path, ...] = ()
    # Packed windows decoded together. Memory is the limit: beam 5 keeps 5 cross-attention caches
    # per window (about 90 MB each with whisper-base), so a batch of 8 peaked at 1.66 GB, 4 at
    # 1.22 GB and 2 at 1.00 GB on ten minutes of Mandarin, in 37, 41 and 47 s.
    batch_size: int = 4
    # Speech is packed into windows of at most this long (and never over max_segment_ms). The
    # encoder always reads 30 s, so fuller windows cost fewer passes (0.65 s each on this 2-core
    # CPU). Long windows used to drop whole sentences; with segments a window failed decoded
    # again (coverage.py) they no longer do. Measured on 3-minute realistic recordings
    # (whisper-base): 15 s windows CER 0.245 / 0.430 / 0.649 / 0.276 in 21 / 25 / 57 / 21 s
    # (-60, -50, -45 dBFS noise floor, digital silence); 28 s windows 0.236 / 0.400 / 0.616 /
    # 0.283 in 18 / 18 / 41 / 9 s. 28 s leaves Whisper's last timestamps room inside 30 s.
    window_ms: int = 28000


@dataclass
class _Recognised:
    segments: list[Segment]
    language: str
    probability: float
    dropped: list[Dropped] = field(default_factory=list)
    turns: list[SpeakerTurn] = field(default_factory=list)  # who spoke when, when diarised


class Engine:
    """Recognition for one process: owns the loaded models, reuses them across calls."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.models = ModelManager(config.cache_dir, config.device, config.threads, config.model_dirs)

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
            for segment in recognised.segments:
                segment.speaker = segment.channel  # named S1, S2, ... in _result
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
            recognised = self._from_speech(recognizer, speech, stream_chunks(source), options, report,
                                           self._embeddings(speech.speech_rms, options, recognizer))
        report(duration, duration, "recognition")
        return self._result(recognised, duration, options, recognizer.name, recognizer.device.label, started)

    def transcribe_samples(self, samples: np.ndarray, options: TranscribeOptions, *,
                           live: bool = False, provisional: bool = False) -> TranscriptResult:
        """Recognise 16 kHz mono samples already cut to speech: no VAD pass. live=True: a live
        utterance, decoded as fast as the backend can (`Recognizer.recognize_utterance`; with
        provisional=True, a partial result's quicker decode)."""
        options = options.validated()
        recognizer = self.models.get(options.model)
        started = time.perf_counter()
        duration = len(samples) / SAMPLE_RATE
        language, probability, segments = options.language, 0.0, []
        whole = Span(0, -(-len(samples) * 1000 // SAMPLE_RATE))
        for span, speech in without_digital_silence([(whole, samples)]):  # nothing when all zeros
            if live:
                found = recognizer.recognize_utterance(speech, options, provisional=provisional)
                language = (found[0].language or language) if found else language
            else:
                language, probability = recognizer.resolve_language(options, speech)
                found = recognizer.recognize(speech, options, language)
            segments = _shifted(found, span.start_ms / 1000, language)
        if language == AUTO:
            language = main_language(segments, AUTO) if segments else options.language
        return self._result(_Recognised(segments, language, probability), duration, options, recognizer.name,
                            recognizer.device.label, started)

    def _result(self, recognised: _Recognised, duration: float, options: TranscribeOptions, model: str,
                device: str, started: float) -> TranscriptResult:
        for segment in recognised.segments:
            clamp_to_duration(segment, duration)
            segment.language = segment.language or recognised.language
        segments = recognised.segments
        if options.split_channels:
            segments = in_order_of_appearance(segments)
        elif options.diarize:
            segments = labelled_segments(segments, recognised.turns)
        segments = finish_segments(segments, options, self.config.cache_dir)
        return TranscriptResult(
            text=join_segments(segments, recognised.language),
            itn_text=join_segments(segments, recognised.language, itn=True),
            language=recognised.language,
            languages=languages_present(segments, recognised.language),
            dropped=recognised.dropped,
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
            hours, limit = f"{seconds / 3600:.1f}", f"{self.config.max_duration_s / 3600:.1f}"
            raise AudioTooLongError(f"The recording lasts {hours} h; the limit is {limit} h. Split it and submit "
                                    "the parts.", hours=hours, limit_hours=limit)

    def _from_samples(self, recognizer: Recognizer, samples: np.ndarray, options: TranscribeOptions,
                      report: ProgressCallback, channel: str | None) -> _Recognised:
        """One channel held in memory (mono without VAD, or one side of a split recording)."""
        duration = len(samples) / SAMPLE_RATE
        diarize = options.diarize and channel is None
        if options.vad == "none":
            language, probability = recognizer.resolve_language(options, samples)
            segments = recognizer.recognize(samples, options, language, lambda done: report(done, duration, "recognition"))
            segments = _shifted(segments, 0.0, language)
            result = _Recognised(segments, main_language(segments, language), probability)
            if diarize:  # the speaker windows still need to know where the speech is
                result.turns = speaker_turns_alone(samples, options, recognizer.device.torch_device)
        else:
            speech = detect_speech(samples, options.vad_options())
            embeddings = self._embeddings(speech.speech_rms, options, recognizer) if diarize else None
            result = self._from_speech(recognizer, speech, array_chunks(samples), options, report, embeddings)
        for segment in result.segments:
            segment.channel = channel
        return result

    def _embeddings(self, rms: float, options: TranscribeOptions, recognizer: Recognizer) -> SpeakerEmbeddings | None:
        if not options.diarize or options.split_channels:
            return None
        return SpeakerEmbeddings(gain=level_gain(rms), device=recognizer.device.torch_device)

    def _from_speech(self, recognizer: Recognizer, speech: SpeechMap, chunks: Iterable[np.ndarray],
                     options: TranscribeOptions, report: ProgressCallback,
                     embeddings: SpeakerEmbeddings | None = None) -> _Recognised:
        duration = speech.duration_ms / 1000
        recognised = _Recognised([], options.language, 0.0)
        clips = without_digital_silence(iter_clips(chunks, speech.segments))
        if embeddings is not None:
            clips = embeddings.tap(clips)
        max_ms = min(self.config.window_ms, options.max_segment_ms) if recognizer.packs_windows else 0
        for batch in _batches(pack(clips, max_ms=max_ms), self.config.batch_size):
            again = self._decode(recognizer, batch, options, recognised)
            self._decode_alone(recognizer, self._decode_repacked(recognizer, again, max_ms, options, recognised),
                               options, recognised)
            report(batch[-1].end_ms / 1000, duration, "recognition")
        recognised.segments.sort(key=lambda s: s.start)
        recognised.language = main_language(recognised.segments, options.language)
        if embeddings is not None:
            recognised.turns = _turns(embeddings, options)
        return recognised

    def _decode(self, recognizer: Recognizer, windows: list[Window], options: TranscribeOptions,
                recognised: _Recognised) -> list[_Redo]:
        """One batch of windows; each member's text goes into `recognised`, and the members the
        window's decoding left uncovered are returned."""
        audio = [window.samples for window in windows]  # joined once, used for detection and decoding
        # With "auto" every window gets its own language (a recording may switch); a fixed one
        # costs nothing here.
        languages = [recognizer.resolve_language(options, samples) for samples in audio]
        if recognised.probability == 0.0:
            recognised.probability = languages[0][1]
        again: list[_Redo] = []
        for language in dict.fromkeys(language for language, _ in languages):
            group = [i for i, (window_language, _) in enumerate(languages) if window_language == language]
            found = recognizer.recognize_windows([audio[i] for i in group], options, language)
            for index, pieces in zip(group, found):
                again += self._settle(recognizer, windows[index], pieces, language, recognised)
        return again

    def _decode_repacked(self, recognizer: Recognizer, members: list[_Redo], max_ms: int,
                         options: TranscribeOptions, recognised: _Recognised) -> list[_Redo]:
        """Members a window failed, packed again into fewer windows: mostly they were cut off by a
        decoder that stopped early, and decode in full once they lead a window (the seek
        continuation the batched decoder lacks). One encoder pass per window instead of per
        member; what fails again goes on to be decoded alone."""
        windows = list(_packed(members, max_ms))
        if len(windows) == len(members):  # nothing to gain: each would be alone anyway
            return members
        again = []
        for batch in _batches(iter(windows), self.config.batch_size):
            again += self._decode(recognizer, batch, options, recognised)
        return _first_reasons(members, again)

    def _decode_alone(self, recognizer: Recognizer, members: list[_Redo], options: TranscribeOptions,
                      recognised: _Recognised) -> None:
        """Members a packed window failed, each decoded on its own as faster-whisper's sequential
        `transcribe` would: first at temperature 0 (batched together, which gives the same text),
        then, where that fails too, with Whisper's temperature fallback. That last decode reads
        the member alone, as a live utterance is read (an encoder input fitted to it, the decoder
        alone retried on the same encoding), unless words must be timed. What still gives no text
        is reported as dropped, with the first failure's reason."""
        for batch in _batches(_packed(members, max_ms=0), self.config.batch_size):
            for redo in _first_reasons(members, self._decode(recognizer, batch, options, recognised)):
                member = redo.member
                if options.word_timestamps:
                    found = recognizer.recognize(member.samples, options, redo.language)
                else:
                    found = recognizer.recognize_utterance(member.samples, replace(options, language=redo.language))
                start = member.span.start_ms / 1000
                if found:
                    recognised.segments.extend(_shifted(found, start, redo.language))
                else:
                    recognised.dropped.append(Dropped(start, member.span.end_ms / 1000, redo.reason))

    def _settle(self, recognizer: Recognizer, window: Window, pieces: list[Piece], language: str,
                recognised: _Recognised) -> list[_Redo]:
        """Each member's text from the window's decoding; returns the members left uncovered."""
        if not recognizer.packs_windows:  # one segment per window: decoding it again gives the same
            (member,) = window.members
            found = [piece.segment for piece in pieces if not piece.rejected]
            recognised.segments.extend(_shifted(found, member.span.start_ms / 1000, language))
            if not found:
                recognised.dropped.append(Dropped(member.span.start_ms / 1000, member.span.end_ms / 1000, NO_TEXT))
            return []
        attribution = attribute(window, pieces)
        again = []
        for index, member in enumerate(window.members):
            if index in attribution.redo:
                again.append(_Redo(member, language, attribution.redo[index]))
            else:
                recognised.segments.extend(_shifted(attribution.segments[index], member.span.start_ms / 1000, language))
        return again


@dataclass
class _Redo:
    member: Member
    language: str
    reason: str


def _turns(embeddings: SpeakerEmbeddings, options: TranscribeOptions) -> list[SpeakerTurn]:
    return embeddings.turns(options.num_speakers, options.min_speakers, options.max_speakers)


def speaker_turns_alone(source: AudioSource | np.ndarray, options: TranscribeOptions,
                        device: str = "cpu") -> list[SpeakerTurn]:
    """The speaker stage on its own, as recognition without VAD runs it: the default VAD for where
    the speech is and its level, the windows embedded as the audio streams past, clustered."""
    speech = detect_speech(source, VadOptions())
    embeddings = SpeakerEmbeddings(gain=level_gain(speech.speech_rms), device=device)
    for span, clip in iter_clips(stream_chunks(source), speech.segments):
        embeddings.add(span.start_ms / 1000, clip)
    return _turns(embeddings, options)


def _packed(members: list[_Redo], max_ms: int) -> Iterator[Window]:
    """Failed members packed into new windows (max_ms=0: each alone)."""
    return pack(((redo.member.span, redo.member.samples) for redo in members), max_ms=max_ms)


def _first_reasons(earlier: list[_Redo], later: list[_Redo]) -> list[_Redo]:
    """`later` failures, each keeping the reason its member failed for first."""
    first = {redo.member.span: redo.reason for redo in earlier}
    return [_Redo(redo.member, redo.language, first.get(redo.member.span, redo.reason)) for redo in later]


def _batches(windows: Iterator[Window], size: int) -> Iterator[list[Window]]:
    while batch := list(islice(windows, size)):
        yield batch


def _shifted(segments: list[Segment], offset: float, language: str) -> list[Segment]:
    """Segments with times relative to a cut → times on the recording, tagged with their language
    (the one asked for; with auto, the one the backend named, if any)."""
    for segment in segments:
        segment.start, segment.end = segment.start + offset, segment.end + offset
        segment.language = language if language != AUTO else segment.language  # a backend may name it
        for word in segment.words:
            word.start, word.end = word.start + offset, word.end + offset
    return segments


def main_language(segments: list[Segment], fallback: str) -> str:
    """The language of most of the speech (by segment time); from the text for backends that name none."""
    seconds: dict[str, float] = {}
    for segment in segments:
        if segment.language:
            seconds[segment.language] = seconds.get(segment.language, 0.0) + max(segment.end - segment.start, 0.01)
    if seconds:
        return max(seconds, key=lambda language: seconds[language])
    if fallback == AUTO:
        return language_from_text("".join(s.text for s in segments)) if segments else fallback
    return fallback


def languages_present(segments: list[Segment], main: str) -> list[str]:
    """Every language of the transcript, the main one first."""
    found = [main] + [s.language for s in segments if s.language]
    return [language for language in dict.fromkeys(found) if language and language != AUTO]


def _merge_channels(runs: list[_Recognised]) -> _Recognised:
    segments = sorted((s for run in runs for s in run.segments), key=lambda s: (s.start, s.channel or ""))
    best = max(runs, key=lambda run: run.probability)
    dropped = sorted((d for run in runs for d in run.dropped), key=lambda d: d.start)
    return _Recognised(segments, best.language, best.probability, dropped)


def clamp_to_duration(segment: Segment, duration: float) -> None:
    """Whisper's timestamps can run past the last sample (it predicts them in 20 ms steps from a
    padded 30 s window); a time outside the recording is never right, so clamp it."""

    def clamp(value: float) -> float:
        return round(min(max(value, 0.0), duration), 3)

    segment.start, segment.end = clamp(segment.start), clamp(segment.end)
    for word in segment.words:
        word.start, word.end = clamp(word.start), clamp(word.end)


def finish_segments(segments: list[Segment], options: TranscribeOptions, cache_dir: Path) -> list[Segment]:
    """The text rules, each segment in its own language: Chinese script and punctuation, then cues
    a person can read, then ITN of each cue into itn_text."""
    cues = []
    for segment, ends_sentence in zip(segments, sentence_ends(segments)):
        language = segment.language or ""
        if language in _CHINESE:
            segment.text = punctuated_chinese(convert_chinese_script(segment.text, options.chinese_script),
                                              ends_sentence)
            for word in segment.words:
                word.word = convert_chinese_script(word.word, options.chinese_script)
        cues += split_into_cues(segment, options.max_cue_seconds, line_limit(language, options.max_line_chars))
    cues = joined_clauses(cues, options.max_cue_seconds, lambda language: line_limit(language, options.max_line_chars))
    for cue in cues:
        cue.itn_text = inverse_normalize(cue.text, cue.language, cache_dir=cache_dir) if options.itn else cue.text
    return cues
