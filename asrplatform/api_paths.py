"""Which API a request path is to: OpenAI's protocol under /v1/, DRF's under /api/. The answers
made outside the API views (the body limit's 413, the early 401, 404s and 500s) take that API's
shape, and an API answer's default language is English (`api_language`)."""
from __future__ import annotations

OPENAI_PREFIX = "/v1/"
REST_PREFIX = "/api/"


def is_openai(path: str) -> bool:
    return path.startswith(OPENAI_PREFIX)


def is_api(path: str) -> bool:
    """Either API: /v1/ or /api/."""
    return path.startswith((OPENAI_PREFIX, REST_PREFIX))
