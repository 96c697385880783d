"""What a FunASR model's generate() returns, as segments.

Paraformer gives plain text with per-token times (and, with a punctuation model, per-sentence
`sentence_info`); SenseVoice gives rich text: `<|zh|><|NEUTRAL|><|Speech|><|woitn|>你好`, a
language, emotion, event and ITN tag before each part. The tags are read with FunASR's own
`rich_transcription_postprocess`; the language tag becomes the segment's language, and the
emotion and event emoji it writes in their place are left out: a transcript is the words said.
"""
from __future__ import annotations

import re
from typing import Any

from transcripts.engine.funasr_runtime import quiet_funasr_load
from transcripts.engine.languages import WHISPER_LANGUAGES
from transcripts.engine.result import Segment

_LANGUAGE_TAG = re.compile(r"<\|([a-z]{2,3})\|>")
_TAG = re.compile(r"<\|[^|]*\|>")


def _emoji() -> set[str]:
    with quiet_funasr_load():
        from funasr.utils.postprocess_utils import emo_set, event_set

    return emo_set | event_set | {"❓"}


def plain_text(raw: str) -> tuple[str, str | None]:
    """The words of one FunASR output text, and the language its first tag names (None without one)."""
    found = _LANGUAGE_TAG.search(raw)
    language = found.group(1) if found else None
    if language == "yue":  # Cantonese is written in Chinese characters; Whisper's codes call it zh
        language = "zh"
    if language not in WHISPER_LANGUAGES:
        language = None
    if not _TAG.search(raw):
        return raw.strip(), language
    with quiet_funasr_load():
        from funasr.utils.postprocess_utils import rich_transcription_postprocess

    text = rich_transcription_postprocess(raw)
    for mark in _emoji():
        text = text.replace(mark, "")
    return " ".join(text.split()), language


def output_segments(outputs: list[dict[str, Any]], duration: float) -> list[Segment]:
    """Segments from generate()'s outputs for one clip of `duration` seconds: one per sentence when
    the model timed its sentences, else one per output, timed by its first and last token."""
    segments = []
    for output in outputs:
        sentences = output.get("sentence_info") or []
        if sentences:
            parts = [(s.get("text", ""), s.get("start", 0) / 1000, s.get("end", 0) / 1000) for s in sentences]
        else:
            stamps = output.get("timestamp") or []
            parts = [(str(output.get("text", "")), stamps[0][0] / 1000 if stamps else 0.0,
                      stamps[-1][1] / 1000 if stamps else duration)]
        for raw, start, end in parts:
            text, language = plain_text(str(raw))
            if text:
                segments.append(Segment(start=min(start, duration), end=min(max(end, start), duration), text=text,
                                        language=language))
    return segments
