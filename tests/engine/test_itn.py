import pytest

from transcripts.engine.itn import inverse_normalize


@pytest.fixture
def itn(tmp_path):
    return lambda text, language: inverse_normalize(text, language, cache_dir=tmp_path)


@pytest.mark.parametrize(
    "spoken, written",
    [
        ("二零二五年", "2025年"),
        ("百分之十八", "18%"),
        ("三月五号", "3月5号"),
        ("二零二五年三月五号下午三点半", "2025年3月5号下午3:30"),
        ("会议定在二零二五年三月五日晚上开", "会议定在2025年3月5日晚上开"),
        ("两点十五分", "2:15"),
        ("一百二十三个人", "123个人"),
    ],
)
def test_chinese_forms_a_reader_expects(itn, spoken, written):
    assert itn(spoken, "zh") == written


def test_chinese_money_keeps_the_amount(itn):
    assert itn("一千二百三十四点五六元", "zh") in {"1234.56元", "¥1234.56"}


def test_a_date_is_never_glued_to_a_time(itn):
    written = itn("二零二五年三月五号下午三点半", "zh")
    assert "/" not in written and "p.m." not in written
    assert written.startswith("2025年3月5号")


@pytest.mark.parametrize("plain", ["换一首歌", "我有的时候说不清楚你们知道吗", "第一名"])
def test_chinese_without_numbers_is_unchanged(itn, plain):
    assert itn(plain, "zh") == plain


@pytest.mark.parametrize(
    "spoken, written",
    [
        ("it costs fifty dollars", "it costs $50"),
        ("in nineteen ninety nine we had two thousand and twenty five people", "in 1999 we had 2025 people"),
        ("he came in first and she was twenty first", "he came in 1st and she was 21st"),
        ("one hundred and twenty three point five percent", "123.5 %"),
    ],
)
def test_english_numbers_ordinals_money_years(itn, spoken, written):
    assert itn(spoken, "en") == written


def test_english_words_that_are_not_numbers_stay(itn):
    text = "And so my fellow Americans, ask not what your country can do for you"
    assert itn(text, "en") == text


def test_other_languages_pass_through(itn):
    assert itn("zweihundert Leute", "de") == "zweihundert Leute"


def test_empty_text(itn):
    assert itn("", "zh") == ""
