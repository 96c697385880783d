"""Recognition options from a page form or an API request, with the team's hotword libraries."""
from __future__ import annotations

import re
from typing import Any

from django.conf import settings

from accounts.models import Team
from transcripts.engine import TranscribeOptions
from transcripts.engine.errors import UnknownModelError
from transcripts.engine.models import CATALOGUE
from transcripts.selectors import hotwords_for

_TERM_SEPARATORS = re.compile(r"[\n,，;；]")


def split_terms(text: str) -> list[str]:
    """Ad-hoc hotwords as typed: one per line, or separated by commas or semicolons."""
    return [t.strip() for t in _TERM_SEPARATORS.split(text or "") if t.strip()]


def requestable_models() -> list[str]:
    """Models a request may name: the catalogue and the configured default (which an operator
    may have set to a local directory). A request never names a path itself."""
    return list(dict.fromkeys([settings.ASR_MODEL, *CATALOGUE]))


def requested_model(name: str | None) -> str:
    if not name:
        return settings.ASR_MODEL
    if name not in requestable_models():
        raise UnknownModelError(f"Unknown model {name!r}. Choose one of: {', '.join(requestable_models())}.")
    return name


def options_from(data: dict[str, Any], team: Team) -> TranscribeOptions:
    """Options from validated form or serializer data; keys left out keep their defaults.

    Library ids of another team match nothing (hotwords_for is team-scoped).
    """
    hotwords = hotwords_for(team=team, library_ids=[int(i) for i in data.get("libraries") or ()],
                            extra=split_terms(data.get("hotwords", "")))
    chosen = {key: data[key] for key in ("language", "itn", "chinese_script", "word_timestamps", "split_channels",
                                         "vad") if data.get(key) is not None}
    return TranscribeOptions(model=requested_model(data.get("model")), hotwords=hotwords, **chosen)
