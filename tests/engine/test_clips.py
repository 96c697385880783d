import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.engine.clips import array_chunks, iter_clips, without_digital_silence
from transcripts.engine.segments import Span


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 20_000), st.lists(st.integers(0, 20_000), max_size=20, unique=True), st.integers(1, 9000))
def test_clips_are_exactly_the_spans_audio(duration_ms, points, chunk_ms):
    samples = np.arange(duration_ms * 16, dtype=np.float32)
    points = sorted(p for p in points if p <= duration_ms)
    spans = [Span(a, b) for a, b in zip(points[::2], points[1::2])]
    chunks = array_chunks(samples, seconds=chunk_ms / 1000)
    clips = list(iter_clips(chunks, spans))
    assert [span for span, _ in clips] == spans
    for span, clip in clips:
        assert np.array_equal(clip, samples[span.start_ms * 16:span.end_ms * 16])


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 5000), st.integers(3, 5000), st.integers(0, 5000), st.integers(0, 60_000))
def test_digital_silence_is_trimmed_and_the_span_follows(leading, sounding, trailing, start_ms):
    body = np.random.default_rng(sounding).uniform(0.01, 0.5, sounding).astype(np.float32)
    body[len(body) // 2] = 0.0  # a zero inside speech is kept
    samples = np.concatenate([np.zeros(leading, np.float32), body, np.zeros(trailing, np.float32)])
    span = Span(start_ms, start_ms + -(-len(samples) // 16))
    (trimmed, clip), = without_digital_silence([(span, samples)])
    assert np.array_equal(clip, body)
    assert trimmed.start_ms == start_ms + leading // 16  # within a millisecond of the first sound
    assert start_ms + (leading + sounding) / 16 <= trimmed.end_ms < start_ms + (leading + sounding) / 16 + 1
    assert span.start_ms <= trimmed.start_ms <= trimmed.end_ms <= span.end_ms


def test_a_clip_of_nothing_but_zeros_is_dropped():
    clips = [(Span(0, 100), np.zeros(1600, np.float32)), (Span(200, 300), np.ones(1600, np.float32))]
    assert [span for span, _ in without_digital_silence(clips)] == [Span(200, 300)]
