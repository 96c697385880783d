"""Languages as people know them: each in its own name (中文, English, 日本語), from CLDR via Babel."""
from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError
from django.utils.translation import gettext_lazy as _

from transcripts.engine.languages import AUTO, WHISPER_LANGUAGES

# Whisper's code for Javanese is not the ISO one CLDR uses.
_CLDR_CODES = {"jw": "jv"}
# First in the list: what this product's users speak most.
_FIRST = ("zh", "en", "yue", "ja", "ko")


@cache
def native_name(code: str) -> str:
    cldr = _CLDR_CODES.get(code, code)
    try:
        name = Locale.parse(cldr).get_display_name(cldr)
    except (ValueError, UnknownLocaleError):
        name = None
    return f"{name[:1].upper()}{name[1:]}" if name else code


def language_choices() -> list[tuple[str, str]]:
    """(code, name) for a language select: auto-detect, the common ones, the rest by name."""
    rest = sorted((code for code in WHISPER_LANGUAGES if code not in _FIRST), key=lambda c: native_name(c).lower())
    return [(AUTO, _("Auto-detect"))] + [(code, native_name(code)) for code in (*_FIRST, *rest)]
