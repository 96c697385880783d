"""django-q2 task entry points: thin, they pass ids to services."""
from transcripts import services
from transcripts.recognition import get_engine
from transcripts.worker_models import watch_in_this_worker


def run_transcript(transcript_id: int) -> None:
    watch_in_this_worker(get_engine())  # this worker process will hold models: report them, unload on request
    services.transcript_run(transcript_id=transcript_id)
