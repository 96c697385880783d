"""The flow of one recording: VAD → speech segments, recognised several at once → script → ITN → result.

Long recordings are decoded twice in streaming fashion: once for VAD (keeping only the speech
spans and a 10 ms energy track), once to cut the speech out and recognise it segment by segment.
Peak memory therefore does not grow with the length of the file beyond the spans and the text.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

import numpy as np

from transcripts.engine.asr import Recognizer, is_quiet, language_from_text
from transcripts.engine.audio import SAMPLE_RATE, AudioSource, decode_audio, probe_duration
from transcripts.engine.clips import array_chunks, iter_clips, stream_chunks, without_digital_silence
from transcripts.engine.concurrency import in_order
from transcripts.engine.context import Neighbourhood, cut_with_neighbourhoods
from transcripts.engine.coverage import PARTLY_COVERED, UNHEARD, implausibly_sparse
from transcripts.engine.cues import joined_clauses, line_limit, split_into_cues
from transcripts.engine.errors import AudioTooLongError
from transcripts.engine.itn import inverse_normalize
from transcripts.engine.languages import AUTO, CHINESE_LANGUAGES
from transcripts.engine.manager import ModelManager
from transcripts.engine.options import TranscribeOptions
from transcripts.engine.result import Dropped, Segment, TranscriptResult, join_segments
from transcripts.engine.segments import Span, islands, pad
from transcripts.engine.speakers import (
    SpeakerEmbeddings,
    SpeakerTurn,
    in_order_of_appearance,
    labelled_segments,
    level_gain,
)
from transcripts.engine.text import convert_chinese_script
from transcripts.engine.typeset import punctuated_chinese, sentence_ends
from transcripts.engine.vad import MAX_SEGMENT_MS_RANGE, SpeechMap, VadOptions, detect_speech

# Called with (seconds of audio done in this stage, total seconds, stage): stage is "vad" while
# speech is being found, then "recognition".
ProgressCallback = Callable[[float, float, str], None]

# The recogniser reads this much more audio before each speech segment than VAD's padding gives.
# Inside a long recording Silero's onsets come up to 0.5 s later than on the same clip alone (its
# LSTM state carries what came before), and "我有的时候…" lost its first words. Measured as VAD
# padding before (so merges moved too) on 3-minute realistic recordings (whisper-base; -60, -50,
# -45 dBFS at seeds 1 and 2, then digital silence), CER with 0 ms more 0.244 0.303 0.452 0.566
# 0.632 0.730 0.267 0.316 (3.51 in all); 150 ms 0.242 0.290 0.493 0.510 0.641 0.713 0.211 0.295
# (3.40); 300 ms 0.229 0.279 0.505 0.569 0.590 0.762 0.176 0.266 (3.38); 500 ms 0.220 0.273 0.460
# 0.649 0.636 0.778 0.189 0.258 (3.46). As this lead-in: 0.229 0.279 0.484 0.560 0.575 0.721 0.176
# 0.266 (bench/long_audio.py).
RECOGNITION_LEAD_IN_MS = 300
# And this much more after it. Ten 3-minute realistic recordings (-60, -50 dBFS seeds 1-3, -45
# seeds 1-2, digital silence seeds 1 and 3), joined CER minus one by one, 2026-11-27: 0 ms +0.070
# +0.035 +0.062 +0.015 -0.066 -0.043 -0.128 -0.015 -0.007 -0.002 (summed CER 3.707); 200 ms 3.671;
# 500 ms 3.727; 500 ms before and after 3.747; lead-ins of 500, 700, 900 ms 3.718, 3.761, 3.692.
# All within whisper-base's swing (moving a cut by 0.1 s flips a clip's first word), none moved
# -60 dBFS seed 1 under +0.06: left at 0.
RECOGNITION_LEAD_OUT_MS = 0
# Speech segments held at once, in recording order, to be sorted by length and batched (_batches).
SEGMENTS_SORTED = 32
MAX_SEGMENT_S = MAX_SEGMENT_MS_RANGE[1] / 1000
# The encoder inputs of the segments in one batch differ by at most this factor: each is read
# padded with silence to the longest, and its cost (and for Whisper its text) follows its input.
INPUT_SPREAD = 1.25


@dataclass(frozen=True)
class EngineConfig:
    cache_dir: Path
    device: str = "auto"
    threads: int = 0
    gpu_workers: int = 0  # CTranslate2 workers on a GPU; 0: device.GPU_WORKERS
    max_duration_s: float = 6 * 3600
    # Directories of models users bring (each subdirectory a model, named after it).
    model_dirs: tuple[Path, ...] = ()
    # Speech segments of 30 s decoded at once, shared by the batches a recogniser decodes side by
    # side (`Recognizer.parallel`; on a 2-core CPU two batches of three); shorter ones go more to a
    # batch, for the same encoder input in all (see _batches). Memory is the limit: beam 5 keeps
    # cross-attention caches for each hypothesis. Sixty minutes of realistic Mandarin (bench/long_audio.py,
    # whisper-base, 2026-11-26, one machine): peak 611 MB with 4, 697 MB with 6, real-time factor
    # 0.066 and 0.063; four 3-minute recordings in one process 43.1 s with 4, 38.7 s with 6, 38.8 s
    # with 8, the same text.
    batch_size: int = 6


@dataclass
class _Recognised:
    segments: list[Segment]
    language: str
    probability: float
    dropped: list[Dropped] = field(default_factory=list)
    turns: list[SpeakerTurn] = field(default_factory=list)  # who spoke when, when diarised

    def add(self, found: list[Segment], at: float, language: str, or_else: Dropped) -> None:
        """A second decoding's text (times from `at` s), or, where it gave none, `or_else`."""
        if found:
            self.segments.extend(_shifted(found, at, found[0].language or language))
        else:
            self.dropped.append(or_else)


class Engine:
    """Recognition for one process: owns the loaded models, reuses them across calls."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.models = ModelManager(config.cache_dir, config.device, config.threads, config.model_dirs,
                                   config.gpu_workers)

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
        widened = recognition_spans(speech)
        neighbourhoods: dict[Span, Neighbourhood] = {}
        quiet = is_quiet(speech.background_dbfs)
        clips = cut_for_recognition(chunks, speech.segments, widened, embeddings, neighbourhoods)
        # Progress counts the speech decoded so far, whatever order the batches run in.
        speech_ms, decoded_ms = sum(span.duration_ms for span in widened) or 1, 0
        # The batches decoded side by side share the memory EngineConfig.batch_size is set for.
        batches = _batches(clips, self.config.batch_size / recognizer.parallel,
                           lambda seconds: recognizer.input_seconds(seconds, quiet), workers=recognizer.parallel)
        for batch, decoded in in_order(batches, lambda batch: _decoded(recognizer, batch, options, neighbourhoods,
                                                                        speech.raw, quiet),
                                          recognizer.parallel):
            if recognised.probability == 0.0:
                recognised.probability = decoded.probability
            recognised.segments.extend(decoded.segments)
            recognised.dropped.extend(decoded.dropped)
            decoded_ms += sum(span.duration_ms for span, _ in batch)
            report(duration * min(1.0, decoded_ms / speech_ms), duration, "recognition")
        recognised.segments.sort(key=lambda s: s.start)
        recognised.language = main_language(recognised.segments, options.language)
        if embeddings is not None:
            recognised.turns = _turns(embeddings, options)
        return recognised


def _decoded(recognizer: Recognizer, batch: list[tuple[Span, np.ndarray]], options: TranscribeOptions,
             neighbourhoods: dict[Span, Neighbourhood], raw: list[Span], quiet: bool = False) -> _Recognised:
    """One batch of speech segments, each decoded on its own; those the fast decoding failed are
    decoded again the slow way (`Recognizer.recognize_again`): a decoding that stopped early keeps
    its text, and only the audio after it is decoded again. Where that gives implausibly little
    text for the speech, the segment is read once more with its nearer neighbour (`context`).
    Speech inside a segment that its text passed over (of VAD's `raw` spans) is decoded on its own.
    `quiet`: the recording's background is quiet (`asr.is_quiet`), which changes how Whisper's
    encoder reads a segment. What still gives no text is reported as dropped, with the first
    failure's reason. Runs beside other batches (`in_order`); takes its segments' entries out of
    `neighbourhoods`."""
    recognised = _Recognised([], options.language, 0.0)
    around = {span: neighbourhoods.pop(span, None) for span, _ in batch}
    before_ms, after_ms = options.vad_options().padding()
    found_in = recognizer.recognize_windows([s for _, s in batch], options, [islands(raw, span) for span, _ in batch],
                                            quiet)
    for (span, samples), decoded in zip(batch, found_in):
        if recognised.probability == 0.0:
            recognised.probability = decoded.probability
        start, language = span.start_ms / 1000, decoded.language
        in_language = replace(options, language=language)
        # The text that stays, and from where (seconds into the segment) it is decoded again.
        kept = decoded.segments if decoded.failure in (None, PARTLY_COVERED) else []
        resume = max(segment.end for segment in kept) if decoded.failure == PARTLY_COVERED else 0.0
        recognised.segments.extend(_shifted(kept, start, language))
        if decoded.failure:
            rest = samples[int(resume * SAMPLE_RATE):]
            again = recognizer.recognize_again(rest, in_language, decoded.failure)
            neighbourhood = around[span]
            if (decoded.failure != PARTLY_COVERED and neighbourhood is not None
                    and implausibly_sparse(again, len(rest) / SAMPLE_RATE)):
                again = _read_with_neighbour(recognizer, neighbourhood, span, in_language, quiet) or again
            recognised.add(again, start + resume, language, Dropped(start + resume, span.end_ms / 1000, decoded.failure))
        for gap_start, gap_end in decoded.unheard:  # padded as VAD pads a segment
            low = max(0, int((gap_start - before_ms / 1000) * SAMPLE_RATE))
            high = int((gap_end + after_ms / 1000) * SAMPLE_RATE)
            heard = recognizer.recognize_again(samples[low:high], in_language, UNHEARD)
            recognised.add(heard, start + low / SAMPLE_RATE, language, Dropped(start + gap_start, start + gap_end, UNHEARD))
    return recognised


def _read_with_neighbour(recognizer: Recognizer, neighbourhood: Neighbourhood, span: Span,
                         options: TranscribeOptions, quiet: bool = False) -> list[Segment]:
    """The segment's text as decoded together with its nearer neighbour (times relative to the
    segment), or nothing where that decoding fails too or is no less sparse."""
    decoded = recognizer.recognize_windows([neighbourhood.samples], options, quiet=quiet)[0]
    if decoded.failure not in (None, PARTLY_COVERED):
        return []
    own = neighbourhood.own(decoded.segments, span.start_ms)
    return [] if implausibly_sparse(own, span.duration_ms / 1000) else own


def recognition_spans(speech: SpeechMap) -> list[Span]:
    """The stretches of the recording the recogniser reads: VAD's segments, each with
    RECOGNITION_LEAD_IN_MS (and RECOGNITION_LEAD_OUT_MS) more around it."""
    return pad(speech.segments, RECOGNITION_LEAD_IN_MS, speech.duration_ms, end_pad_ms=RECOGNITION_LEAD_OUT_MS)


def cut_for_recognition(chunks: Iterable[np.ndarray], segments: list[Span], widened: list[Span],
                        embeddings: SpeakerEmbeddings | None = None,
                        neighbourhoods: dict[Span, Neighbourhood] | None = None) -> Iterator[tuple[Span, np.ndarray]]:
    """The speech segments cut out as the audio streams past, as `widened` (`recognition_spans`)
    for the recogniser, digital silence trimmed; the speaker stage, when on, gets each of
    `segments` as VAD shaped it. `neighbourhoods`, when given, receives each yielded span's
    Neighbourhood (its stretch with the nearer neighbour), for `_decoded` to take."""
    for segment, (span, samples, neighbourhood) in zip(segments, cut_with_neighbourhoods(chunks, widened)):
        if embeddings is not None:
            lead = (segment.start_ms - span.start_ms) * SAMPLE_RATE // 1000
            for start, own in without_digital_silence([(segment, samples[lead:])]):
                embeddings.add(start.start_ms / 1000, own)
        for trimmed, own in without_digital_silence([(span, samples)]):
            if neighbourhoods is not None and neighbourhood is not None:
                neighbourhoods[trimmed] = neighbourhood
            yield trimmed, own


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


def _batches(clips: Iterator[tuple[Span, np.ndarray]], size: float, input_seconds: Callable[[float], float],
             workers: int = 1) -> Iterator[list[tuple[Span, np.ndarray]]]:
    """Speech segments in batches of similar encoder input (`Recognizer.input_seconds`): each group
    of SEGMENTS_SORTED is sorted longest first, then cut wherever the next segment's input would be
    less than the batch's first over INPUT_SPREAD, or the batch would hold more input than `size`
    segments of 30 s, or more than its share of the group among `workers` batches decoded side by
    side (so two 30 s segments of a minute's recording are decoded at once, not one after the
    other in one batch). So a batch of short segments holds many more than `size`, and no short
    segment is read as long as a long one. Longest first: with batches decoded side by side
    (`in_order`), the short ones fill in at the end instead of a long one running on alone."""
    budget = size * MAX_SEGMENT_S
    while group := sorted(islice(clips, SEGMENTS_SORTED), key=lambda clip: len(clip[1]), reverse=True):
        share = -(-len(group) // workers)
        batch: list[tuple[Span, np.ndarray]] = []
        first = 0.0
        for clip in group:
            seconds = input_seconds(len(clip[1]) / SAMPLE_RATE)
            if batch and (first > INPUT_SPREAD * seconds or (len(batch) + 1) * first > budget or len(batch) == share):
                yield batch
                batch = []
            if not batch:
                first = seconds
            batch.append(clip)
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
        if language in CHINESE_LANGUAGES:
            segment.text = punctuated_chinese(convert_chinese_script(segment.text, options.chinese_script),
                                              ends_sentence)
            for word in segment.words:
                word.word = convert_chinese_script(word.word, options.chinese_script)
        cues += split_into_cues(segment, options.max_cue_seconds, line_limit(language, options.max_line_chars))
    cues = joined_clauses(cues, options.max_cue_seconds, lambda language: line_limit(language, options.max_line_chars))
    for cue in cues:
        cue.itn_text = inverse_normalize(cue.text, cue.language, cache_dir=cache_dir) if options.itn else cue.text
    return cues
