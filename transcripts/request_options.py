"""Recognition options from a page form or an API request, over the team's defaults."""
from __future__ import annotations

from typing import Any

from django.conf import settings

from accounts.models import Team
from transcripts.engine import TranscribeOptions
from transcripts.engine.errors import UnknownModelError
from transcripts.engine.models import CATALOGUE
from transcripts.engine.options import SPEAKER_COUNT_FIELDS
from transcripts.recognition import model_catalogue
from transcripts.selectors import hotwords_for

# What a team can set as its defaults (settings page); requests may override each.
TEAM_DEFAULT_KEYS = ("language", "itn", "chinese_script", "libraries", "vad", "max_segment_ms", "max_cue_seconds",
                     "max_line_chars", "diarize", "model")
_OPTION_KEYS = ("language", "itn", "chinese_script", "word_timestamps", "split_channels", "vad", "max_segment_ms",
                "max_cue_seconds", "max_line_chars", "diarize", *SPEAKER_COUNT_FIELDS)


def requestable_models() -> list[str]:
    """Models a request may name: the configured default (which an operator may have set to a
    local directory), the catalogue, and the models in ASR_MODEL_DIRS that are ready to load. A
    request never names a path itself."""
    brought = [s.name for s in model_catalogue() if s.ready and s.name not in CATALOGUE]
    return list(dict.fromkeys([settings.ASR_MODEL, *CATALOGUE, *brought]))


def requested_model(name: str | None) -> str:
    if not name:
        return settings.ASR_MODEL
    if name not in requestable_models():
        raise UnknownModelError(f"Unknown model {name!r}. Choose one of: {', '.join(requestable_models())}.")
    return name


def team_defaults(team: Team) -> dict[str, Any]:
    """The team's saved defaults over the built-in ones."""
    options = TranscribeOptions(model=settings.ASR_MODEL)
    built_in = {key: getattr(options, key) for key in TEAM_DEFAULT_KEYS if key != "libraries"} | {"libraries": []}
    # a field left empty on the settings page keeps the built-in value
    saved = {k: v for k, v in (team.recognition_defaults or {}).items() if k in TEAM_DEFAULT_KEYS and v is not None}
    return {**built_in, **saved}


def options_from(data: dict[str, Any], team: Team) -> TranscribeOptions:
    """Options from validated form or serializer data over the team's defaults; a key left out
    (or None) keeps the team's value. Library ids of another team match nothing."""
    chosen = {**team_defaults(team), **{k: v for k, v in data.items() if v is not None}}
    hotwords = hotwords_for(team=team, library_ids=[int(i) for i in chosen.get("libraries") or ()],
                            extra=chosen.get("hotwords", ""))
    return TranscribeOptions(model=requested_model(chosen.get("model")), hotwords=hotwords,
                             **{key: chosen[key] for key in _OPTION_KEYS if key in chosen})


def form_initial(team: Team) -> dict[str, Any]:
    """The team's defaults as a page form's initial values."""
    defaults = team_defaults(team)
    return {**defaults, "libraries": [str(i) for i in defaults["libraries"]]}
