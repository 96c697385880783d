"""Exporters: small writers chosen from a mapping (after whisper's get_writer())."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from transcripts.engine.cues import line_limit, wrap_lines
from transcripts.engine.errors import InvalidOptionError
from transcripts.engine.languages import join_texts
from transcripts.engine.result import Segment, TranscriptResult


def segment_text(segment: Segment, use_itn: bool) -> str:
    return (segment.itn_text if use_itn and segment.itn_text else segment.text).strip()


def display_text(segment: Segment, use_itn: bool, result: TranscriptResult | None = None) -> str:
    """A segment's text as exports show it: after its speaker's name ("张经理: ...") when speakers
    are known, else after its channel ("[left] ...") when channels were split."""
    if segment.speaker:
        name = result.speaker_name(segment.speaker) if result is not None else segment.speaker
        return f"{name}: {segment_text(segment, use_itn)}"
    return segment.labelled(segment_text(segment, use_itn))


def _timestamp(seconds: float, decimal: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{millis:03d}"


def render_txt(result: TranscriptResult, use_itn: bool = True) -> str:
    if result.speakers:
        return "".join(f"{result.speaker_name(speaker)}: {text}\n" for speaker, text in speaker_turns(result, use_itn))
    text = result.itn_text if use_itn and result.itn_text else result.text
    return text + "\n" if text else ""


def speaker_turns(result: TranscriptResult, use_itn: bool) -> list[tuple[str | None, str]]:
    """Consecutive cues of one speaker joined into turns: (speaker label, text)."""
    turns: list[tuple[str | None, list[Segment]]] = []
    for segment in result.segments:
        if turns and turns[-1][0] == segment.speaker:
            turns[-1][1].append(segment)
        else:
            turns.append((segment.speaker, [segment]))
    return [(speaker, join_texts([segment_text(s, use_itn) for s in segments], segments[0].language or result.language))
            for speaker, segments in turns]


def cue_lines(result: TranscriptResult, segment: Segment, use_itn: bool, *, voice: bool = False) -> str:
    """A segment's text as subtitle lines of the transcript's line length (see cues.py); with
    `voice`, the speaker goes into a WebVTT voice tag instead of the text."""
    limit = line_limit(segment.language or result.language, int(result.options.get("max_line_chars") or 0))
    if voice and segment.speaker:
        name = escape_vtt(result.speaker_name(segment.speaker))
        return f"<v {name}>" + "\n".join(wrap_lines(escape_vtt(segment_text(segment, use_itn)), limit))
    return "\n".join(wrap_lines(display_text(segment, use_itn, result), limit))


def escape_vtt(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_srt(result: TranscriptResult, use_itn: bool = True) -> str:
    cues = []
    for index, seg in enumerate(result.segments, start=1):
        times = f"{_timestamp(seg.start, ',')} --> {_timestamp(seg.end, ',')}"
        cues.append(f"{index}\n{times}\n{cue_lines(result, seg, use_itn)}\n")
    return "\n".join(cues)


def render_vtt(result: TranscriptResult, use_itn: bool = True) -> str:
    cues = [
        f"{_timestamp(seg.start, '.')} --> {_timestamp(seg.end, '.')}\n{cue_lines(result, seg, use_itn, voice=True)}\n"
        for seg in result.segments
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def render_json(result: TranscriptResult, use_itn: bool = True) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell that Excel would run as a formula, quoted with a leading apostrophe (OWASP's
    rule); anything else unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _rows(result: TranscriptResult) -> list[list[str]]:
    return [
        [f"{seg.start:.3f}", f"{seg.end:.3f}", seg.channel or "", spreadsheet_safe(seg.text.strip()),
         spreadsheet_safe(seg.itn_text.strip()), spreadsheet_safe(result.speaker_name(seg.speaker))]
        for seg in result.segments
    ]


# speaker last: files read by column position before diarisation existed still read the same
_COLUMNS = ["start", "end", "channel", "text", "itn_text", "speaker"]


def render_csv(result: TranscriptResult, use_itn: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_COLUMNS)
    writer.writerows(_rows(result))
    # The byte-order mark makes Excel read the file as UTF-8, so Chinese shows correctly.
    return "\ufeff" + buffer.getvalue()


def render_tsv(result: TranscriptResult, use_itn: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(_COLUMNS)
    writer.writerows(_rows(result))
    return buffer.getvalue()


def render_rttm(result: TranscriptResult, use_itn: bool = True) -> str:
    """Who spoke when in NIST's RTTM, the format diarisation is scored in: one SPEAKER line per
    cue with a speaker (file id "audio"; names have their spaces replaced, RTTM splits on them)."""
    lines = []
    for seg in result.segments:
        if seg.speaker and seg.end > seg.start:
            name = "_".join(result.speaker_name(seg.speaker).split()) or seg.speaker
            lines.append(f"SPEAKER audio 1 {seg.start:.3f} {seg.end - seg.start:.3f} <NA> <NA> {name} <NA> <NA>")
    return "".join(line + "\n" for line in lines)


Renderer = Callable[[TranscriptResult, bool], str]

RENDERERS: dict[str, Renderer] = {
    "txt": render_txt,
    "srt": render_srt,
    "vtt": render_vtt,
    "json": render_json,
    "csv": render_csv,
    "tsv": render_tsv,
    "rttm": render_rttm,
}

CONTENT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "rttm": "text/plain; charset=utf-8",
}


def render(result: TranscriptResult, fmt: str, *, use_itn: bool = True) -> str:
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise InvalidOptionError(
            f"Unknown format {fmt!r}; choose one of {', '.join(RENDERERS)}."
        ) from None
    return renderer(result, use_itn)


def speech_rows(segments) -> list[dict]:
    """VAD spans as the rows every VAD output carries: start_ms, end_ms, duration_ms."""
    return [{"start_ms": s.start_ms, "end_ms": s.end_ms, "duration_ms": s.duration_ms} for s in segments]


def render_speech_segments(segments, *, fmt: str, duration_ms: int, options: dict) -> str:
    """VAD output (spans with start_ms/end_ms) as CSV (UTF-8 BOM) or JSON, with the options used."""
    rows = speech_rows(segments)
    if fmt == "json":
        return json.dumps({"duration_ms": duration_ms, "options": options, "segments": rows}, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["start_ms", "end_ms", "duration_ms"])
        writer.writeheader()
        writer.writerows(rows)
        return "\ufeff" + buffer.getvalue()
    raise InvalidOptionError(f"Unknown VAD format {fmt!r}; choose csv or json.")
