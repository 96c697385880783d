import pytest

from transcripts.engine.errors import InvalidOptionError, UnknownLanguageError
from transcripts.engine.languages import join_texts, normalise_language
from transcripts.engine.options import TranscribeOptions
from transcripts.engine.text import convert_chinese_script, parse_hotwords


def test_defaults_validate():
    options = TranscribeOptions().validated()
    assert options.language == "auto" and options.chinese_script == "simplified" and options.itn


@pytest.mark.parametrize("given, expected", [("ZH", "zh"), ("zh-CN", "zh"), ("", "auto"), (None, "auto"), ("en", "en")])
def test_language_codes_are_normalised(given, expected):
    assert normalise_language(given) == expected


def test_unknown_language_says_what_to_use():
    with pytest.raises(UnknownLanguageError, match="ISO 639-1"):
        TranscribeOptions(language="klingon").validated()


@pytest.mark.parametrize(
    "change",
    [{"beam_size": 0}, {"beam_size": 99}, {"chinese_script": "cyrillic"}, {"vad": "magic"},
     {"max_segment_ms": 60000}, {"model": " "}, {"hotwords": tuple(f"w{i}" for i in range(300))},
     {"max_cue_seconds": 0.5}, {"max_cue_seconds": 31}, {"max_cue_seconds": "7"}, {"max_cue_seconds": True},
     {"max_line_chars": 5}, {"max_line_chars": 101}, {"max_line_chars": 7.5}],
)
def test_invalid_options_are_rejected_before_work(change):
    with pytest.raises(InvalidOptionError):
        TranscribeOptions(**change).validated()


def test_hotwords_are_trimmed_and_deduplicated():
    assert TranscribeOptions(hotwords=(" ComfyUI ", "", "ComfyUI", "通义千问")).validated().hotwords == (
        "ComfyUI",
        "通义千问",
    )


def test_hotword_file_format():
    text = "# 客服术语\n退费流程 20\n工单编号\ncustomer success\t5\n\nComfyUI"
    assert parse_hotwords(text) == [("退费流程", 20), ("工单编号", 10), ("customer success", 5), ("ComfyUI", 10)]


def test_hotword_weight_out_of_range():
    with pytest.raises(InvalidOptionError, match="Line 1"):
        parse_hotwords("term 1000")


def test_chinese_script_conversion():
    assert convert_chinese_script("換一首歌", "simplified") == "换一首歌"
    assert convert_chinese_script("换一首歌", "traditional") == "換一首歌"
    assert convert_chinese_script("換一首歌", "keep") == "換一首歌"


def test_join_texts_spaces_by_language():
    assert join_texts(["你好", " 世界 "], "zh") == "你好世界"
    assert join_texts([" Hello", "world. "], "en") == "Hello world."


def test_errors_carry_their_details_for_pages_to_word(tmp_path):
    from transcripts.engine.errors import EngineError
    from transcripts.engine.pipeline import Engine, EngineConfig

    with pytest.raises(EngineError) as language:
        normalise_language("klingon")
    assert language.value.code == "unknown_language" and language.value.params == {"language": "klingon"}
    with pytest.raises(EngineError) as weight:
        parse_hotwords("好\n坏 500")
    assert weight.value.params == {"reason": "hotword_weight", "line": 2, "weight": 500}
    with pytest.raises(EngineError) as too_long:
        Engine(EngineConfig(cache_dir=tmp_path, max_duration_s=3600))._check_duration(2.5 * 3600)
    assert too_long.value.code == "audio_too_long" and too_long.value.params == {"hours": "2.5", "limit_hours": "1.0"}


def test_one_parser_reads_hotwords_typed_any_way_and_weights_set_their_order():
    from transcripts.engine.text import by_weight

    typed = "ComfyUI\n退费流程 20, 工单编号；通义千问 5\n# a comment, not terms\n退费流程 3"
    assert parse_hotwords(typed) == [("ComfyUI", 10), ("退费流程", 20), ("工单编号", 10), ("通义千问", 5)]
    assert by_weight(parse_hotwords(typed)) == ("退费流程", "ComfyUI", "工单编号", "通义千问")
    assert parse_hotwords("customer success 30") == [("customer success", 30)]
