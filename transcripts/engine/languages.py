"""Language codes the recognisers understand, and the scripts that need no spaces between words."""
from __future__ import annotations

from faster_whisper.tokenizer import _LANGUAGE_CODES

from transcripts.engine.errors import UnknownLanguageError

AUTO = "auto"

# Whisper's 99 codes (plus "yue"); FunASR models use the same ISO codes for zh/en/ja/ko/yue.
WHISPER_LANGUAGES: frozenset[str] = frozenset(_LANGUAGE_CODES)
# What a request may name as its language: auto, then every code (the pages show them by name).
LANGUAGE_CODES: tuple[str, ...] = (AUTO, *sorted(WHISPER_LANGUAGES))

# Written in Chinese characters: Chinese script conversion, punctuation and ITN apply.
CHINESE_LANGUAGES: frozenset[str] = frozenset({"zh", "yue"})
# Written without spaces between words: segments are joined with "" instead of " ".
UNSPACED_LANGUAGES: frozenset[str] = frozenset({"zh", "yue", "ja", "th", "lo", "my", "bo", "km"})

_ALIASES = {"zh-cn": "zh", "zh-hans": "zh", "zh-tw": "zh", "zh-hant": "zh", "cmn": "zh", "mandarin": "zh"}


def normalise_language(code: str | None) -> str:
    """`auto`, or a known language code; raises UnknownLanguageError otherwise."""
    if code is None or code.strip() == "":
        return AUTO
    value = code.strip().lower().replace("_", "-")
    value = _ALIASES.get(value, value)
    if value == AUTO or value in WHISPER_LANGUAGES:
        return value
    raise UnknownLanguageError(
        f"Unknown language {code!r}. Use 'auto' to detect it, or an ISO 639-1 code such as "
        "'zh', 'en', 'de' or 'ja'.", language=str(code)[:40]
    )


def join_texts(texts: list[str], language: str | None) -> str:
    parts = [t.strip() for t in texts if t and t.strip()]
    separator = "" if language in UNSPACED_LANGUAGES else " "
    return separator.join(parts)
