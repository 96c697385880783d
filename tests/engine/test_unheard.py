"""Speech inside a segment that its text passed over: found by aligning the text's characters on
the audio, decoded on its own, and the segment's text timed around it."""
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pytest

from tests.speech import MANDARIN, character_error_rate, white_noise
from transcripts.engine import TranscribeOptions
from transcripts.engine.asr import MAX_INITIAL_TIMESTAMP_INDEX, _words_by_segment, segment_input_s
from transcripts.engine.audio import decode_audio, wav_bytes
from transcripts.engine.clips import array_chunks
from transcripts.engine.coverage import MIN_UNHEARD_S, UNHEARD, AlignedWord, around, unheard
from transcripts.engine.pipeline import cut_for_recognition, recognition_spans
from transcripts.engine.result import Segment
from transcripts.engine.segments import Span, islands
from transcripts.engine.vad import detect_speech


def test_islands_are_the_raw_speech_inside_a_span_in_seconds_from_its_start():
    raw = [Span(500, 1800), Span(2400, 4100), Span(9000, 9500)]
    assert islands(raw, Span(1000, 4000)) == [(0.0, 0.8), (1.4, 3.0)]
    assert islands(raw, Span(5000, 8000)) == []


def test_an_island_no_aligned_word_starts_in_is_unheard():
    both = [(0.6, 2.3), (2.9, 4.6)]
    assert unheard([0.0, 0.5, 1.2, 2.0], both) == [(2.9, 4.6)]
    assert unheard([0.6, 1.2, 2.75], both) == []  # a word may start a little before its sound
    assert unheard([0.6, 1.2], [(0.6, 2.3), (2.9, 2.9 + MIN_UNHEARD_S - 0.1)]) == []  # too short to be sure of
    assert unheard([], [(0.6, 2.3)]) == []  # one island: the text, whatever it is, is of it


def _piece(start: float, end: float, text: str) -> Segment:
    return Segment(start=start, end=end, text=text, language="zh")


def test_text_is_timed_around_what_it_passed_over():
    gap = [(2.9, 4.6)]
    # One piece timed over both islands, its words all before the gap: it ends where the gap starts.
    (only,) = around([_piece(0.0, 4.8, "我有的时候")], [[AlignedWord(0.1, "我"), AlignedWord(1.0, "时候")]], gap)
    assert (only.start, only.end, only.text) == (0.0, 2.9, "我有的时候")
    # Words on both sides: split there, each side its own words.
    words = [[AlignedWord(0.2, "你们"), AlignedWord(1.0, "知道"), AlignedWord(4.7, "然后"), AlignedWord(5.0, "呢")]]
    first, second = around([_piece(0.0, 6.0, "你们知道然后呢")], words, gap)
    assert (first.start, first.end, first.text) == (0.0, 2.9, "你们知道")
    assert (second.start, second.end, second.text) == (4.6, 6.0, "然后呢")
    # A piece after the gap starts where it ends; one elsewhere, or without words, is left alone.
    after, before, wordless = around([_piece(4.0, 6.0, "好"), _piece(0.0, 2.0, "对"), _piece(3.0, 4.0, "嗯")],
                                     [[AlignedWord(4.8, "好")], [AlignedWord(0.5, "对")], []], gap)
    assert (after.start, after.end) == (4.6, 6.0)
    assert (before.start, before.end) == (0.0, 2.0) and (wordless.start, wordless.end) == (3.0, 4.0)


def test_aligned_words_go_back_to_the_segment_of_their_first_token():
    words = [{"word": "好", "start": 0.0, "tokens": [1]}, {"word": "首先", "start": 0.3, "tokens": [2, 3]},
             {"word": "说", "start": 1.0, "tokens": [4]}, {"word": "。", "start": 1.2, "tokens": [5]}]
    by_segment = _words_by_segment(words, [3, 2])
    assert [[w.text for w in segment] for segment in by_segment] == [["好", "首先"], ["说", "。"]]


def _said_twice(clip, pause_s: float, noise_dbfs: float) -> np.ndarray:
    """The clip, `pause_s` of room tone, the clip again, under a noise floor."""
    speech = decode_audio(clip.path).samples
    tone = np.zeros(int(0.8 * 16000), np.float32)
    audio = np.concatenate([tone, speech, np.zeros(int(pause_s * 16000), np.float32), speech, tone])
    return (audio + white_noise(len(audio) / 16000 + 0.01, noise_dbfs, seed=3)[: len(audio)]).astype(np.float32)


def _the_one_segment(audio: np.ndarray, options: TranscribeOptions):
    """The one speech segment VAD makes of the sentence said twice: its span, its samples as the
    recogniser reads them, and the two stretches of speech inside it."""
    speech = detect_speech(audio, options.vad_options())
    ((span, samples),) = cut_for_recognition(array_chunks(audio), speech.segments, recognition_spans(speech))
    found = islands(speech.raw, span)
    assert len(found) == 2  # one segment, two stretches of speech in it
    return span, samples, found


@dataclass
class _Written:
    sequences_ids: list[list[int]]
    scores: list[float]
    no_speech_prob: float


@contextmanager
def _first_decoding_writes_it_once(recognizer, clip, until_s: float):
    """The recogniser's first decoding of the sentence said twice gives the text whisper-base
    writes for one saying, timed until `until_s` (over both sayings), as whisper-base writes the
    real recording on some CPUs (AMD EPYC without AVX-512, at -60 and -50 dBFS; with AVX-512 it
    writes both). Everything after it runs as it is: the alignment of that text on the audio, and
    the decoding of what it passed over."""
    speech = decode_audio(clip.path).samples
    tokenizer = recognizer._tokenizer("zh")
    prompt = recognizer.model.get_prompt(tokenizer, [], without_timestamps=False)
    generate = recognizer._generate
    (once,) = generate(recognizer._encode_fitted([speech], segment_input_s), [prompt], len(speech) / 16000,
                       beam_size=5, max_initial_timestamp_index=MAX_INITIAL_TIMESTAMP_INDEX)
    tokens = list(once.sequences_ids[0])
    last = max(i for i, token in enumerate(tokens) if token >= tokenizer.timestamp_begin)
    tokens[last] = tokenizer.timestamp_begin + round(until_s / 0.02)
    calls = []

    def written_once(encoded, prompts, seconds, **search):
        found = generate(encoded, prompts, seconds, **search)
        calls.append(seconds)
        if len(calls) > 1:  # decodings after the first are the model's own
            return found
        return [_Written([tokens], [once.scores[0]], result.no_speech_prob) for result in found]

    recognizer._generate = written_once
    try:
        yield
    finally:
        del recognizer._generate


@pytest.mark.slow
def test_a_sentence_said_twice_in_one_segment_comes_back_twice(engine, clips):
    """The real model, its first decoding writing a sentence said twice half a second apart once
    (whisper-base does on some CPUs, timed over both sayings): the second saying is found unheard
    by aligning that text on the audio, decoded on its own, and timed where it was said."""
    clip = clips[MANDARIN[2]]  # 我有的时候说不清楚你们知道吗
    audio = _said_twice(clip, 0.5, -60)
    options = TranscribeOptions(language="zh")
    span, samples, found = _the_one_segment(audio, options)
    recognizer = engine.models.get("whisper-base")
    twice = [clip.text + clip.text]
    with _first_decoding_writes_it_once(recognizer, clip, found[1][1]):
        (plain,) = recognizer.recognize_windows([samples], options)
    assert plain.failure is None and character_error_rate(twice, ["".join(s.text for s in plain.segments)]) >= 0.4
    assert plain.unheard == []  # not checked without the islands
    with _first_decoding_writes_it_once(recognizer, clip, found[1][1]):
        (checked,) = recognizer.recognize_windows([samples], options, [found])
    assert checked.unheard == [found[1]]
    assert all(s.end <= found[1][0] + 1e-6 for s in checked.segments)  # timed before what it passed over

    with _first_decoding_writes_it_once(recognizer, clip, found[1][1]):
        result = engine.transcribe(wav_bytes(audio), options)
    cer = character_error_rate(twice, [result.text])
    print(f"said twice: {result.text!r} CER {cer:.3f}")
    assert cer <= 0.2 and result.dropped == []  # measured 0.071 and 0.000
    second_saying = span.start_ms / 1000 + found[1][0]
    assert any(s.start >= second_saying - 0.4 and character_error_rate([clip.text], [s.text]) <= 0.3
               for s in result.segments)
    unforced = engine.transcribe(wav_bytes(audio), options)  # however this CPU's model writes it
    assert character_error_rate(twice, [unforced.text]) <= 0.2 and unforced.dropped == []


@pytest.mark.slow
def test_speech_left_out_that_gives_no_text_on_its_own_is_reported_dropped(engine, clips):
    """The same recording with the second decoding made to give nothing: the first saying keeps
    its text, and the second is listed as dropped, unheard, where it was said."""
    clip = clips[MANDARIN[2]]
    audio = _said_twice(clip, 0.5, -60)
    options = TranscribeOptions(language="zh")
    _, _, found = _the_one_segment(audio, options)
    recognizer = engine.models.get("whisper-base")
    again = recognizer.recognize_again
    asked = []

    def nothing(window, opts, failure):
        asked.append(failure)
        return []

    recognizer.recognize_again = nothing
    try:
        with _first_decoding_writes_it_once(recognizer, clip, found[1][1]):
            result = engine.transcribe(wav_bytes(audio), options)
    finally:
        recognizer.recognize_again = again
    assert asked == [UNHEARD]
    assert character_error_rate([clip.text], [result.text]) <= 0.3
    ((start, end, reason),) = [(d.start, d.end, d.reason) for d in result.dropped]
    said = len(decode_audio(clip.path).samples) / 16000
    second = 0.8 + said + 0.5  # where the second saying starts
    assert reason == UNHEARD and abs(start - second) < 0.5 and abs(end - (second + said)) < 0.5
    assert all(s.end <= start + 1e-6 for s in result.segments)
