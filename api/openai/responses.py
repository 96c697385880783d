"""A finished transcript in each of OpenAI's response formats."""
from __future__ import annotations

import math

from django.http import HttpResponse, JsonResponse

from transcripts.engine import TranscriptResult
from transcripts.engine.formats import CONTENT_TYPES, display_text, render, segment_text

RESPONSE_FORMATS = ("json", "text", "srt", "verbose_json", "vtt")


def _verbose(result: TranscriptResult, granularities: list[str], use_itn: bool) -> dict:
    body = {
        "task": "transcribe",
        "language": result.language,
        "duration": result.duration,
        "text": result.itn_text if use_itn and result.itn_text else result.text,
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


def transcription_response(result: TranscriptResult, response_format: str, granularities: list[str],
                           use_itn: bool, transcript_id: int) -> HttpResponse:
    """The body OpenAI would send; `X-Transcript-Id` names the stored transcript."""
    if response_format == "verbose_json":
        response = JsonResponse(_verbose(result, granularities, use_itn), json_dumps_params={"ensure_ascii": False})
    elif response_format == "json":
        text = result.itn_text if use_itn and result.itn_text else result.text
        response = JsonResponse({"text": text, "usage": {"type": "duration", "seconds": math.ceil(result.duration)}},
                                json_dumps_params={"ensure_ascii": False})
    else:
        fmt = "txt" if response_format == "text" else response_format
        response = HttpResponse(render(result, fmt, use_itn=use_itn), content_type=CONTENT_TYPES[fmt])
    response["X-Transcript-Id"] = str(transcript_id)
    return response
