"""Inverse text normalisation: spoken forms to written ones (二零二五年 → 2025年, twenty five → 25).

Chinese and English use WeTextProcessing's grammars. For Chinese we take the library's tagger and
verbaliser but write dates ourselves: its verbaliser prints 2025/03/05 and glues a following time
onto it (二零二五年三月五号下午三点半 → "2025/03/053:30p.m."); a Chinese reader expects
2025年3月5号下午3:30. Other languages pass through unchanged.
"""
from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

from transcripts.engine.languages import CHINESE_LANGUAGES

_NOON_WORDS = ("上午", "早上", "早晨", "中午", "下午", "晚上", "傍晚", "凌晨")
# An invisible separator after a noon word keeps it out of the time token, so 晚上 stays 晚上
# instead of becoming "p.m.". It is removed again after verbalisation.
_GUARD = "\u2063"
_NOON_TO_CHINESE = {"a.m.": "上午", "p.m.": "下午"}
_DAY_WITH_RI = re.compile(r"[零〇一二三四五六七八九十两]日")
_lock = threading.Lock()


def _quiet_wetext() -> None:
    # WeTextProcessing configures its own INFO logger on import; its chatter is not ours to show.
    logging.getLogger("wetext").setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _chinese():
    from itn.chinese.inverse_normalizer import InverseNormalizer

    _quiet_wetext()
    return InverseNormalizer()  # the FSTs bundled in the wheel


@lru_cache(maxsize=4)
def _english(cache_dir: str):
    from itn.english.inverse_normalizer import InverseNormalizer

    _quiet_wetext()
    # The wheel ships no compiled English grammar; the first call builds it (about a second)
    # into the cache directory and later processes read it from there.
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    return InverseNormalizer(cache_dir=cache_dir)


def _date_text(members: dict[str, str], day_suffix: str) -> str:
    year = members.get("year", "")
    text = year if year.endswith("年") else (f"{year}年" if year else "")
    if "month" in members:
        text += f"{int(members['month'])}月"
    if "day" in members:
        text += f"{int(members['day'])}{day_suffix}"
    return text


def _time_text(members: dict[str, str]) -> str:
    text = _NOON_TO_CHINESE.get(members.get("noon", ""), "")
    text += f"{members['hour']}:{members.get('minute', '00')}"
    if "second" in members:
        text += f":{members['second']}"
    return text


def _normalise_chinese(text: str) -> str:
    from tn.token_parser import TokenParser

    normaliser = _chinese()
    guarded = text
    for word in _NOON_WORDS:
        guarded = guarded.replace(word, word + _GUARD)
    day_suffix = "日" if _DAY_WITH_RI.search(text) and "号" not in text else "号"
    with _lock:  # pynini objects are not documented as thread-safe
        tagged = normaliser.tag(guarded)
        parser = TokenParser("itn")
        if tagged:
            parser.parse(tagged)
        tokens = parser.tokens if tagged else []
        pieces: list[str] = []
        pending: list[str] = []

        def flush() -> None:
            if pending:
                pieces.append(normaliser.verbalize(" ".join(pending)))
                pending.clear()

        for token in tokens:
            if token.name == "date":
                flush()
                pieces.append(_date_text(token.members, day_suffix))
            elif token.name == "time" and "hour" in token.members:
                flush()
                pieces.append(_time_text(token.members))
            else:
                pending.append(token.string(parser.orders))
        flush()
    return "".join(pieces).replace(_GUARD, "")


_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+(?=[.,!?;:])")


def _normalise_english(text: str, cache_dir: str) -> str:
    normaliser = _english(cache_dir)
    with _lock:
        written = normaliser.normalize(text)
    # The grammar writes "twenty five dollars." as "$25 ."
    return _SPACE_BEFORE_PUNCTUATION.sub("", written)


def inverse_normalize(text: str, language: str | None, *, cache_dir: str | Path) -> str:
    """The written form of `text`; unchanged for languages without a grammar."""
    if not text.strip():
        return text
    if language in CHINESE_LANGUAGES:
        return _normalise_chinese(text)
    if language == "en":
        return _normalise_english(text, str(Path(cache_dir) / "itn"))
    return text
