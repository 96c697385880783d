"""Writes, by sub-domain: the audio store, a transcript's life, batch jobs, live sessions,
exports and recovery. Views, tasks, consumers and commands call these; reads are in selectors.py.
The names are re-exported here, so callers write `services.transcript_create(...)`."""
from transcripts.services.audio_store import (  # noqa: F401
    AudioStoreFullError,
    Upload,
    UploadTooLargeError,
    audio_path,
    stored_audio,
    stored_audio_bytes,
    transcripts_purge_audio,
    transcripts_purge_finished_audio,
    upload_size,
    upload_size_check,
    upload_source,
)
from transcripts.services.exports import EXPORT_FIELDS, job_export_zip, transcripts_export  # noqa: F401
from transcripts.services.jobs import job_cancel, job_create, job_refresh  # noqa: F401
from transcripts.services.recovery import transcripts_recover_stale  # noqa: F401
from transcripts.services.transcripts import (  # noqa: F401
    MAX_ATTEMPTS,
    PROGRESS_SAVE_SECONDS,
    transcript_abandon,
    transcript_create,
    transcript_enqueue,
    transcript_run,
    transcripts_delete,
    transcripts_delete_older_than,
)
