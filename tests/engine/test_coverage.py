"""Which packed-window member each decoded piece belongs to, and which members are decoded again."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.engine.asr import in_loops, without_loops
from transcripts.engine.coverage import HALLUCINATION, NO_TEXT, PARTLY_COVERED, SHARED_TEXT, Piece, attribute
from transcripts.engine.packing import pack
from transcripts.engine.result import Segment
from transcripts.engine.segments import Span


def _window(*seconds: float):
    """One window of members lasting `seconds` each, 10 s apart on the recording."""
    clips = [(Span(i * 10_000, i * 10_000 + int(s * 1000)), np.ones(int(s * 16000), np.float32)) for i, s in enumerate(seconds)]
    (window,) = pack(clips, max_ms=60_000)  # one window, whatever the lengths
    return window


def _piece(start: float, end: float, text: str = "话", rejected: str | None = None) -> Piece:
    return Piece(Segment(start=start, end=end, text=text), rejected)


def test_each_piece_goes_to_the_member_it_overlaps_with_member_relative_times():
    window = _window(3.0, 2.0)  # members at 0-3 and 3.3-5.3 inside the window
    result = attribute(window, [_piece(0.0, 3.1, "甲"), _piece(3.2, 5.3, "乙")])
    assert result.redo == {}
    assert [[s.text for s in member] for member in result.segments] == [["甲"], ["乙"]]
    assert (result.segments[1][0].start, result.segments[1][0].end) == (0.0, 2.0)  # clipped to the member


def test_decoding_that_stopped_early_leaves_the_rest_to_be_decoded_again():
    window = _window(3.0, 2.0, 4.0)
    result = attribute(window, [_piece(0.0, 3.0)])
    assert result.redo == {1: NO_TEXT, 2: NO_TEXT}
    assert result.segments[1] == result.segments[2] == []


def test_text_timed_across_two_utterances_is_given_to_neither():
    window = _window(3.7, 3.7)  # a sentence Whisper timed 0-7.5 s, over both members
    result = attribute(window, [_piece(0.0, 7.5)])
    assert result.redo == {0: SHARED_TEXT, 1: SHARED_TEXT}


def test_a_rejected_piece_sends_its_members_back_and_partial_text_is_not_kept():
    window = _window(3.0, 8.0)
    result = attribute(window, [_piece(0.0, 3.0, rejected=HALLUCINATION), _piece(3.3, 9.0, "半句")])
    assert result.redo == {0: HALLUCINATION, 1: PARTLY_COVERED}  # 5.7 of 8 s covered: 2.3 s lost
    assert result.segments == [[], []]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.5, 6.0), min_size=1, max_size=5), st.data())
def test_every_member_is_either_covered_or_sent_back(lengths, data):
    window = _window(*lengths)
    pieces = []
    for member in window.members:
        if data.draw(st.booleans()):
            pieces.append(_piece(member.offset, member.end, f"m{member.offset:.1f}"))
    result = attribute(window, pieces)
    for index, member in enumerate(window.members):
        covered = [s for s in result.segments[index]]
        assert bool(covered) != (index in result.redo)
        assert all(0 <= s.start <= s.end <= member.seconds for s in covered)
    kept = [s.text for member in result.segments for s in member]
    assert kept == [p.segment.text for p in pieces]  # nothing lost, duplicated or reordered


def test_loops_are_found_and_collapsed_but_a_phrase_said_twice_is_kept():
    texts = ["好", "她的肩膀", "她的肩膀", "她的肩膀", "她的肩膀", "换一首歌", "换一首歌"]
    assert in_loops(texts) == {1, 2, 3, 4}
    segments = [Segment(start=float(i), end=i + 1.0, text=t) for i, t in enumerate(texts)]
    kept = without_loops(segments)
    assert [s.text for s in kept] == ["好", "她的肩膀", "换一首歌", "换一首歌"]
    assert (kept[1].start, kept[1].end) == (1.0, 5.0)
    two_loops = [Segment(start=float(i), end=i + 1.0, text=t) for i, t in enumerate("AAABBB")]
    assert [(s.text, s.start, s.end) for s in without_loops(two_loops)] == [("A", 0.0, 3.0), ("B", 3.0, 6.0)]
