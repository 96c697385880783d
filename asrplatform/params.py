"""Values from query strings, forms and URLs, parsed the same way at every door: a bad one is a
clear error for the user, never a 500 from the database or the date parser."""
from __future__ import annotations

from datetime import date

from django.utils.dateparse import parse_date

# Row ids are 64-bit database keys: a longer number is no id, however it is written.
MAX_ID = 2**63 - 1


class BadParameter(ValueError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def database_id(value: object) -> int | None:
    """A row id as sent (digits that fit a 64-bit key), or None for anything else."""
    text = str(value) if value is not None else ""
    return int(text) if text.isdigit() and int(text) <= MAX_ID else None


def optional_id(name: str, value: str | None) -> int | None:
    """An optional id parameter: None when absent, BadParameter when it is not an id."""
    if not value:
        return None
    parsed = database_id(value)
    if parsed is None:
        raise BadParameter(name, f"{name} must be an id (a number), got {value[:40]!r}.")
    return parsed


def optional_date(name: str, value: str | None) -> date | None:
    """An optional YYYY-MM-DD parameter; BadParameter for a malformed or impossible date."""
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:  # well-formed but impossible, e.g. 2025-13-45
        parsed = None
    if parsed is None:
        raise BadParameter(name, f"Dates are YYYY-MM-DD, got {value[:40]!r}.")
    return parsed


# Each search word is one more condition in the query (SQLite refuses past a depth of 1000).
MAX_SEARCH_WORDS = 20
MAX_SEARCH_CHARS = 500


def search_query(name: str, value: str | None) -> str:
    """A free-text search as typed; BadParameter past MAX_SEARCH_WORDS words or MAX_SEARCH_CHARS."""
    text = value or ""
    if len(text) > MAX_SEARCH_CHARS or len(text.split()) > MAX_SEARCH_WORDS:
        raise BadParameter(name, f"Search with at most {MAX_SEARCH_WORDS} words and {MAX_SEARCH_CHARS} characters; "
                                 f"every word must occur, so a few distinctive ones find the most.")
    return text
