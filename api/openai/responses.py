"""A finished transcript in each of OpenAI's response formats."""
from __future__ import annotations

import json
import math

from django.http import HttpResponse, JsonResponse

from transcripts.engine import TranscriptResult
from transcripts.engine.formats import CONTENT_TYPES, display_text, render, segment_text

RESPONSE_FORMATS = ("json", "text", "srt", "verbose_json", "vtt")
# The formats OpenAI streams (the text); the others are documents, sent whole.
STREAMED_FORMATS = ("json", "text")


def _text(result: TranscriptResult, use_itn: bool) -> str:
    return result.itn_text if use_itn and result.itn_text else result.text


def _verbose(result: TranscriptResult, granularities: list[str], use_itn: bool) -> dict:
    body = {
        "task": "transcribe",
        "language": result.language,
        "duration": result.duration,
        "text": _text(result, use_itn),
    }
    if "segment" in granularities:
        body["segments"] = [
            {"id": i, "seek": 0, "start": s.start, "end": s.end,
             # the speaker has its own field; a channel label stays in the text, as before
             "text": segment_text(s, use_itn) if s.speaker else display_text(s, use_itn), "tokens": [],
             **s.scores(),  # None (null) where the model gives none, or for text stored before they were kept
             **({"speaker": result.speaker_name(s.speaker)} if s.speaker else {})}
            for i, s in enumerate(result.segments)
        ]
    if "word" in granularities:
        body["words"] = [{"word": w.word.strip(), "start": w.start, "end": w.end}
                         for s in result.segments for w in s.words]
    return body


def _events(text: str) -> str:
    """OpenAI's transcription stream: the text as one delta, then done. The engine decodes a
    recording's segments several at once and out of order, and punctuates and normalises them
    together, so the text is final only at the end: the events carry it then, for clients written
    for a streaming model."""
    events = [{"type": "transcript.text.delta", "delta": text}, {"type": "transcript.text.done", "text": text}]
    return "".join(f"data: {json.dumps(event, ensure_ascii=False)}\n\n" for event in events)


def transcription_response(result: TranscriptResult, response_format: str, granularities: list[str],
                           use_itn: bool, transcript_id: int, stream: bool = False) -> HttpResponse:
    """The body OpenAI would send; `X-Transcript-Id` names the stored transcript."""
    if stream:
        response = HttpResponse(_events(_text(result, use_itn)), content_type="text/event-stream; charset=utf-8")
        response["Cache-Control"] = "no-cache"
    elif response_format == "verbose_json":
        response = JsonResponse(_verbose(result, granularities, use_itn), json_dumps_params={"ensure_ascii": False})
    elif response_format == "json":
        usage = {"type": "duration", "seconds": math.ceil(result.duration)}
        response = JsonResponse({"text": _text(result, use_itn), "usage": usage}, json_dumps_params={"ensure_ascii": False})
    else:
        fmt = "txt" if response_format == "text" else response_format
        response = HttpResponse(render(result, fmt, use_itn=use_itn), content_type=CONTENT_TYPES[fmt])
    response["X-Transcript-Id"] = str(transcript_id)
    return response
