"""The /v1/ endpoints in our OpenAPI document (they are async Django views, not DRF ones, so
drf-spectacular cannot see them): a postprocessing hook adds them by hand."""
from __future__ import annotations

from api.openai.responses import RESPONSE_FORMATS
from transcripts.engine.options import CHINESE_SCRIPTS

_ERROR = {"description": "An error in OpenAI's shape.", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "object", "properties": {
        "message": {"type": "string"}, "type": {"type": "string"}, "param": {"type": "string", "nullable": True},
        "code": {"type": "string", "nullable": True}}}}}}}}

_FORM = {
    "type": "object",
    "required": ["file", "model"],
    "properties": {
        "file": {"type": "string", "format": "binary"},
        "model": {"type": "string", "description": "A name from GET /v1/models, or whisper-1 for the default."},
        "language": {"type": "string", "description": "ISO 639-1 code; detected when left out."},
        "prompt": {"type": "string", "description": "Accepted and not used; name terms in `hotwords`."},
        "response_format": {"type": "string", "enum": list(RESPONSE_FORMATS), "default": "json"},
        "temperature": {"type": "number", "minimum": 0, "maximum": 1},
        "timestamp_granularities[]": {"type": "array", "items": {"type": "string", "enum": ["word", "segment"]},
                                      "description": "Needs response_format=verbose_json."},
        "hotwords": {"type": "string", "description": "Extra: terms, one per line or comma-separated."},
        "hotword_library_ids": {"type": "array", "items": {"type": "integer", "minimum": 1},
                                "description": "Extra: ids of the team's hotword libraries."},
        "itn": {"type": "boolean", "default": True, "description": "Extra: inverse text normalisation."},
        "chinese_script": {"type": "string", "enum": list(CHINESE_SCRIPTS), "default": "simplified"},
        "split_channels": {"type": "boolean", "default": False, "description": "Extra: each channel separately."},
    },
}


_MODEL = {"type": "object", "properties": {
    "id": {"type": "string"}, "object": {"type": "string"}, "owned_by": {"type": "string"}}}
_MODEL_LIST = {"type": "object", "properties": {"object": {"type": "string"}, "data": {"type": "array", "items": _MODEL}}}


def add_openai_paths(result: dict, generator, request, public) -> dict:
    result.setdefault("components", {}).setdefault("securitySchemes", {})["bearerAuth"] = {
        "type": "http", "scheme": "bearer", "description": "An API token, as OpenAI clients send their key."}
    errors = {str(status): _ERROR for status in (400, 401, 403, 404, 413, 415, 429, 503, 504)}
    result["paths"]["/v1/audio/transcriptions"] = {"post": {
        "operationId": "v1_audio_transcriptions_create",
        "summary": "OpenAI-compatible transcription; the result is also stored as a transcript.",
        "tags": ["v1"],
        "security": [{"bearerAuth": []}],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _FORM}}},
        "responses": {"200": {"description": "json/verbose_json as JSON; text, srt and vtt as text.", "content": {
            "application/json": {"schema": {"type": "object", "properties": {"text": {"type": "string"}}}},
            "text/plain": {"schema": {"type": "string"}}}}, **errors},
    }}
    result["paths"]["/v1/models"] = {"get": {
        "operationId": "v1_models_list",
        "tags": ["v1"],
        "security": [{"bearerAuth": []}],
        "responses": {"200": {"description": "The models this server can use.",
                              "content": {"application/json": {"schema": _MODEL_LIST}}}, "401": _ERROR},
    }}
    return result
