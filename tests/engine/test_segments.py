import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.engine.segments import FRAME_MS, Span, drop_short, merge_close, pad, shape, split_long


@st.composite
def span_lists(draw):
    duration = draw(st.integers(1_000, 4 * 3600_000))
    points = sorted(draw(st.lists(st.integers(0, duration), max_size=60, unique=True)))
    spans = [Span(a, b) for a, b in zip(points[::2], points[1::2])]
    return duration, spans


@settings(max_examples=300, deadline=None)
@given(span_lists(), st.integers(1_000, 30_000), st.integers(0, 2_000), st.integers(0, 500), st.integers(0, 1_000),
       st.booleans())
def test_no_segment_is_longer_than_the_maximum(data, max_ms, gap_ms, pad_ms, min_ms, with_energy):
    duration, spans = data
    rng = np.random.default_rng(len(spans))
    energy = rng.random(duration // FRAME_MS + 1) if with_energy else None
    shaped = shape(spans, duration_ms=duration, min_speech_ms=min_ms, merge_gap_ms=gap_ms, pad_ms=pad_ms,
                   max_segment_ms=max_ms, frame_energy=energy)
    assert all(0 < s.duration_ms <= max_ms for s in shaped)
    assert all(0 <= s.start_ms and s.end_ms <= duration for s in shaped)
    assert all(a.end_ms <= b.start_ms for a, b in zip(shaped, shaped[1:]))  # ordered, no overlap
    # Every kept speech span lies inside the shaped segments: shaping never loses speech.
    for span in drop_short(spans, min_ms):
        covered = sum(max(0, min(s.end_ms, span.end_ms) - max(s.start_ms, span.start_ms)) for s in shaped)
        assert covered == span.duration_ms


def test_split_happens_at_the_quietest_point():
    energy = np.ones(4000)  # 40 s of frames
    energy[2210] = 0.0  # a pause at 22.1 s
    pieces = split_long([Span(0, 40_000)], 30_000, energy)
    assert pieces == [Span(0, 22_105), Span(22_105, 40_000)]


def test_split_without_energy_cuts_at_the_maximum():
    assert split_long([Span(0, 65_000)], 30_000, None) == [Span(0, 30_000), Span(30_000, 60_000), Span(60_000, 65_000)]


def test_merge_joins_close_neighbours_up_to_the_maximum():
    spans = [Span(0, 10_000), Span(10_300, 20_000), Span(20_400, 29_000), Span(29_100, 35_000), Span(40_000, 41_000)]
    assert merge_close(spans, 500, 30_000) == [Span(0, 29_000), Span(29_100, 35_000), Span(40_000, 41_000)]


def test_drop_short():
    assert drop_short([Span(0, 100), Span(200, 600)], 250) == [Span(200, 600)]


def test_pad_never_crosses_neighbours_or_the_file():
    assert pad([Span(100, 1000), Span(1100, 2000)], 300, 2100) == [Span(0, 1050), Span(1050, 2100)]


def test_padding_can_differ_before_and_after():
    assert pad([Span(1000, 2000)], 0, 5000, end_pad_ms=200) == [Span(1000, 2200)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3000), st.integers(1, 5000)), max_size=20), st.integers(0, 1000))
def test_padding_before_only_never_reaches_back_into_the_segment_before(gaps_and_lengths, lead_ms):
    spans, position = [], 0
    for gap, length in gaps_and_lengths:
        spans.append(Span(position + gap, position + gap + length))
        position = spans[-1].end_ms
    widened = pad(spans, lead_ms, position, end_pad_ms=0)  # the recogniser's lead-in
    assert [s.end_ms for s in widened] == [s.end_ms for s in spans]
    for index, (wide, span) in enumerate(zip(widened, spans)):
        low = spans[index - 1].end_ms if index else 0
        assert wide.start_ms == max(low, span.start_ms - lead_ms)
