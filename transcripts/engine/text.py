"""Text rules: Chinese script conversion and hotword lists."""
from __future__ import annotations

import re
import threading
from functools import lru_cache

from transcripts.engine.errors import InvalidOptionError

_lock = threading.Lock()


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def convert_chinese_script(text: str, script: str) -> str:
    """Simplified (t2s) or traditional (s2t) Chinese via OpenCC; `keep` leaves it alone."""
    if script == "keep" or not text:
        return text
    config = {"simplified": "t2s", "traditional": "s2t"}[script]
    with _lock:
        return _converter(config).convert(text)


DEFAULT_WEIGHT = 10
_TERM_SEPARATORS = re.compile(r"[,，;；]")


def parse_hotwords(text: str) -> list[tuple[str, int]]:
    """Hotwords from text: one per line (or several on a line, separated by commas or semicolons),
    each with an optional integer weight after its last space or tab. The one parser of hotwords:
    libraries, the upload pages' textarea, the API and live sessions all read terms with it.

    `退费流程 20` → ("退费流程", 20); `ComfyUI` → ("ComfyUI", 10). Lines starting with # are
    comments. A term may contain spaces ("customer success"); only a trailing integer is a weight.
    A term given twice keeps its higher weight.
    """
    terms: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.strip().startswith("#"):
            continue
        for piece in _TERM_SEPARATORS.split(raw):
            term, weight = _term(piece, number)
            if term:
                terms[term] = max(weight, terms.get(term, 0))
    return list(terms.items())


def by_weight(weighted: list[tuple[str, int]]) -> tuple[str, ...]:
    """Terms heaviest first (ties in the order given). Weights are priorities: decoders read the
    hotwords from the front, and Whisper keeps only the first ~220 tokens of them."""
    order = sorted(range(len(weighted)), key=lambda i: -weighted[i][1])
    return tuple(dict.fromkeys(weighted[i][0] for i in order))


def _term(piece: str, number: int) -> tuple[str, int]:
    """One term and its weight ("" for an empty piece); raises for a bad weight or a long term."""
    term, weight = piece.strip(), DEFAULT_WEIGHT
    head, _, tail = term.replace("\t", " ").rpartition(" ")
    if head and tail.lstrip("-").isdigit():
        term, weight = head.strip(), int(tail)
        if not 1 <= weight <= 100:
            raise InvalidOptionError(f"Line {number}: hotword weight must be from 1 to 100, got {weight}.",
                                     reason="hotword_weight", line=number, weight=weight)
    if len(term) > 100:
        raise InvalidOptionError(f"Line {number}: a hotword must be at most 100 characters.",
                                 reason="hotword_length", line=number)
    return term, weight
