"""The SQL that builds the search index, per database vendor.

SQLite: an external-content FTS5 table with the trigram tokenizer (SQLite >= 3.34), kept in step
by triggers, so Chinese text (no spaces between words) is searchable by any substring.
PostgreSQL: pg_trgm GIN indexes on the upper-cased columns, which Django's `icontains` uses.
"""
from __future__ import annotations

TABLE = "transcripts_transcript"
FTS = "transcripts_transcript_fts"
COLUMNS = ("source_name", "text", "itn_text")

_cols = ", ".join(COLUMNS)
_new = ", ".join(f"new.{c}" for c in COLUMNS)
_old = ", ".join(f"old.{c}" for c in COLUMNS)

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({_cols}, content='{TABLE}', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, {_cols}) VALUES (new.id, {_new}); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {_cols}) VALUES ('delete', old.id, {_old}); END",
    # Only when the searched columns change: progress updates every second must not rewrite the index.
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF {_cols} ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {_cols}) VALUES ('delete', old.id, {_old}); "
    f"INSERT INTO {FTS}(rowid, {_cols}) VALUES (new.id, {_new}); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {FTS}_{suffix}" for suffix in ("ai", "ad", "au")] + [
    f"DROP TABLE IF EXISTS {FTS}"
]

POSTGRES_CREATE = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
    f"CREATE INDEX IF NOT EXISTS {TABLE}_{c}_trgm ON {TABLE} USING gin (UPPER({c}) gin_trgm_ops)" for c in COLUMNS
]
POSTGRES_DROP = [f"DROP INDEX IF EXISTS {TABLE}_{c}_trgm" for c in COLUMNS]


def create_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(vendor, [])


def drop_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, [])


def rebuild_search_index(apps, schema_editor) -> None:
    """A migration step after adding a column to Transcript: on SQLite, adding a column with a
    default rebuilds the table, which drops the FTS triggers; this puts the index back."""
    vendor = schema_editor.connection.vendor
    for statement in drop_statements(vendor) + create_statements(vendor):
        schema_editor.execute(statement)
