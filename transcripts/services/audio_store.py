"""The audio store: uploads checked and kept on disk under random names, the store kept under
its limit, stored audio served and purged."""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db.models import Sum

from transcripts.engine import EngineError
from transcripts.engine.audio import media_type
from transcripts.engine.errors import AudioTooLongError
from transcripts.models import UNFINISHED, Transcript

logger = logging.getLogger(__name__)


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


def store_audio(path: Path, data: Upload) -> None:
    """Write an upload to `path` whole or not at all (a .part file renamed into place), a file in chunks."""
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


def make_room(needed: int) -> None:
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


def delete_audio(rows) -> list[int]:
    """Remove the stored audio files of these transcripts; returns their ids."""
    ids = []
    for transcript in rows:
        audio_path(transcript).unlink(missing_ok=True)
        ids.append(transcript.id)
    return ids


def transcripts_purge_audio(*, rows) -> int:
    """Delete the stored audio of these transcripts and keep their text."""
    purged = delete_audio(rows)
    Transcript.objects.filter(id__in=purged).update(audio_purged=True, audio_bytes=0)
    return len(purged)


def transcripts_purge_finished_audio(*, teams=None) -> int:
    """Delete the stored audio of every finished transcript of these teams (None: all teams);
    queued audio stays."""
    rows = Transcript.objects.filter(audio_purged=False).exclude(status__in=UNFINISHED)
    return transcripts_purge_audio(rows=rows if teams is None else rows.filter(team__in=teams))
