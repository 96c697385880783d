"""Which module of the navigation a page belongs to, so the header can mark it."""
from __future__ import annotations

from django.http import HttpRequest

# url name → the navigation entry it sits under
_SECTIONS = {
    "recognize": "recognize", "transcript-detail": "history",
    "batch": "batch", "job-detail": "batch",
    "live": "live", "vad": "vad",
    "history": "history", "history-delete": "history",
    "settings": "settings",
    "hotwords": "hotwords", "hotword-new": "hotwords", "hotword-edit": "hotwords", "hotword-delete": "hotwords",
    "members": "members", "api-token": "api-token",
}


def current_section(request: HttpRequest) -> dict:
    match = getattr(request, "resolver_match", None)
    return {"nav_section": _SECTIONS.get(match.url_name if match else "", "")}
