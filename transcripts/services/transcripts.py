"""A transcript's life: created from an upload, queued, run by a worker (progress saved and
announced), failed with a reason, abandoned, deleted."""
from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Team
from transcripts import events, heartbeats
from transcripts.engine import EngineError, TranscribeOptions
from transcripts.engine.audio import probe_duration
from transcripts.models import UNFINISHED, Job, Status, Transcript
from transcripts.recognition import get_engine
from transcripts.services import jobs  # jobs create transcripts, transcripts move their job along
from transcripts.services.audio_store import (
    Upload,
    audio_path,
    delete_audio,
    make_room,
    store_audio,
    upload_size,
    upload_size_check,
    upload_source,
)

logger = logging.getLogger(__name__)
PROGRESS_SAVE_SECONDS = 1.0
MAX_ATTEMPTS = 2  # a file whose worker died twice is failed, not tried forever


def transcript_create(
    *, team: Team, user, data: Upload, filename: str, options: TranscribeOptions, job: Job | None = None,
    enqueue: bool = True,
) -> Transcript:
    """Check the upload, store it, and queue its recognition after the transaction commits.

    With enqueue=False the caller runs it (transcript_run) itself, as the synchronous API does;
    should that process die first, recovery queues it once the task timeout has passed.
    """
    size = upload_size(data)
    upload_size_check(size)
    options = options.validated()
    duration = probe_duration(upload_source(data))  # sniffed from the content: non-audio fails here, not later
    make_room(size)
    with transaction.atomic():
        transcript = Transcript.objects.create(
            team=team, created_by=user, job=job, source_name=os.path.basename(filename or "")[:255] or "upload",
            options=options.as_dict(), audio_bytes=size, duration=round(duration, 3),
            enqueued_at=None if enqueue else timezone.now(),
        )
        store_audio(audio_path(transcript), data)
        if enqueue:
            transaction.on_commit(lambda: transcript_enqueue(transcript_id=transcript.id))
    return transcript


def transcript_enqueue(*, transcript_id: int) -> None:
    from django_q.tasks import async_task

    Transcript.objects.filter(id=transcript_id).update(enqueued_at=timezone.now())
    async_task("transcripts.tasks.run_transcript", transcript_id, task_name=f"transcript-{transcript_id}")


def _claim(transcript_id: int) -> bool:
    """QUEUED → RUNNING, or a RUNNING row whose worker died (older than the task timeout).

    A conditional update: when two workers get the same task, exactly one wins.
    """
    stale = timezone.now() - timedelta(seconds=settings.ASR_TASK_TIMEOUT)
    claimable = Q(status=Status.QUEUED) | Q(status=Status.RUNNING, started_at__lt=stale)
    return bool(
        Transcript.objects.filter(claimable, id=transcript_id).update(
            status=Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, progress=0.0
        )
    )


class _Cancelled(Exception):
    pass


def transcript_run(*, transcript_id: int) -> None:
    """Recognise one queued transcript; a user-caused error marks it failed with the reason.

    Progress is saved and announced about once a second; a cancelled job's running file stops
    at the next of those steps.
    """
    if not _claim(transcript_id):
        return  # done, cancelled, or another worker has it
    heartbeats.beat(transcript_id)
    transcript = Transcript.objects.get(id=transcript_id)
    jobs.job_refresh(job_id=transcript.job_id)
    events.transcript_changed(transcript_id)
    last_save, last_beat = 0.0, time.monotonic()

    def progress(done: float, total: float, stage: str) -> None:
        nonlocal last_save, last_beat
        if time.monotonic() - last_beat >= heartbeats.REFRESH_SECONDS:
            last_beat = time.monotonic()
            heartbeats.beat(transcript_id)
        if stage == "recognition" and total and time.monotonic() - last_save >= PROGRESS_SAVE_SECONDS:
            last_save = time.monotonic()
            if not Transcript.objects.filter(id=transcript_id, status=Status.RUNNING).update(
                progress=min(done / total, 1.0)
            ):
                raise _Cancelled
            events.job_changed(transcript.job_id)
            events.transcript_changed(transcript_id)

    try:
        result = get_engine().transcribe(audio_path(transcript), TranscribeOptions.from_dict(transcript.options), progress)
    except _Cancelled:
        pass
    except EngineError as e:
        _fail_running(transcript_id, e.code, e.message, e.params)
    except Exception as e:  # a bug or a file the checks let through: fail now, not after two timeouts
        logger.exception("Recognition of transcript %s failed unexpectedly", transcript_id)
        _fail_running(transcript_id, "internal_error",
                      f"Recognition stopped on an unexpected error ({type(e).__name__}). The details are in the "
                      "worker's log; try the file again, or convert it to WAV or MP3 first.")
    else:
        stored = result.to_dict()
        Transcript.objects.filter(id=transcript_id, status=Status.RUNNING).update(
            status=Status.DONE, progress=1.0, text=result.text, itn_text=result.itn_text, language=result.language,
            language_probability=result.language_probability, duration=result.duration,
            segments=stored["segments"], languages=stored["languages"], dropped=stored["dropped"],
            model=result.model, device=result.device,
            processing_seconds=result.processing_seconds, error_code="", error_message="", finished_at=timezone.now(),
        )
    heartbeats.clear(transcript_id)
    jobs.job_refresh(job_id=transcript.job_id)
    events.transcript_changed(transcript_id)


def _fail_running(transcript_id: int, code: str, message: str, params: dict | None = None) -> None:
    Transcript.objects.filter(id=transcript_id, status=Status.RUNNING).update(
        status=Status.FAILED, error_code=code, error_message=message, error_params=params or {},
        finished_at=timezone.now())


def transcript_abandon(*, transcript_id: int, code: str, message: str) -> bool:
    """Fail a transcript nobody waits for any more (timeout, client gone); a running recognition
    stops at its next progress step. False when it had already finished."""
    return bool(Transcript.objects.filter(id=transcript_id, status__in=UNFINISHED).update(
        status=Status.FAILED, error_code=code, error_message=message, finished_at=timezone.now()))


def transcripts_delete(*, team: Team, ids: list[int]) -> int:
    """Delete the team's transcripts with these ids and their stored audio; other ids are ignored."""
    deleted = delete_audio(Transcript.objects.filter(team=team, id__in=ids))
    Transcript.objects.filter(id__in=deleted).delete()
    return len(deleted)


def transcripts_delete_older_than(*, days: int, team: Team | None = None, rows=None) -> int:
    """Delete transcripts (and their audio) created more than `days` days ago: of one team, of the
    given rows (an admin selection), or all."""
    cutoff = timezone.now() - timedelta(days=days)
    rows = (Transcript.objects.all() if rows is None else rows).filter(created_at__lt=cutoff)
    if team is not None:
        rows = rows.filter(team=team)
    deleted = delete_audio(rows)
    Transcript.objects.filter(id__in=deleted).delete()
    return len(deleted)
