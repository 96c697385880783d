"""Writes: creating, running and failing transcripts. Views, tasks and commands call these."""
from __future__ import annotations

import logging
import os
import shutil
import time
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from accounts.models import Team
from transcripts import events, heartbeats
from transcripts.engine import EngineError, TranscribeOptions
from transcripts.engine.audio import media_type, probe_duration
from transcripts.engine.errors import AudioTooLongError
from transcripts.engine.formats import spreadsheet_safe
from transcripts.heartbeats import HEARTBEAT_SECONDS
from transcripts.job_status import UNFINISHED, job_refresh
from transcripts.models import Job, Status, Transcript
from transcripts.recognition import get_engine

logger = logging.getLogger(__name__)
PROGRESS_SAVE_SECONDS = 1.0
MAX_ATTEMPTS = 2  # a file whose worker died twice is failed, not tried forever


class UploadTooLargeError(AudioTooLongError):
    code = "upload_too_large"


class AudioStoreFullError(EngineError):
    code = "audio_store_full"
    http_status = 507


def audio_path(transcript: Transcript) -> Path:
    """Stored audio is named by a random key; an uploaded name never becomes a path."""
    return Path(settings.MEDIA_ROOT) / "audio" / str(transcript.audio_key)


def stored_audio(transcript: Transcript) -> tuple[Path, str] | None:
    """The transcript's stored recording and its real media type; None once its audio is gone."""
    path = audio_path(transcript)
    if transcript.audio_purged or not path.is_file():
        return None
    return path, media_type(path)


# An upload as views get it: a file (Django's UploadedFile, on disk past 2.5 MB) or bytes.
Upload = bytes | BinaryIO


def upload_source(data: Upload):
    """What the engine reads an upload from: the bytes, or the file Django spooled it to (read
    in place, never whole into memory)."""
    if isinstance(data, bytes):
        return data
    path = getattr(data, "temporary_file_path", None)
    return path() if path else getattr(data, "file", data)


def upload_size(data: Upload) -> int:
    if isinstance(data, bytes):
        return len(data)
    if getattr(data, "size", None) is not None:
        return data.size
    position = data.seek(0, os.SEEK_END)
    data.seek(0)
    return position


def _store_audio(path: Path, data: Upload) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    if isinstance(data, bytes):
        partial.write_bytes(data)
    else:
        data.seek(0)
        with open(partial, "wb") as out:
            shutil.copyfileobj(data, out, 1024 * 1024)
    os.replace(partial, path)


def upload_size_check(size: int) -> None:
    """Refuse an upload over ASR_MAX_UPLOAD_MB, saying how big it is and what the limit is."""
    if size > settings.ASR_MAX_UPLOAD_BYTES:
        raise UploadTooLargeError(
            f"The file is {size / 2**20:.0f} MB; the limit is {settings.ASR_MAX_UPLOAD_BYTES / 2**20:.0f} MB."
        )


def stored_audio_bytes() -> int:
    """The audio kept on disk for all teams together (what ASR_AUDIO_STORE_MB bounds)."""
    return Transcript.objects.filter(audio_purged=False).aggregate(total=Sum("audio_bytes"))["total"] or 0


def _make_room(needed: int) -> None:
    """Keep stored audio under ASR_AUDIO_STORE_BYTES: drop the audio of the oldest finished
    transcripts (their text stays; only playback goes) until `needed` more bytes fit.

    Audio still waiting for recognition is never dropped; when it alone fills the store the
    upload is refused with a message rather than losing queued work.
    """
    limit = settings.ASR_AUDIO_STORE_BYTES
    used = stored_audio_bytes()
    if used + needed <= limit:
        return
    finished = Transcript.objects.filter(audio_purged=False).exclude(status__in=UNFINISHED).order_by("created_at")
    evict = []
    for transcript in finished.only("id", "audio_key", "audio_bytes").iterator():
        if used + needed <= limit:
            break
        evict.append(transcript)
        used -= transcript.audio_bytes
    if used + needed > limit:
        raise AudioStoreFullError(
            f"The audio store is full: {used / 2**20:.0f} MB of {limit / 2**20:.0f} MB hold files still waiting "
            "for recognition. Try again when the queue is shorter, or ask an administrator to raise ASR_AUDIO_STORE_MB."
        )
    transcripts_purge_audio(rows=evict)
    logger.info("audio store: dropped the audio of %d finished transcripts to make room", len(evict))


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
    _make_room(size)
    with transaction.atomic():
        transcript = Transcript.objects.create(
            team=team, created_by=user, job=job, source_name=os.path.basename(filename or "")[:255] or "upload",
            options=options.as_dict(), audio_bytes=size, duration=round(duration, 3),
            enqueued_at=None if enqueue else timezone.now(),
        )
        _store_audio(audio_path(transcript), data)
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
    job_refresh(job_id=transcript.job_id)
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
    job_refresh(job_id=transcript.job_id)
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


def _delete_audio(rows) -> list[int]:
    """Remove the stored audio files of these transcripts; returns their ids."""
    ids = []
    for transcript in rows:
        audio_path(transcript).unlink(missing_ok=True)
        ids.append(transcript.id)
    return ids


def transcripts_delete(*, team: Team, ids: list[int]) -> int:
    """Delete the team's transcripts with these ids and their stored audio; other ids are ignored."""
    deleted = _delete_audio(Transcript.objects.filter(team=team, id__in=ids))
    Transcript.objects.filter(id__in=deleted).delete()
    return len(deleted)


EXPORT_FIELDS = ["id", "source_name", "status", "language", "duration", "text", "itn_text", "created_at"]


def transcripts_export(rows, fmt: str) -> str:
    """Transcript rows as CSV (UTF-8 with BOM, for Excel) or JSON."""
    import csv
    import io
    import json

    records = [
        {field: (str(getattr(t, field)) if field == "created_at" else getattr(t, field)) for field in EXPORT_FIELDS}
        | {"segments": t.segments}
        for t in rows
    ]
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({field: spreadsheet_safe(value) for field, value in record.items()} for record in records)
    return "\ufeff" + buffer.getvalue()


def transcripts_purge_audio(*, rows) -> int:
    """Delete the stored audio of these transcripts and keep their text."""
    purged = _delete_audio(rows)
    Transcript.objects.filter(id__in=purged).update(audio_purged=True, audio_bytes=0)
    return len(purged)


def transcripts_purge_finished_audio(*, teams=None) -> int:
    """Delete the stored audio of every finished transcript of these teams (None: all teams);
    queued audio stays."""
    rows = Transcript.objects.filter(audio_purged=False).exclude(status__in=UNFINISHED)
    return transcripts_purge_audio(rows=rows if teams is None else rows.filter(team__in=teams))


def transcripts_delete_older_than(*, days: int, team: Team | None = None, rows=None) -> int:
    """Delete transcripts (and their audio) created more than `days` days ago: of one team, of the
    given rows (an admin selection), or all."""
    cutoff = timezone.now() - timedelta(days=days)
    rows = (Transcript.objects.all() if rows is None else rows).filter(created_at__lt=cutoff)
    if team is not None:
        rows = rows.filter(team=team)
    deleted = _delete_audio(rows)
    Transcript.objects.filter(id__in=deleted).delete()
    return len(deleted)


def transcripts_recover_stale(*, dead_cluster: str | None = None) -> tuple[int, int]:
    """Transcripts left RUNNING by a worker that died: run again once, then fail with a reason.

    A worker is taken for dead when it has not reported for HEARTBEAT_SECONDS (heartbeats.py),
    when it has held the file past ASR_TASK_TIMEOUT, or when it belonged to `dead_cluster`
    (runplatform saw that cluster exit). Returns (requeued, failed). Run every 10 minutes by the
    cluster's schedule, by runplatform when it (re)starts a cluster, and by `manage.py recover`.
    """
    now = timezone.now()
    stale, quiet = now - timedelta(seconds=settings.ASR_TASK_TIMEOUT), now - timedelta(seconds=HEARTBEAT_SECONDS)
    lost = [row.id for row in Transcript.objects.filter(status=Status.RUNNING).only("id", "started_at")
            if row.started_at < stale
            or (row.started_at < quiet and heartbeats.holder(row.id) is None)
            or (dead_cluster and heartbeats.held_by_cluster(row.id, dead_cluster))]
    stuck = Transcript.objects.filter(status=Status.RUNNING, id__in=lost)
    lost_jobs = set(stuck.filter(attempts__gte=MAX_ATTEMPTS).values_list("job_id", flat=True))
    failed = stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, error_code="worker_lost", finished_at=timezone.now(),
        error_message="The recognition worker stopped twice while working on this file. Try again, or split the file.",
    )
    for job_id in lost_jobs:
        job_refresh(job_id=job_id)
    requeued = 0
    for transcript_id in stuck.filter(attempts__lt=MAX_ATTEMPTS).values_list("id", flat=True):
        if Transcript.objects.filter(id=transcript_id, status=Status.RUNNING).update(status=Status.QUEUED):
            heartbeats.clear(transcript_id)
            transcript_enqueue(transcript_id=transcript_id)
            requeued += 1
    # Tasks a killed cluster had already taken off the queue (prefetched) never run: queue them
    # again (all of them when a cluster is known to have died). A task that is merely waiting
    # behind others runs once either way (_claim).
    forgotten = Transcript.objects.filter(status=Status.QUEUED)
    if not dead_cluster:
        forgotten = forgotten.filter(Q(enqueued_at__lt=stale) | Q(enqueued_at=None))
    for transcript_id in forgotten.values_list("id", flat=True):
        transcript_enqueue(transcript_id=transcript_id)
        requeued += 1
    return requeued, failed
