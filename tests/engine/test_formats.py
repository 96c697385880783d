import csv
import io
import json
import re

import pytest

from transcripts.engine.errors import InvalidOptionError
from transcripts.engine.formats import RENDERERS, render, render_csv, render_tsv, spreadsheet_safe
from transcripts.engine.result import Segment, TranscriptResult, Word


@pytest.fixture
def result():
    segments = [
        Segment(0.0, 2.5, "二零二五年开会", "2025年开会", words=[Word(0.0, 1.0, "二零", 0.9)]),
        Segment(2.5, 3661.25, 'Quote "this", and a comma', 'Quote "this", and a comma'),
        Segment(3661.25, 3662.0, "第二行\n换行", "第二行\n换行", channel="right"),
    ]
    return TranscriptResult(
        text="x", itn_text="y", language="zh", language_probability=0.9, duration=3662.0,
        segments=segments, model="whisper-base", device="cpu", options={"language": "zh"}, processing_seconds=1.5,
    )


_CUE = re.compile(r"(\d\d):(\d\d):(\d\d)[,.](\d\d\d) --> (\d\d):(\d\d):(\d\d)[,.](\d\d\d)")


def _seconds(groups):
    h, m, s, ms = map(int, groups)
    return h * 3600 + m * 60 + s + ms / 1000


def _parse_cues(text: str, header: str = ""):
    body = text[len(header):] if header else text
    cues = []
    for block in body.strip().split("\n\n"):
        lines = block.split("\n")
        index = next(i for i, line in enumerate(lines) if _CUE.match(line))
        match = _CUE.match(lines[index])
        cues.append((_seconds(match.groups()[:4]), _seconds(match.groups()[4:]), "\n".join(lines[index + 1:])))
    return cues


def test_srt_parses_back_to_the_same_cues(result):
    cues = _parse_cues(render(result, "srt"))
    assert [(c[0], c[1]) for c in cues] == [(s.start, s.end) for s in result.segments]
    assert cues[0][2] == "2025年开会"  # subtitles show the normalised text
    assert cues[2][2] == "[right] 第二行\n换行"


def test_vtt_parses_back_to_the_same_cues(result):
    text = render(result, "vtt")
    assert text.startswith("WEBVTT\n\n")
    cues = _parse_cues(text, "WEBVTT\n\n")
    assert [(c[0], c[1]) for c in cues] == [(s.start, s.end) for s in result.segments]
    assert "01:01:01.250" in text


def test_csv_reads_back_with_the_csv_module_and_has_a_bom(result):
    text = render(result, "csv")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["text"] for r in rows] == [s.text for s in result.segments]
    assert [float(r["end"]) for r in rows] == [s.end for s in result.segments]
    assert rows[2]["channel"] == "right"


def test_tsv_reads_back(result):
    rows = list(csv.DictReader(io.StringIO(render(result, "tsv")), delimiter="\t"))
    assert rows[1]["text"] == 'Quote "this", and a comma'


def test_json_validates_and_round_trips(result):
    data = json.loads(render(result, "json"))
    assert set(data) >= {"text", "itn_text", "language", "segments", "duration", "model", "real_time_factor"}
    assert TranscriptResult.from_dict(data) == result


def test_txt_uses_itn_text_unless_asked_for_raw(result):
    assert render(result, "txt") == "y\n"
    assert render(result, "txt", use_itn=False) == "x\n"


def test_every_format_renders_an_empty_result():
    empty = TranscriptResult("", "", "en", 0.0, 1.0, [], "m", "cpu", {})
    for fmt in RENDERERS:
        assert isinstance(render(empty, fmt), str)


def test_unknown_format_is_a_user_error(result):
    with pytest.raises(InvalidOptionError, match="choose one of"):
        render(result, "docx")


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_and_tsv_cells_a_spreadsheet_would_run_are_quoted(cell):
    import csv
    import io

    result = TranscriptResult(cell, cell, "en", 1.0, 2.0, [Segment(0.0, 1.0, cell, itn_text=cell)], "m", "cpu", {})
    for text, delimiter in ((render_csv(result).lstrip("\ufeff"), ","), (render_tsv(result), "\t")):
        row = list(csv.reader(io.StringIO(text), delimiter=delimiter))[1]
        assert row[3] == row[4] and not row[3].startswith(("=", "+", "-", "@", "\t", "\r"))
        assert row[3].lstrip("'") == cell.strip()
    assert spreadsheet_safe("换一首歌") == "换一首歌" and spreadsheet_safe(1.5) == 1.5


def test_subtitle_lines_wrap_at_the_line_length_of_the_language(result):
    long_chinese = "好的，首先说一下刚才这个经理说完了这个销售问题"
    result.segments = [Segment(0.0, 6.0, long_chinese, long_chinese, language="zh"),
                       Segment(6.0, 12.0, "Permission is hereby granted, free of charge, to any person obtaining",
                               language="en")]
    cues = _parse_cues(render(result, "srt"))
    # two lines of at most 16 characters, broken between words (这个 | 经理), not inside one
    assert cues[0][2].split("\n") == ["好的，首先说一下刚才这个", "经理说完了这个销售问题"]
    assert cues[1][2].split("\n") == ["Permission is hereby granted,", "free of charge, to any person obtaining"]
    result.options = {"max_line_chars": 24}
    assert all(len(line) <= 24 for cue in _parse_cues(render(result, "vtt"), "WEBVTT\n\n") for line in cue[2].split("\n"))
