"""One search function over the vendor-specific index built by `schema`."""
from __future__ import annotations

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from transcripts.search.schema import COLUMNS, FTS

TRIGRAM = 3  # FTS5's trigram tokenizer matches terms of three characters or more


def _fts5_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _like_pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _sqlite_condition(word: str) -> RawSQL:
    """Rows of the FTS table holding `word`: MATCH through the index, LIKE for 1–2 characters.

    On a trigram table LIKE is still answered by FTS5 (case-insensitive, like MATCH); shorter
    words are checked against the indexed text without the trigram shortcut.
    """
    if len(word) >= TRIGRAM:
        return RawSQL(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [_fts5_phrase(word)])
    likes = " OR ".join(f"{column} LIKE %s ESCAPE '\\'" for column in COLUMNS)
    return RawSQL(f"SELECT rowid FROM {FTS} WHERE {likes}", [_like_pattern(word)] * len(COLUMNS))


def matching_transcript_ids(rows: QuerySet, query: str) -> QuerySet:
    """Narrow `rows` to transcripts whose name, text or ITN text contains every word of `query`.

    Words are separated by spaces; each matches as a case-insensitive substring, so a
    two-character Chinese word and an English word are found alike on every database.
    """
    vendor = connections[rows.db].vendor
    for word in query.split():
        if vendor == "sqlite":
            rows = rows.filter(id__in=_sqlite_condition(word))
        else:  # PostgreSQL answers icontains from the pg_trgm indexes; other databases scan
            rows = rows.filter(Q(source_name__icontains=word) | Q(text__icontains=word) | Q(itn_text__icontains=word))
    return rows
