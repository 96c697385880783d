"""Cues a person can read: segments split into sentence-sized cues, and cue text wrapped into lines.

The conventions of professional subtitling (Netflix's timed-text style guides, the BBC's subtitle
guidelines): a cue lasts at most `max_cue_seconds` and fits in two lines of `max_line_chars`
characters (16 for Chinese, Japanese and Korean, 42 otherwise). A segment is cut at its sentence
ends first; a cue that is still too long is cut where the text pauses, by preference at a silence
between words, then at a comma, then between words, then between characters, near its middle.
Cues shorter than MIN_CUE_SECONDS join a neighbour when the two fit together. A line never starts
with closing punctuation nor ends with opening punctuation.

Cue times come from word timestamps when the segment has them, otherwise from the characters'
share of the segment's time (speech runs at a roughly even pace of characters).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate

from transcripts.engine.languages import join_texts
from transcripts.engine.result import Segment, Word, least_sure

DEFAULT_MAX_CUE_SECONDS = 7.0
MAX_LINES = 2
# A cue shorter than this flashes past; it joins a neighbour when both fit in one cue.
MIN_CUE_SECONDS = 1.0
# A silence this long between two words is a place to cut (word timestamps only).
PAUSE_SECONDS = 0.3
_NARROW_SCRIPT_LANGUAGES = frozenset({"zh", "yue", "ja", "ko"})
NARROW_LINE_CHARS, WIDE_LINE_CHARS = 16, 42

# How good a place to cut is the end of a unit, weakest first.
CHAR, WORD, CLAUSE, PAUSE, SENTENCE = range(5)
_SENTENCE_MARKS = set("。！？!?…")
_CLAUSE_MARKS = set("，、；：,;:—")
_OPENING = set("([{“‘「『（《〈【\"'")


def line_limit(language: str | None, max_line_chars: int = 0) -> int:
    """Characters per line: `max_line_chars`, or (0) the convention for the language's script."""
    if max_line_chars:
        return max_line_chars
    return NARROW_LINE_CHARS if language in _NARROW_SCRIPT_LANGUAGES else WIDE_LINE_CHARS


def _is_wide(char: str) -> bool:
    """Han and kana: each character is a unit of its own (no spaces between words)."""
    code = ord(char)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


@dataclass
class _Unit:
    """A Han or kana character, or a run of letters and digits, with the punctuation and spaces
    around it: the units partition the text exactly."""

    text: str
    wide: bool
    letters: int  # alphanumeric characters: what lines up with the words' text

    def strength(self) -> int:
        tail = self.text.rstrip()
        if tail and (tail[-1] in _SENTENCE_MARKS or (tail[-1] == "." and tail != self.text)):
            return SENTENCE
        if tail and tail[-1] in _CLAUSE_MARKS:
            return CLAUSE
        return WORD if (tail != self.text or not self.wide) else CHAR


def _units(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    lead = ""  # spaces and opening punctuation go with the unit that follows them
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace() or char in _OPENING:
            if units and char.isspace() and not lead:
                units[-1].text += char
            else:
                lead += char
            index += 1
        elif _is_wide(char) or char.isalnum():
            end = index + 1
            if not _is_wide(char):
                while end < len(text) and (_in_word(text, end)):
                    end += 1
            letters = sum(c.isalnum() for c in text[index:end])
            units.append(_Unit(lead + text[index:end], _is_wide(char), letters))
            lead = ""
            index = end
        else:  # closing punctuation and symbols stay with what they close
            if units and not lead:
                units[-1].text += char
            else:
                lead += char
            index += 1
    if lead:
        if units:
            units[-1].text += lead
        else:
            units.append(_Unit(lead, False, 0))
    return units


def _in_word(text: str, index: int) -> bool:
    char = text[index]
    if char.isalnum() and not _is_wide(char):
        return True
    # 3.5, 3,000, don't, e-mail: a mark between two letters or digits stays inside the word
    following = text[index + 1] if index + 1 < len(text) else ""
    return char in ".,'’-" and following.isalnum() and not _is_wide(following)


def _display(units: list[_Unit]) -> str:
    return "".join(unit.text for unit in units).strip()


def _letter_times(segment: Segment, letters: int) -> list[tuple[float, float]]:
    """(start, end) of each alphanumeric character: from its word when the words spell the same
    letters as the text, else an even share of the segment."""
    span = max(segment.end - segment.start, 0.0)
    from_words = []
    for word in segment.words:
        count = sum(c.isalnum() for c in word.word)
        step = (word.end - word.start) / count if count else 0.0
        from_words += [(word.start + step * k, word.start + step * (k + 1)) for k in range(count)]
    if segment.words and len(from_words) == letters:
        return [(_clamp(a, segment), _clamp(b, segment)) for a, b in from_words]
    step = span / letters if letters else 0.0
    return [(segment.start + step * k, segment.start + step * (k + 1)) for k in range(letters)]


def _clamp(value: float, segment: Segment) -> float:
    return min(max(value, segment.start), segment.end)


@dataclass
class _Layout:
    """A segment's units with their times and the strength of each place to cut."""

    segment: Segment
    units: list[_Unit]
    starts: list[float]
    ends: list[float]
    strengths: list[int]  # strengths[i]: cutting after units[i]
    max_seconds: float
    max_chars: int

    @classmethod
    def of(cls, segment: Segment, max_seconds: float, max_chars: int) -> _Layout:
        units = _units(segment.text)
        times = _letter_times(segment, sum(u.letters for u in units))
        starts, ends, position, last_end = [], [], 0, segment.start
        for unit in units:
            if unit.letters:
                start, last_end = times[position][0], times[position + unit.letters - 1][1]
                position += unit.letters
            else:
                start = last_end
            # never earlier than the unit before: overlapping word times must not reorder cues
            starts.append(max(start, starts[-1] if starts else segment.start))
            ends.append(max(last_end, ends[-1] if ends else segment.start))
        strengths = [unit.strength() for unit in units]
        if segment.words:
            for index in range(len(units) - 1):
                if starts[index + 1] - ends[index] >= PAUSE_SECONDS and strengths[index] < SENTENCE:
                    strengths[index] = PAUSE
        return cls(segment, units, starts, ends, strengths, max_seconds, max_chars)

    def start(self, low: int) -> float:
        return self.segment.start if low == 0 else self.starts[low]

    def end(self, high: int) -> float:
        return self.segment.end if high == len(self.units) else self.ends[high - 1]

    def fits(self, low: int, high: int) -> bool:
        return (self.end(high) - self.start(low) <= self.max_seconds + 1e-6
                and len(wrap_lines(_display(self.units[low:high]), self.max_chars)) <= MAX_LINES)

    def sentences(self) -> list[tuple[int, int]]:
        cuts = [i + 1 for i in range(len(self.units) - 1) if self.strengths[i] == SENTENCE]
        bounds = [0, *cuts, len(self.units)]
        return list(zip(bounds, bounds[1:]))

    def fitted(self, low: int, high: int) -> list[tuple[int, int]]:
        """[low, high) cut until every piece fits (or is a single unit)."""
        if high - low <= 1 or self.fits(low, high):
            return [(low, high)]
        cut = self._best_cut(low, high)
        return self.fitted(low, cut) + self.fitted(cut, high)

    def _best_cut(self, low: int, high: int) -> int:
        weights = [len(unit.text.strip()) or 1 for unit in self.units[low:high]]
        total = sum(weights)
        before = list(accumulate(weights))[:-1]  # text before each candidate cut
        candidates = list(range(low + 1, high))
        # Both sides at least a quarter of the text where the text allows it.
        balanced = [k for k, b in zip(candidates, before) if min(b, total - b) * 4 >= total]
        pool = balanced or candidates
        return max(pool, key=lambda k: (self.strengths[k - 1], -abs(2 * before[k - low - 1] - total)))

    def merged(self, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
        kept: list[tuple[int, int]] = []
        for low, high in pieces:
            if kept:
                previous_low, previous_high = kept[-1]
                short = min(self.end(previous_high) - self.start(previous_low),
                            self.end(high) - self.start(low)) < MIN_CUE_SECONDS
                if short and self.fits(previous_low, high):
                    kept[-1] = (previous_low, high)
                    continue
            kept.append((low, high))
        return kept

    def segments(self, pieces: list[tuple[int, int]]) -> list[Segment]:
        """The pieces as segments; each word goes to the piece its middle falls in."""
        starts = [self.start(low) for low, _ in pieces]
        words: list[list[Word]] = [[] for _ in pieces]
        for word in self.segment.words:
            middle = (word.start + word.end) / 2
            index = max([0] + [i for i, start in enumerate(starts) if start <= middle])
            words[index].append(replace(word))
        return [replace(self.segment, start=self.start(low), end=max(self.start(low), self.end(high)),
                        text=_display(self.units[low:high]), words=piece_words)
                for (low, high), piece_words in zip(pieces, words)]


def split_into_cues(segment: Segment, max_seconds: float, max_chars: int) -> list[Segment]:
    """`segment` as sentence-sized cues of at most `max_seconds` and two lines of `max_chars`
    (a single word longer than that stays whole). The cues' texts, in order, are the segment's
    text; their times are in order and inside the segment's."""
    layout = _Layout.of(segment, max_seconds, max_chars)
    if len(layout.units) <= 1:
        return [segment]
    if not layout.fits(0, len(layout.units)):
        layout.strengths = with_word_ends(layout.units, layout.strengths)
    pieces = [piece for low, high in layout.sentences() for piece in layout.fitted(low, high)]
    return layout.segments(layout.merged(pieces))


def joined_clauses(cues: list[Segment], max_seconds: float, max_chars_of) -> list[Segment]:
    """Neighbouring cues that are parts of one sentence (the first ends in a clause mark and runs
    straight into the second, same channel, speaker and language) joined while they still fit: Whisper
    often writes a sentence as several short segments, each too brief to read as a subtitle.
    `max_chars_of(language)` is the line length for a cue's language."""
    joined: list[Segment] = []
    for cue in cues:
        previous = joined[-1] if joined else None
        if previous is not None and _continues(previous, cue) \
                and cue.end - previous.start <= max_seconds + 1e-6:
            text = join_texts([previous.text, cue.text], cue.language)
            if len(wrap_lines(text, max_chars_of(cue.language))) <= MAX_LINES:
                joined[-1] = replace(previous, end=cue.end, text=text, words=previous.words + cue.words,
                                     **least_sure([previous, cue]))
                continue
        joined.append(cue)
    return joined


def _continues(previous: Segment, cue: Segment) -> bool:
    tail = previous.text.rstrip()
    return (bool(tail) and tail[-1] in _CLAUSE_MARKS and previous.channel == cue.channel
            and previous.speaker == cue.speaker
            and previous.language == cue.language and cue.start - previous.end < PAUSE_SECONDS)


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def with_word_ends(units: list[_Unit], strengths: list[int]) -> list[int]:
    """Between two Han characters, the ends of words (jieba's segmentation) are better places to
    cut than the middle of a word: 经理 stays whole."""
    if CHAR not in strengths[:-1]:
        return strengths
    text = "".join(unit.text for unit in units)
    ends, position = set(), 0
    for token in _jieba().cut(text, HMM=True):
        position += len(token)
        ends.add(position)
    upgraded, position = list(strengths), 0
    for index, unit in enumerate(units[:-1]):
        position += len(unit.text)
        if upgraded[index] == CHAR and position in ends:
            upgraded[index] = WORD
    return upgraded


def wrap_lines(text: str, max_chars: int) -> list[str]:
    """`text` as lines of at most `max_chars` where possible: one line if it fits, else two, broken
    after punctuation by preference and otherwise as evenly as possible; more than two only when
    no two-line break fits."""
    if len(text) <= max_chars:
        return [text]
    units = _units(text)
    if len(units) <= 1:
        return [text]
    strengths = with_word_ends(units, [unit.strength() for unit in units])
    # Lines that fit first; among those, the shortest longer line, where a break after punctuation
    # counts as a quarter of a line shorter and one inside a word as an eighth longer.
    options = []
    for cut in range(1, len(units)):
        longest = max(len(_display(units[:cut])), len(_display(units[cut:])))
        cost = longest - (max_chars / 4 if strengths[cut - 1] >= CLAUSE else 0) + (
            max_chars / 8 if strengths[cut - 1] < WORD else 0)
        options.append((longest > max_chars, cost, -strengths[cut - 1], cut))
    too_long, *_, cut = min(options)
    if not too_long:
        return [_display(units[:cut]), _display(units[cut:])]
    return _greedy_lines(units, max_chars)


def _greedy_lines(units: list[_Unit], max_chars: int) -> list[str]:
    lines, current = [], []
    for unit in units:
        if current and len(_display(current + [unit])) > max_chars:
            lines.append(_display(current))
            current = []
        current.append(unit)
    if current:
        lines.append(_display(current))
    return lines
