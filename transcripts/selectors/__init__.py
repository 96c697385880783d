"""Reads: the team's transcripts and their search, the history page's filters, the workspace,
the job page's snapshot (transcripts.py), and the system panel's status (system.py). Writes are
in services/. The names are re-exported here: callers write `selectors.job_snapshot(...)`."""
from transcripts.selectors.system import device_status, system_status  # noqa: F401
from transcripts.selectors.transcripts import (  # noqa: F401
    PREVIEW_CHARS,
    editor_context,
    history_filters,
    hotwords_for,
    job_snapshot,
    last_edit,
    transcript_result,
    transcripts_of,
    transcripts_search,
)
