"""Cues a person can read (cues.py) and Chinese typesetting (typeset.py): pure functions, with
property tests for what every cue must keep."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.engine.cues import joined_clauses, line_limit, split_into_cues, wrap_lines
from transcripts.engine.result import Segment, Word
from transcripts.engine.typeset import punctuated_chinese, sentence_ends, typeset_chinese

_HAN = re.compile(r"[\u3400-\u9fff]")
# A Han character, or a run of letters and digits (3.5 and don't are one word)
_WORDS = re.compile(r"[\u3400-\u9fff]|[^\W\u3400-\u9fff]+(?:[.,'’-][^\W\u3400-\u9fff]+)*")


def _letters(text: str) -> str:
    return re.sub(r"\s+", "", text)


MEETING = ("好，首先说一下刚才这个经理说完的这个销售问题，咱再说一下咱们的商场问题。"
           "首先咱们商场上半年业这个先各部门儿汇报一下，就是业绩。")


def test_a_long_chinese_segment_becomes_sentence_sized_cues_of_two_short_lines():
    cues = split_into_cues(Segment(0.0, 12.4, MEETING, language="zh"), 7.0, 16)
    assert "".join(c.text for c in cues) == MEETING
    assert len(cues) >= 3
    assert all(c.end - c.start <= 7.0 for c in cues)
    assert all(len(wrap_lines(c.text, 16)) <= 2 and all(len(line) <= 16 for line in wrap_lines(c.text, 16))
               for c in cues)
    # Sentence ends are cut first: no cue runs on past a full stop
    assert all("。" not in c.text[:-1] for c in cues)


def test_cues_are_timed_from_words_when_the_segment_has_them():
    words = [Word(0.0, 0.4, " Hello,"), Word(0.5, 0.9, " world."), Word(3.0, 3.4, " This"),
             Word(3.5, 3.9, " is"), Word(4.0, 4.8, " fine.")]
    segment = Segment(0.0, 4.8, "Hello, world. This is fine.", language="en", words=words)
    cues = split_into_cues(segment, 2.5, 42)
    assert [c.text for c in cues] == ["Hello, world.", "This is fine."]
    assert (cues[0].start, cues[0].end, cues[1].start, cues[1].end) == (0.0, 0.9, 3.0, 4.8)
    assert [w.word for w in cues[1].words] == [" This", " is", " fine."]


def test_a_single_word_longer_than_a_cue_stays_whole():
    segment = Segment(0.0, 9.0, "Supercalifragilisticexpialidocious", language="en")
    assert split_into_cues(segment, 2.0, 10) == [segment]


def test_lines_break_after_punctuation_and_never_start_with_it():
    assert wrap_lines("首先说一下刚才这个经理说完了，这个销售问题，", 16) == ["首先说一下刚才这个经理说完了，", "这个销售问题，"]
    # but not at any price: a comma that leaves one line far longer loses to an even break
    assert wrap_lines("好的，首先说一下刚才这个经理说完了", 16) == ["好的，首先说一下", "刚才这个经理说完了"]
    assert wrap_lines("Permission is hereby granted, free of charge, to any person", 42) == [
        "Permission is hereby granted,", "free of charge, to any person"]
    for line in wrap_lines("甚至出现交易几乎停滞的情况，我有的时候说不清楚你们知道吗？", 16):
        assert line[0] not in "，。？！"


def test_line_length_follows_the_script_unless_set():
    assert (line_limit("zh"), line_limit("ja"), line_limit("en"), line_limit("de", 30)) == (16, 16, 42, 30)


text_pieces = st.lists(
    st.one_of(st.text(alphabet="甚至出现交易几乎停滞的情况我有时候说不清楚你们知道吗", min_size=1, max_size=12),
              st.sampled_from(["，", "。", "？", " ", "ComfyUI", "2025", "3.5", "「好」", "(ok)", "...", " the "])),
    min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(pieces=text_pieces, start=st.floats(0, 1000), length=st.floats(0, 60),
       max_seconds=st.floats(1, 30), max_chars=st.integers(8, 60))
def test_splitting_never_loses_duplicates_or_reorders_text(pieces, start, length, max_seconds, max_chars):
    text = "".join(pieces)
    segment = Segment(start, start + length, text, language="zh")
    cues = split_into_cues(segment, max_seconds, max_chars)
    assert _letters("".join(c.text for c in cues)) == _letters(text)
    assert cues[0].start == segment.start and cues[-1].end == segment.end
    for cue in cues:
        assert segment.start <= cue.start <= cue.end <= segment.end
        # too long only when it is one unit: a single character or word, nowhere to cut
        assert cue.end - cue.start <= max_seconds + 1e-6 or len(_WORDS.findall(cue.text)) <= 1, cue
    assert [c.start for c in cues] == sorted(c.start for c in cues)
    assert [c.end for c in cues] == sorted(c.end for c in cues)


@settings(max_examples=300, deadline=None)
@given(pieces=text_pieces, max_chars=st.integers(8, 60))
def test_wrapping_keeps_every_character_in_order(pieces, max_chars):
    text = "".join(pieces).strip()
    lines = wrap_lines(text, max_chars)
    assert _letters("".join(lines)) == _letters(text)
    # a line is too long only when it is a single word (with its punctuation)
    assert all(len(line) <= max_chars or len(_WORDS.findall(line)) <= 1 for line in lines), lines
    if len(text) <= max_chars:
        assert lines == [text]


def test_chinese_is_punctuated_in_full_width_without_spaces_between_characters():
    assert punctuated_chinese("首先 说一下 刚刚经理说完了 销售问题", True) == "首先，说一下，刚刚经理说完了，销售问题。"
    assert punctuated_chinese("好,昨天我们用了iPhone15和ComfyUI做测试,效果不错!", True) == (
        "好，昨天我们用了 iPhone15 和 ComfyUI 做测试，效果不错！")
    assert punctuated_chinese("你们知道吗", True) == "你们知道吗？"
    assert punctuated_chinese("刚才这个经理说完了", False) == "刚才这个经理说完了，"
    # digits stay joined to Chinese, as ITN writes them
    assert typeset_chinese("2025年的GDP增长了5%") == "2025年的 GDP 增长了5%"


def test_a_pause_ends_a_sentence_and_running_speech_a_clause():
    segments = [Segment(0.0, 2.0, "a"), Segment(2.0, 4.0, "b"), Segment(5.0, 6.0, "c"),
                Segment(5.5, 7.0, "d", channel="right")]
    assert sentence_ends(segments) == [False, True, True, True]


def test_short_clauses_of_one_sentence_join_into_one_cue_while_it_fits():
    cues = [Segment(0.0, 2.9, "首先说一下刚才这个经理说完了，", language="zh"),
            Segment(2.9, 3.9, "这个销售问题，", language="zh"),
            Segment(3.9, 6.2, "现在说一下咱们的商场问题。", language="zh"),
            Segment(6.3, 7.0, "好，", language="zh"),
            Segment(7.0, 7.5, "好。", language="zh", channel="right")]
    joined = joined_clauses(cues, 7.0, line_limit)
    assert [c.text for c in joined] == ["首先说一下刚才这个经理说完了，这个销售问题，", "现在说一下咱们的商场问题。",
                                        "好，", "好。"]
    assert (joined[0].start, joined[0].end) == (0.0, 3.9)
    # nothing joins past the cue length
    assert len(joined_clauses(cues, 3.0, line_limit)) == 5


def test_a_joined_cue_is_as_sure_as_its_least_sure_part():
    cues = [Segment(0.0, 1.0, "首先，", language="zh", avg_logprob=-0.2, no_speech_prob=0.1, compression_ratio=1.1,
                    temperature=0.0),
            Segment(1.0, 2.0, "说一下。", language="zh", avg_logprob=-0.7, no_speech_prob=0.05, compression_ratio=1.3,
                    temperature=0.4)]
    (joined,) = joined_clauses(cues, 7.0, line_limit)
    assert (joined.avg_logprob, joined.no_speech_prob, joined.compression_ratio, joined.temperature) == (
        -0.7, 0.1, 1.3, 0.4)
    cues[1].avg_logprob = None  # a part with no scores (a FunASR model's): the whole is unknown
    assert joined_clauses(cues, 7.0, line_limit)[0].avg_logprob is None
