"""django-q2 task entry points: thin, they pass ids to services."""
from transcripts import services


def run_transcript(transcript_id: int) -> None:
    services.transcript_run(transcript_id=transcript_id)
