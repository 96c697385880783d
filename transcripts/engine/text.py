"""Text rules: Chinese script conversion and hotword lists."""
from __future__ import annotations

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


def parse_hotwords(text: str) -> list[tuple[str, int]]:
    """Hotwords from text, one per line, an optional integer weight after the last space or tab.

    `退费流程 20` → ("退费流程", 20); `ComfyUI` → ("ComfyUI", 10). Lines starting with # are
    comments. A term may contain spaces ("customer success"); only a trailing integer is a weight.
    """
    terms: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        term, weight = line, 10
        head, _, tail = line.replace("\t", " ").rpartition(" ")
        if head and tail.lstrip("-").isdigit():
            term, weight = head.strip(), int(tail)
            if not 1 <= weight <= 100:
                raise InvalidOptionError(f"Line {number}: hotword weight must be from 1 to 100, got {weight}.",
                                         reason="hotword_weight", line=number, weight=weight)
        if len(term) > 100:
            raise InvalidOptionError(f"Line {number}: a hotword must be at most 100 characters.",
                                     reason="hotword_length", line=number)
        terms[term] = weight
    return list(terms.items())
