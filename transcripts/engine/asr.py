"""Recognisers: one backend per engine behind the `Recognizer` protocol.

A recogniser turns 16 kHz float32 mono audio into timed text segments: either a whole recording
(`recognize`, when VAD is off) or a batch of packed speech windows (`recognize_windows`). It does
no text post-processing (script conversion, ITN); the pipeline does that for every backend alike.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import ctranslate2
import numpy as np
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import get_compression_ratio

from transcripts.engine.audio import SAMPLE_RATE
from transcripts.engine.coverage import (
    HALLUCINATION,
    NO_TEXT,
    PARTLY_COVERED,
    AlignedWord,
    Decoded,
    Island,
    around,
    may_go_unheard,
    uncovered,
    unheard,
)
from transcripts.engine.device import GPU_FAILURE, DeviceChoice, gpu_unusable, worker_layout
from transcripts.engine.errors import BrokenModelError, InvalidOptionError
from transcripts.engine.funasr_output import output_segments
from transcripts.engine.funasr_runtime import quiet_funasr, quiet_funasr_load
from transcripts.engine.languages import AUTO, CHINESE_LANGUAGES
from transcripts.engine.models import ModelLocation
from transcripts.engine.options import TranscribeOptions
from transcripts.engine.result import Segment, Word

SAMPLING_SEED = 0

# Called with the number of seconds of this audio recognised so far.
PositionCallback = Callable[[float], None]


class Recognizer(Protocol):
    name: str
    device: DeviceChoice
    parallel: int  # calls that run faster at once than one after another (batches decoded together)

    def resolve_language(self, options: TranscribeOptions, sample: np.ndarray) -> tuple[str, float]:
        """The language to decode in: the requested one (probability 1), or detected on `sample`."""

    def recognize(
        self, audio: np.ndarray, options: TranscribeOptions, language: str, on_position: PositionCallback | None = None,
    ) -> list[Segment]:
        """A whole recording, times relative to its start."""

    def input_seconds(self, seconds: float, quiet: bool = False) -> float:
        """The seconds of input `recognize_windows` reads a speech segment of `seconds` with."""

    def recognize_windows(self, windows: list[np.ndarray], options: TranscribeOptions,
                          islands: list[list[Island]] | None = None, quiet: bool = False) -> list[Decoded]:
        """Several speech segments (<= 30 s each), each decoded on its own, at once: per segment,
        its text with times inside it, its language, and why it must be decoded again, if it must.
        `islands`, per segment: where VAD heard speech inside it, for a backend that can tell
        which of it the text passed over (`Decoded.unheard`). `quiet`: the recording's background
        is quiet (`is_quiet`), for a backend whose reading depends on it."""

    def recognize_again(self, window: np.ndarray, options: TranscribeOptions, failure: str) -> list[Segment]:
        """A segment `recognize_windows` failed for `failure` (for PARTLY_COVERED, only the audio
        after the text it gave), decoded the slower, surer way."""

    def recognize_utterance(self, audio: np.ndarray, options: TranscribeOptions, *,
                            provisional: bool = False) -> list[Segment]:
        """One short utterance (a live one), decoded as fast as the backend can: its text as one
        segment spanning it, in the language asked for or detected on it (with `auto`), or nothing
        when the text fails the hallucination tests. provisional=True: a partial result, decoded
        again soon, so quicker still where the backend can trade accuracy for it."""


class WhisperRecognizer:
    """faster-whisper (CTranslate2) Whisper models; speech segments decoded several at once."""

    def __init__(self, location: ModelLocation, device: DeviceChoice, threads: int = 0) -> None:
        from faster_whisper import WhisperModel

        self.name = location.name
        self.device = device
        self.english_only = location.english_only
        layout = worker_layout(device, threads)
        self.parallel = layout.workers
        try:
            self.model = WhisperModel(
                str(location.path),
                device=device.device,
                device_index=device.index,
                compute_type=device.compute_type,
                cpu_threads=layout.threads_per_worker,
                num_workers=layout.workers,
                local_files_only=True,
            )
            if device.device == "cuda":
                # CTranslate2 loads cuBLAS only when it first computes: a GPU it can see but not use
                # (CUDA libraries of another major version) would otherwise fail the first job.
                self.model.encode(np.zeros((1, self.model.model.n_mels, 100), dtype=np.float32))
        except (RuntimeError, ValueError, OSError) as e:
            if device.device == "cuda" and GPU_FAILURE.search(str(e)):
                raise gpu_unusable(device, e) from e
            raise BrokenModelError(
                f"The model at {location.path} could not be loaded ({e}). Re-install it or pick another model."
            ) from e

    def resolve_language(self, options: TranscribeOptions, sample: np.ndarray) -> tuple[str, float]:
        if self.english_only:
            if options.language not in (AUTO, "en"):
                raise InvalidOptionError(
                    f"{self.name} recognises English only; use language 'en' or 'auto', or model whisper-base."
                )
            return "en", 1.0
        if options.language != AUTO:
            return options.language, 1.0
        if len(sample) == 0:
            return "en", 0.0
        language, probability, _ = self.model.detect_language(sample[: 30 * SAMPLE_RATE])
        return language, float(probability)

    def transcribe_kwargs(self, options: TranscribeOptions, language: str | None) -> dict:
        """The arguments for faster-whisper's own `transcribe` (the benchmark's baseline uses them)."""
        return {
            "language": language,
            "beam_size": options.beam_size,
            "word_timestamps": options.word_timestamps,
            "hotwords": " ".join(options.hotwords) or None,
            "vad_filter": False,
        }

    def recognize(
        self, audio: np.ndarray, options: TranscribeOptions, language: str, on_position: PositionCallback | None = None,
    ) -> list[Segment]:
        # Within one 30 s window, conditioning on the text decoded so far only feeds a loop back into
        # itself when Whisper seeks on inside the window ("她的肩膀吓唬了" nine times over, measured
        # on a noisy meeting clip); across windows of a long recording it keeps terms consistent.
        conditioned = len(audio) > 30 * SAMPLE_RATE
        # The temperature fallback samples (on music it sometimes sampled a line that passed the
        # hallucination tests, sometimes not). The seed fixes only a fresh thread's first samples:
        # CTranslate2 does not reset its generators (OpenNMT/CTranslate2#1757, open), so the same
        # audio can still give different text from one call to the next where Whisper falls back.
        ctranslate2.set_random_seed(SAMPLING_SEED)
        pieces, _info = self.model.transcribe(
            audio, condition_on_previous_text=conditioned, **self.transcribe_kwargs(options, language),
        )
        segments = []
        for piece in pieces:
            if not is_hallucination(piece):
                segments.append(_segment(piece))
            if on_position:
                on_position(piece.end)
        return without_loops(segments)

    def input_seconds(self, seconds: float, quiet: bool = False) -> float:
        return segment_input_s(seconds, quiet)

    def _encode_fitted(self, audios: list[np.ndarray], input_s: Callable[[float], float]) -> ctranslate2.StorageView:
        """The encoder's reading of each audio (<= 30 s), all padded with silence to `input_s` of
        the longest: CTranslate2 takes inputs shorter than Whisper's 30 s window, and the
        encoder's and decoder's costs grow with its input."""
        features = [self.model.feature_extractor(audio)[:, :WINDOW_FRAMES] for audio in audios]
        longest = max(f.shape[-1] for f in features)
        frames = min(WINDOW_FRAMES, -(-int(input_s(longest / 100) * 100) // 100) * 100)
        padded = np.stack([np.pad(f, ((0, 0), (0, frames - f.shape[-1]))) for f in features])
        if self.device.device != "cpu" or len(padded) == 1:
            return self.model.encode(padded)
        # On the CPU, CTranslate2 encodes inputs one at a time faster than as a batch, to the same
        # output (12 inputs of 7 s: 0.34 s against 0.57 s; 4 of 30 s: 1.15 s against 1.43 s).
        return ctranslate2.StorageView.from_array(
            np.concatenate([np.asarray(self.model.encode(one[np.newaxis])) for one in padded]))

    def _languages(self, options: TranscribeOptions, encoded: ctranslate2.StorageView,
                   audios: list[np.ndarray]) -> list[tuple[str, float]]:
        """The language of each encoded audio: the one asked for, or detected on its encoding."""
        if options.language != AUTO or self.english_only:
            return [self.resolve_language(options, audio) for audio in audios]
        return [(found[0][0][2:-2], float(found[0][1])) for found in self.model.model.detect_language(encoded)]

    def _tokenizer(self, language: str) -> Tokenizer:
        # An English-only model's prompt has no language or task token (as faster-whisper builds it).
        return Tokenizer(self.model.hf_tokenizer, self.model.model.is_multilingual, task="transcribe",
                         language=language)

    def recognize_utterance(self, audio: np.ndarray, options: TranscribeOptions, *,
                            provisional: bool = False) -> list[Segment]:
        """The encoder reads the utterance and UTTERANCE_TAIL_S of silence after it instead of a
        full 30 s window, and the text is decoded without timestamps: a live utterance's times
        come from VAD. About twice as fast as faster-whisper's `transcribe` at temperature 0, at
        the same accuracy (figures at UTTERANCE_TAIL_S).

        A final is decoded with the beam asked for; when that loops ("昨天，昨天，昨天，…" on a
        noisy meeting utterance), the decoder alone runs again at Whisper's fallback temperatures
        on the same encoding, as faster-whisper's `transcribe` does, until a text passes; a
        sample written plainly in another language than the one decoded in does not pass (a
        decode at temperature 0 is taken as written: a Mandarin speaker's "OK" stays). A
        provisional decode (a partial, decoded again soon) is greedy and never retried."""
        if len(audio) == 0:
            return []
        encoded = self._encode_fitted([audio], utterance_input_s)
        ((language, _),) = self._languages(options, encoded, [audio])
        tokenizer = self._tokenizer(language)
        prompt = self.model.get_prompt(tokenizer, [], without_timestamps=True,
                                       hotwords=" ".join(options.hotwords) or None)
        seconds = len(audio) / SAMPLE_RATE
        ctranslate2.set_random_seed(SAMPLING_SEED)
        for temperature in (0.0,) if provisional else FALLBACK_TEMPERATURES:
            if temperature == 0.0:
                search = {"beam_size": 1 if provisional else options.beam_size}
            else:
                search = {"beam_size": 1, "sampling_temperature": temperature, "sampling_topk": 0,
                          "num_hypotheses": BEST_OF}
            results = self._generate(encoded, [prompt], seconds, **search)[0]
            written = [found for found in (_scored(tokenizer, tokens, score, results.no_speech_prob)
                                           for tokens, score in zip(results.sequences_ids, results.scores))
                       if temperature == 0.0 or in_written_language(found[0], language)]
            if not written:
                continue
            text, scores = max(written, key=lambda found: found[1].avg_logprob)
            if not _loops(text, scores):
                break
        else:
            return []  # a loop, or another language, at every temperature tried
        if not text or is_hallucination(scores):
            return []
        return [Segment(start=0.0, end=seconds, text=text, language=language, temperature=temperature,
                        **scores.as_fields())]

    def _generate(self, encoded: ctranslate2.StorageView, prompts: list[list[int]], seconds: float, **search):
        return self.model.model.generate(
            encoded, prompts, return_scores=True, return_no_speech_prob=True, suppress_blank=True,
            suppress_tokens=[-1], max_length=min(self.model.max_length // 2, int(MAX_TOKENS_PER_S * seconds) + 10),
            **search,
        )

    def recognize_windows(self, windows: list[np.ndarray], options: TranscribeOptions,
                          islands: list[list[Island]] | None = None, quiet: bool = False) -> list[Decoded]:
        """Each speech segment decoded on its own, as faster-whisper's `transcribe` would decode it
        alone, but several at once and each read by an encoder fitted to its length and to the
        recording's background (`segment_input_s`) instead of a 30 s window: with Whisper's
        timestamps, at temperature 0. What needs more (a loop, text that fails the hallucination
        tests, a decode that stopped before the segment's end) is marked failed for the pipeline
        to decode again; speech inside a segment (of its `islands`) that its passing text left out
        is marked unheard (`coverage.unheard`). Words are timed by faster-whisper's own
        `transcribe`, segment by segment."""
        if options.word_timestamps:
            return [self._decoded_alone(window, options) for window in windows]
        encoded = self._encode_fitted(windows, lambda seconds: self.input_seconds(seconds, quiet))
        languages = self._languages(options, encoded, windows)
        tokenizers = {language: self._tokenizer(language) for language, _ in languages}
        hotwords = " ".join(options.hotwords) or None
        prompts = [self.model.get_prompt(tokenizers[language], [], without_timestamps=False, hotwords=hotwords)
                   for language, _ in languages]
        results = self._generate(encoded, prompts, max(len(w) for w in windows) / SAMPLE_RATE,
                                 beam_size=options.beam_size, max_initial_timestamp_index=MAX_INITIAL_TIMESTAMP_INDEX)
        decoded, tokens_of = [], []
        for window, (language, probability), result in zip(windows, languages, results):
            tokenizer, tokens, seconds = tokenizers[language], result.sequences_ids[0], len(window) / SAMPLE_RATE
            text, scores = _scored(tokenizer, [t for t in tokens if t < tokenizer.eot], result.scores[0],
                                   result.no_speech_prob)
            pieces, _seek, _single_ending = self.model._split_segments_by_timestamps(
                tokenizer, tokens, 0.0, WINDOW_FRAMES, seconds, 0)
            segments, segment_tokens = _timed_segments(tokenizer, pieces, seconds, language, scores)
            failure = HALLUCINATION if _loops(text, scores) or is_hallucination(scores) else uncovered(segments, seconds)
            decoded.append(Decoded(segments, language, probability, failure))
            tokens_of.append(segment_tokens)
        checked = [i for i, found in enumerate(decoded) if islands and found.failure is None and may_go_unheard(islands[i])]
        for language in {decoded[i].language for i in checked}:
            self._leave_out_unheard(decoded, islands, [i for i in checked if decoded[i].language == language],
                                    encoded, tokenizers[language], tokens_of, windows)
        return decoded

    def _leave_out_unheard(self, decoded: list[Decoded], islands: list[list[Island]], checked: list[int],
                           encoded: ctranslate2.StorageView, tokenizer: Tokenizer, tokens_of: list[list[list[int]]],
                           windows: list[np.ndarray]) -> None:
        """Marks the speech inside the `checked` segments that no aligned character of their text
        starts in (`coverage.unheard`), and times their text around it. One alignment pass over
        the batch (the decoder's cross-attention, as faster-whisper times words); the segments
        not checked get no tokens, which costs nothing."""
        tokens = [[t for segment in tokens_of[i] for t in segment] if i in checked else [] for i in range(len(decoded))]
        aligned = self.model.find_alignment(tokenizer, tokens, encoded,
                                            [len(window) * FRAMES_PER_S // SAMPLE_RATE for window in windows])
        for i in checked:
            words = _words_by_segment(aligned[i], [len(segment) for segment in tokens_of[i]])
            found = decoded[i]
            found.unheard = unheard([word.start for segment in words for word in segment], islands[i])
            if found.unheard:
                found.segments = around(found.segments, words, found.unheard)

    def recognize_again(self, window: np.ndarray, options: TranscribeOptions, failure: str) -> list[Segment]:
        """A segment `recognize_windows` failed, decoded with Whisper's temperature fallback: for a
        decoding cut off early, `window` is the audio after its text (the pipeline keeps the text),
        decoded through faster-whisper's `transcribe` (its seek goes on after a stop); else the
        segment as a final live utterance (the fitted encoding, only the decoder retried)."""
        if options.word_timestamps:
            return []  # recognize_windows already decoded it through `transcribe`, the surer way
        if failure == PARTLY_COVERED:
            return self._decoded_alone(window, options).segments
        return self.recognize_utterance(window, options)

    def _decoded_alone(self, window: np.ndarray, options: TranscribeOptions) -> Decoded:
        language, probability = self.resolve_language(options, window)
        segments = self.recognize(window, options, language)
        for segment in segments:
            segment.language = language
        return Decoded(segments, language, probability, None if segments else NO_TEXT)


WINDOW_FRAMES = 3000  # Whisper's 30 s window in 10 ms mel frames
FRAMES_PER_S = 100
# Silence the encoder reads after a live utterance. Measured by bench/live_latency.py on the live
# cutter's utterances of four 40 s realistic recordings (whisper-base, zh): CER against the 30 s
# window's 0.335 / 0.388 / 0.712 / 0.508, with 3 s 0.410 / 0.432 / 0.606 / 0.476 (2.4x faster),
# with 8 s 0.341 / 0.396 / 0.653 / 0.492 (2.1x), with 15 s 0.329 / 0.367 / 0.671 / 0.492 (1.7x).
UTTERANCE_TAIL_S = 8
# What the encoder reads of a recording's speech segment: the segment followed by silence, at
# least SEGMENT_TAIL_S of it, and in all at least SEGMENT_STRETCH times the segment (so from 12 s
# on, Whisper's full 30 s window). Whisper learnt from 30 s windows; on a shorter input it holds
# up on clean speech, but under noise it loses more the longer the segment: on the first decoding
# of segments over 8 s at -50 dBFS (3-minute realistic recordings, whisper-base, zh, beam 5,
# seeds 4-7, mean CER), segment + 4 s gave 0.841, + 8 s 0.717, and the segment stretched to 2.5x
# with at least 8 s of silence 0.679. Whole recordings (seeds 1-2 at -60, -50, -45 dBFS and
# digital silence, in one process): summed CER 3.338 with + 4 s, 3.150 stretched (with at least
# 8 s), in 1.3x the time; then 3.183 with these values (at least 4 s) against 3.185, in 0.92x
# the time of at least 8 s. A full window for every segment was worse for short ones (at -50 dBFS,
# seeds 1-3: 0.409 against 0.355 with + 8 s) and three times as slow.
SEGMENT_TAIL_S = 4
SEGMENT_STRETCH = 2.5
# The stretch pays wherever a recording has a noise floor at all; only on digital silence is it
# not worth its time. On a recording whose background (its level between the speech,
# `vad.background_dbfs`) is at or below this, the segment is read with SEGMENT_TAIL_S only.
# Without the stretch against with it (3-minute realistic recordings, whisper-base, zh, seeds 1-3
# of the shared clips and 5-7 of them played at 0.93x/1.07x, one process each, 2026-11-27), summed
# CER over six recordings at each background, on an Intel Xeon with AVX-512 and on an AMD EPYC
# without it (CTranslate2's int8 kernels differ by CPU): white noise at -60 dBFS 1.766 against
# 1.689 (Xeon); -70 dBFS 1.526 against 1.515 and 1.542 against 1.485; -80 dBFS 1.507 against 1.483
# and 1.512 against 1.459; digital silence 1.320 against 1.399 (better on all six) and 1.504
# against 1.392 (worse on five). So a floor of -80 dBFS or louder is read stretched, and digital
# silence, where the two CPUs disagree, without it, in about 0.6 times the time. -90 dBFS is below
# any microphone's floor (the real meetings of the diarization set measure -64 to -77 dBFS) and
# above 16-bit quantisation noise (about -101 dBFS).
QUIET_BACKGROUND_DBFS = -90


def is_quiet(background_dbfs: float | None) -> bool:
    """A background quiet enough for the encoder to read each segment without the stretch; an
    unknown one (too little audio outside the speech) is not."""
    return background_dbfs is not None and background_dbfs <= QUIET_BACKGROUND_DBFS


def segment_input_s(seconds: float, quiet: bool = False) -> float:
    """Seconds of encoder input for a speech segment of `seconds`, on a recording with a quiet
    background (`is_quiet`) or not."""
    stretched = seconds + SEGMENT_TAIL_S if quiet else max(seconds + SEGMENT_TAIL_S, SEGMENT_STRETCH * seconds)
    return min(WINDOW_FRAMES / 100, stretched)


def utterance_input_s(seconds: float) -> float:
    return seconds + UTTERANCE_TAIL_S


# Whisper's first timestamp is at most 1 s into the audio (faster-whisper's max_initial_timestamp).
MAX_INITIAL_TIMESTAMP_INDEX = 50
# Mandarin runs at about 5 characters a second, a token or two each: a decode going past this
# is looping, and stopping it early keeps a loop from costing seconds of a live session.
MAX_TOKENS_PER_S = 25


@dataclass(frozen=True)
class DecodeScores:
    compression_ratio: float
    no_speech_prob: float
    avg_logprob: float

    def as_fields(self) -> dict[str, float]:
        """As a Segment's fields, rounded as stored."""
        return {"compression_ratio": round(self.compression_ratio, 4), "no_speech_prob": round(self.no_speech_prob, 4),
                "avg_logprob": round(self.avg_logprob, 4)}


# Whisper's own thresholds (openai/whisper transcribe.py), applied to every decoded segment: the
# first, batched decode has no temperature fallback; what fails them is decoded again with it.
COMPRESSION_RATIO_MAX = 2.4  # "a fără, a fără, a fără, ..." compresses far better than speech
NO_SPEECH_PROBABILITY_MAX = 0.6
AVERAGE_LOG_PROBABILITY_MIN = -1.0


def is_hallucination(piece: DecodeScores) -> bool:
    """Text invented over music, hum or noise that got past VAD: repetitive, or unlikely speech."""
    if piece.compression_ratio > COMPRESSION_RATIO_MAX:
        return True
    return piece.no_speech_prob > NO_SPEECH_PROBABILITY_MAX and piece.avg_logprob < AVERAGE_LOG_PROBABILITY_MIN


# A phrase of two or more characters said three times running, as a decoding loop writes it.
REPEATED_PHRASE = re.compile(r"(\S.+?)\1{2,}")
_NOT_WORDS = re.compile(r"[\W_]+")
# Whisper's temperature fallback (faster-whisper's defaults), and its samples per temperature:
# 3, not faster-whisper's 5. The samples of a temperature run until the longest stops, and on a
# segment that loops they run to the length limit. On the recordings that fall back most
# (3-minute realistic ones, -45 dBFS seeds 1-2 and -50 dBFS seed 2, two runs each, one process):
# summed CER 3.816 with 3 against 3.812 with 5, in 64.5 s against 75.0 s.
FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
BEST_OF = 3


def _scored(tokenizer: Tokenizer, tokens: list[int], score: float, no_speech_prob: float) -> tuple[str, DecodeScores]:
    text = tokenizer.decode(tokens).strip()
    return text, DecodeScores(compression_ratio=get_compression_ratio(text), no_speech_prob=no_speech_prob,
                              avg_logprob=score * len(tokens) / (len(tokens) + 1))


def repeats_a_phrase(text: str) -> bool:
    """A phrase said three times running, punctuation aside ("今天是晚了，今天是晚了，今天是晚了。")."""
    return bool(REPEATED_PHRASE.search(_NOT_WORDS.sub("", text)))


def _loops(text: str, scores: DecodeScores) -> bool:
    """A decoding loop: too repetitive to compress like speech, or a phrase repeated."""
    return scores.compression_ratio > COMPRESSION_RATIO_MAX or repeats_a_phrase(text)

# This many identical segments in a row is a decoding loop, not speech.
LOOP_REPEATS = 3


def in_loops(texts: list[str]) -> set[int]:
    """Indices of texts inside a run of LOOP_REPEATS or more identical ones: Whisper's repetition
    loops pass the compression test when each line is short ("她的肩膀吓唬了" nine times, measured)."""
    looped: set[int] = set()
    start = 0
    for index in range(1, len(texts) + 1):
        if index == len(texts) or texts[index] != texts[start]:
            if index - start >= LOOP_REPEATS:
                looped.update(range(start, index))
            start = index
    return looped


def without_loops(segments: list[Segment]) -> list[Segment]:
    """A loop collapsed into its first segment, spanning the run."""
    looped = in_loops([s.text for s in segments])
    kept: list[Segment] = []
    for index, segment in enumerate(segments):
        if index in looped and index - 1 in looped and segment.text == segments[index - 1].text:
            kept[-1].end = segment.end
        else:
            kept.append(segment)
    return kept


def _timed_segments(tokenizer: Tokenizer, pieces: list[dict], seconds: float, language: str,
                    scores: DecodeScores) -> tuple[list[Segment], list[list[int]]]:
    """faster-whisper's pieces of a decode split at its timestamps → segments inside `seconds`,
    each with the scores of the whole decode (one beam search, at temperature 0), and the text
    tokens of each."""
    segments, tokens = [], []
    for piece in pieces:
        text_tokens = [token for token in piece["tokens"] if token < tokenizer.eot]
        text = tokenizer.decode(text_tokens).strip()
        if text:
            segments.append(Segment(start=min(piece["start"], seconds), end=min(piece["end"], seconds), text=text,
                                    language=language, temperature=0.0, **scores.as_fields()))
            tokens.append(text_tokens)
    return segments, tokens


def _words_by_segment(words: list[dict], token_counts: list[int]) -> list[list[AlignedWord]]:
    """faster-whisper's aligned words of a decode's text, handed back to the segments whose
    tokens they are (a word goes with the segment of its first token)."""
    by_segment: list[list[AlignedWord]] = [[] for _ in token_counts]
    ends = list(itertools.accumulate(token_counts))
    position = 0
    for word in words:
        segment = next((index for index, end in enumerate(ends) if position < end), len(ends) - 1)
        by_segment[segment].append(AlignedWord(float(word["start"]), word["word"]))
        position += len(word["tokens"])
    return by_segment


def _segment(piece) -> Segment:
    words = [Word(w.start, w.end, w.word, w.probability) for w in (piece.words or [])]
    scores = DecodeScores(piece.compression_ratio, piece.no_speech_prob, piece.avg_logprob)
    return Segment(start=piece.start, end=piece.end, text=piece.text.strip(), words=words,
                   temperature=piece.temperature, **scores.as_fields())


_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def in_written_language(text: str, language: str) -> bool:
    """False for text plainly in another language: for a language written in Chinese characters,
    more Latin words than Han characters ("用 iPhone 测试" passes). Other languages: always True.
    At Whisper's fallback temperatures a sample can change language whatever the prompt says: at
    -50 dBFS one under language zh came back as "首先, Talking about this technique, we are
    talking about the ancient ...", and its log-probability passed."""
    if language not in CHINESE_LANGUAGES:
        return True
    return len(_CJK.findall(text)) >= len(_LATIN_WORD.findall(text))


class FunASRRecognizer:
    """Any local FunASR model directory (Paraformer, SenseVoice, Fun-ASR-Nano ...) via AutoModel."""

    def __init__(self, location: ModelLocation, device: DeviceChoice, threads: int = 0) -> None:
        with quiet_funasr_load():
            from funasr import AutoModel

        self.name = location.name
        self.device = device
        self.parallel = 1  # torch runs its own threads
        self.batches = True  # until the model says it cannot
        try:
            with quiet_funasr_load():
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

    def resolve_language(self, options: TranscribeOptions, sample: np.ndarray) -> tuple[str, float]:
        # Settled afterwards: from SenseVoice's language tags, or from the text for models with none.
        return options.language, 1.0 if options.language != AUTO else 0.0

    def _generate(self, audio: np.ndarray | list[np.ndarray], options: TranscribeOptions, language: str,
                  **extra) -> list[dict]:
        kwargs = {"hotword": " ".join(options.hotwords)} if options.hotwords else {}
        if language != AUTO:
            kwargs["language"] = language
        with quiet_funasr():
            return self.model.generate(input=audio, disable_pbar=True, **kwargs, **extra)

    def _one(self, audio: np.ndarray, options: TranscribeOptions, language: str) -> list[Segment]:
        return output_segments(self._generate(audio, options, language), len(audio) / SAMPLE_RATE)

    def recognize(
        self, audio: np.ndarray, options: TranscribeOptions, language: str, on_position: PositionCallback | None = None,
    ) -> list[Segment]:
        segments = self._one(audio, options, language)
        if on_position:
            on_position(len(audio) / SAMPLE_RATE)
        return segments

    def input_seconds(self, seconds: float, quiet: bool = False) -> float:
        return seconds

    def recognize_utterance(self, audio: np.ndarray, options: TranscribeOptions, *,
                            provisional: bool = False) -> list[Segment]:
        segments = self._one(audio, options, options.language)
        for segment in segments:
            segment.language = segment.language or (options.language if options.language != AUTO else None)
        return segments

    def recognize_windows(self, windows: list[np.ndarray], options: TranscribeOptions,
                          islands: list[list[Island]] | None = None, quiet: bool = False) -> list[Decoded]:
        return [Decoded(found, options.language, 0.0 if options.language == AUTO else 1.0, None if found else NO_TEXT)
                for found in self._batched(windows, options, options.language)]

    def recognize_again(self, window: np.ndarray, options: TranscribeOptions, failure: str) -> list[Segment]:
        return []  # a FunASR model decodes a segment the same way every time

    def _batched(self, windows: list[np.ndarray], options: TranscribeOptions, language: str) -> list[list[Segment]]:
        """One generate() over all the windows where the model decodes batches (Paraformer,
        SenseVoice); FunASR's models that cannot (its Whisper, CTC, transducer, LLM ones) say so with
        NotImplementedError, and this model then decodes one window at a time from then on."""
        if self.batches and len(windows) > 1:
            try:
                outputs = self._generate(list(windows), options, language, batch_size=len(windows))
            except NotImplementedError:
                self.batches = False
            else:
                if len(outputs) == len(windows):
                    return [output_segments([output], len(window) / SAMPLE_RATE)
                            for output, window in zip(outputs, windows)]
                self.batches = False
        return [self._one(window, options, language) for window in windows]


def language_from_text(text: str) -> str:
    """For backends that report none: Chinese when the text has CJK characters, else English."""
    return "zh" if _CJK.search(text) else "en"
