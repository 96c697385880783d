"""Free-text search over a team's transcripts, one function over SQLite FTS5 and PostgreSQL pg_trgm."""
from transcripts.search.query import matching_transcript_ids

__all__ = ["matching_transcript_ids"]
