"""Whether a segment's first decoding covers it, how segments are batched, and what a segment
whose decoding fails becomes: text from its second decoding, or a reported drop."""
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.speech import MANDARIN, character_error_rate, realistic_recording
from transcripts.engine import TranscribeOptions
from transcripts.engine.asr import in_loops, segment_input_s, without_loops
from transcripts.engine.audio import decode_audio, wav_bytes
from transcripts.engine.coverage import HALLUCINATION, NO_TEXT, PARTLY_COVERED, uncovered
from transcripts.engine.pipeline import INPUT_SPREAD, SEGMENTS_SORTED, _batches
from transcripts.engine.result import Segment
from transcripts.engine.segments import Span
from transcripts.engine.text import convert_chinese_script


def _segment(start: float, end: float) -> Segment:
    return Segment(start=start, end=end, text="话")


def test_a_decoding_that_stopped_early_or_gave_nothing_is_not_covered():
    assert uncovered([], 3.0) == NO_TEXT
    assert uncovered([_segment(0.0, 3.0)], 8.0) == PARTLY_COVERED  # 5 s of 8 left behind
    assert uncovered([_segment(0.4, 3.0), _segment(3.0, 7.5)], 8.0) is None  # the VAD padding after the last word
    assert uncovered([_segment(0.3, 1.2)], 2.0) is None  # 0.8 s: a short segment's padding
    assert uncovered([_segment(0.0, 10.0)], 14.0) == PARTLY_COVERED  # 4 s: more than a fifth


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 30_000), max_size=80), st.integers(1, 6), st.integers(1, 3))
def test_every_segment_is_batched_once_with_segments_of_similar_input(lengths, size, workers):
    clips = [(Span(i * 40_000, i * 40_000 + length), np.zeros(length * 16, np.float32)) for i, length in enumerate(lengths)]
    batches = list(_batches(iter(clips), size, segment_input_s, workers=workers))
    assert sorted(span for batch in batches for span, _ in batch) == [span for span, _ in clips]
    for batch in batches:
        inputs = [segment_input_s(span.duration_ms / 1000) for span, _ in batch]
        assert max(inputs) <= INPUT_SPREAD * min(inputs)
        assert len(batch) == 1 or len(batch) * max(inputs) <= size * 30  # no more memory than size x 30 s
        assert len(batch) <= -(-min(SEGMENTS_SORTED, len(clips)) // workers)  # its share among the workers
    flat = [span for batch in batches for span, _ in batch]
    for start in range(0, len(clips), SEGMENTS_SORTED):  # sorted within each group, in recording order
        spans = flat[start:start + SEGMENTS_SORTED]
        assert sorted(spans) == [span for span, _ in clips[start:start + SEGMENTS_SORTED]]
        assert [s.duration_ms for s in spans] == sorted((s.duration_ms for s in spans), reverse=True)


def test_short_segments_are_batched_many_at_once_and_never_with_a_long_one():
    lengths_ms = [2000] * 10 + [12600, 2400] + [2000] * 11
    clips = [(Span(i * 40_000, i * 40_000 + length), np.zeros(length * 16, np.float32)) for i, length in enumerate(lengths_ms)]
    batches = [[span.duration_ms for span, _ in batch] for batch in _batches(iter(clips), 4, lambda s: s + 4)]
    # Longest first. 16.6 s is not within INPUT_SPREAD of 6.4 s; 6.4 s is of 6 s, and 18 inputs
    # padded to 6.4 s hold as much as 4 of 30 s.
    assert batches == [[12600], [2400] + [2000] * 17, [2000] * 4]


def _between_pauses(clip) -> tuple[np.ndarray, np.ndarray]:
    """A clip's samples, and the clip with a second of silence either side."""
    speech = decode_audio(clip.path).samples
    pause = np.zeros(16000, np.float32)
    return speech, np.concatenate([pause, speech, pause])


@contextmanager
def _decoding_restored(recognizer):
    """The recogniser's two decodings, given back as they were whatever a test puts in their place."""
    fast, again = recognizer.recognize_windows, recognizer.recognize_again
    try:
        yield fast, again
    finally:
        recognizer.recognize_windows, recognizer.recognize_again = fast, again


def test_the_few_segments_of_a_short_recording_are_spread_over_the_workers():
    minute = [(Span(i * 31_000, i * 31_000 + 29_000), np.zeros(29_000 * 16, np.float32)) for i in range(2)]
    assert [len(batch) for batch in _batches(iter(minute), 3, segment_input_s)] == [2]
    assert [len(batch) for batch in _batches(iter(minute), 3, segment_input_s, workers=2)] == [1, 1]


def test_a_decoding_that_stopped_early_keeps_its_text_and_only_the_rest_is_decoded_again(engine, clips):
    """The real model, its first decoding made to stop halfway through the 12 s meeting clip
    (Whisper times it in four pieces): the pieces it gave stay, only the audio after them is
    decoded again, and when that gives nothing, the rest is reported as dropped."""
    recognizer = engine.models.get("whisper-base")
    clip = clips[MANDARIN[3]]
    speech, audio = _between_pauses(clip)
    options = TranscribeOptions(language="zh")
    kept, asked = [], []
    with _decoding_restored(recognizer) as (fast, again):
        def stopped_halfway(windows, opts, islands=None, quiet=False):
            decoded = fast(windows, opts, islands, quiet)
            kept[:] = [d.segments[: len(d.segments) // 2] for d in decoded]
            return [replace(d, segments=first, failure=PARTLY_COVERED) for d, first in zip(decoded, kept)]

        def asked_again(window, opts, failure):
            asked.append((len(window) / 16000, failure))
            return again(window, opts, failure)

        recognizer.recognize_windows, recognizer.recognize_again = stopped_halfway, asked_again
        result = engine.transcribe(wav_bytes(audio), options)
        (first,) = kept  # one segment: the clip
        assert len(first) >= 1 and result.dropped == []
        reach = first[-1].end
        ((seconds, reason),) = asked
        assert reason == PARTLY_COVERED and seconds < len(audio) / 16000 - reach  # not the decoded part again
        assert character_error_rate([clip.text], [result.text]) <= 0.5
        recognizer.recognize_again = lambda window, opts, failure: []
        result = engine.transcribe(wav_bytes(audio), options)
        (first,) = kept
        # The kept text, and nothing else (however the cue rules cut it into segments)
        assert character_error_rate([convert_chinese_script("".join(s.text for s in first), "simplified")],
                                    [result.text]) == 0.0
        assert [d.reason for d in result.dropped] == [PARTLY_COVERED]
        assert abs(result.dropped[0].start - result.segments[-1].end) < 0.05
        assert result.dropped[0].end > 1.0 + len(speech) / 16000 - 0.5


def test_a_failed_first_decoding_is_decoded_again_and_reported_only_if_that_fails_too(engine, clips):
    """The real model, with its first decoding made to fail: the second decoding still finds the
    text; when that gives nothing as well, every segment is reported with the first reason."""
    recognizer = engine.models.get("whisper-base")
    clip = clips[MANDARIN[0]]
    speech, audio = _between_pauses(clip)
    options = TranscribeOptions(language="zh")
    with _decoding_restored(recognizer) as (fast, _):
        recognizer.recognize_windows = lambda windows, opts, islands=None, quiet=False: [
            replace(d, segments=[], failure=HALLUCINATION) for d in fast(windows, opts, islands, quiet)]
        result = engine.transcribe(wav_bytes(audio), options)
        assert character_error_rate([clip.text], [result.text]) <= 0.2 and result.dropped == []
        recognizer.recognize_again = lambda window, opts, failure: []
        result = engine.transcribe(wav_bytes(audio), options)
        assert result.text == "" and [d.reason for d in result.dropped] == [HALLUCINATION]
        assert result.dropped[0].start < 1.5 and result.dropped[0].end > 1.0 + len(speech) / 16000 - 0.5


def test_segments_decoded_together_give_the_text_each_gives_alone(engine, clips):
    """Segments decoded together are encoded padded to the longest: a longer silent tail may move
    a punctuation mark, not the words."""
    recognizer = engine.models.get("whisper-base")
    options = TranscribeOptions(language="zh")
    audios = [decode_audio(clips[name].path).samples for name in MANDARIN]
    together = recognizer.recognize_windows(audios, options)
    alone = [recognizer.recognize_windows([audio], options)[0] for audio in audios]
    for a, b in zip(together, alone):
        assert character_error_rate(["".join(s.text for s in b.segments)], ["".join(s.text for s in a.segments)]) <= 0.05
    for audio, decoded, name in zip(audios, together, MANDARIN):
        assert decoded.failure is None and decoded.language == "zh"
        assert all(0 <= s.start < s.end <= len(audio) / 16000 for s in decoded.segments)
        assert character_error_rate([clips[name].text], ["".join(s.text for s in decoded.segments)]) <= 0.5


def test_the_encoder_reads_a_long_segment_in_a_full_window_and_a_short_one_with_silence_after_it(engine):
    """Under noise Whisper loses more of a long segment the shorter the encoder's input
    (asr.segment_input_s has the figures): a segment of 12 s or more gets the full 30 s window,
    a shorter one 2.5 times its length and at least 4 s of silence, a batch the longest's. On a
    recording with a quiet background, every segment gets 4 s of silence and no more."""
    recognizer = engine.models.get("whisper-base")

    def encoded_seconds(*seconds: float, quiet: bool = False) -> float:
        audios = [np.zeros(int(s * 16000), np.float32) for s in seconds]
        fitted = recognizer._encode_fitted(audios, lambda s: segment_input_s(s, quiet))
        return fitted.shape[1] / 50  # 50 encoder frames a second

    assert 6.0 <= encoded_seconds(2.0) <= 7.0  # whole seconds, rounded up
    assert 15.0 <= encoded_seconds(6.0) <= 16.0
    assert encoded_seconds(12.0) == encoded_seconds(20.0) == encoded_seconds(30.0) == 30.0
    assert encoded_seconds(2.0, 6.0, 3.0) == encoded_seconds(6.0)
    assert 10.0 <= encoded_seconds(6.0, quiet=True) <= 11.0
    assert 16.0 <= encoded_seconds(12.0, quiet=True) <= 17.0
    assert encoded_seconds(28.0, quiet=True) == 30.0


def test_the_recording_s_background_decides_how_its_segments_are_read(engine, clips):
    """The same clips with pauses: under a noise floor of -60 or -80 dBFS (a quiet studio's) every
    segment is read stretched, with digital silence or a -100 dBFS floor (16-bit quantisation's)
    with 4 s after it (`asr.is_quiet`)."""
    recognizer = engine.models.get("whisper-base")
    mandarin = {name: (decode_audio(clips[name].path).samples, clips[name].text) for name in MANDARIN}
    read_quiet: list[bool] = []
    with _decoding_restored(recognizer) as (fast, _):
        def watched(windows, options, islands=None, quiet=False):
            read_quiet.append(quiet)
            return fast(windows, options, islands, quiet)

        recognizer.recognize_windows = watched
        for floor, quiet in ((-60, False), (-80, False), (None, True), (-100, True)):
            read_quiet.clear()
            recording = realistic_recording(mandarin, seed=1, noise_dbfs=floor, target_s=20)
            result = engine.transcribe(wav_bytes(recording.samples), TranscribeOptions(language="zh"))
            assert read_quiet and set(read_quiet) == {quiet}, floor
            assert character_error_rate([recording.reference], [result.text]) <= 0.5


def test_loops_are_found_and_collapsed_but_a_phrase_said_twice_is_kept():
    texts = ["好", "她的肩膀", "她的肩膀", "她的肩膀", "她的肩膀", "换一首歌", "换一首歌"]
    assert in_loops(texts) == {1, 2, 3, 4}
    segments = [Segment(start=float(i), end=i + 1.0, text=t) for i, t in enumerate(texts)]
    kept = without_loops(segments)
    assert [s.text for s in kept] == ["好", "她的肩膀", "换一首歌", "换一首歌"]
    assert (kept[1].start, kept[1].end) == (1.0, 5.0)
    two_loops = [Segment(start=float(i), end=i + 1.0, text=t) for i, t in enumerate("AAABBB")]
    assert [(s.text, s.start, s.end) for s in without_loops(two_loops)] == [("A", 0.0, 3.0), ("B", 3.0, 6.0)]
