"""Live sessions (Django side): their options, and saving a finished one as a transcript."""
from __future__ import annotations

import uuid
import wave
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from accounts.models import Team
from asrplatform.params import MAX_ID
from transcripts.engine import TranscribeOptions
from transcripts.engine.audio import SAMPLE_RATE
from transcripts.engine.errors import InvalidOptionError
from transcripts.engine.result import Segment, join_segments
from transcripts.models import Status, Transcript
from transcripts.request_options import requested_model, team_defaults
from transcripts.selectors import hotwords_for

LIVE_OPTION_KEYS = {"language", "hotwords", "libraries", "itn", "chinese_script", "model", "save", "diarize", "type"}


def live_options(*, team: Team, data: object) -> tuple[TranscribeOptions, bool]:
    """The first text frame of a session → recognition options and whether to save the session."""
    if not isinstance(data, dict):
        raise InvalidOptionError('The first message must be a JSON object of options, e.g. {"language": "zh"}.')
    unknown = set(data) - LIVE_OPTION_KEYS
    if unknown:
        raise InvalidOptionError(f"Unknown option(s): {', '.join(sorted(unknown))}. "
                                 f"Known: {', '.join(sorted(LIVE_OPTION_KEYS - {'type'}))}.")
    hotwords, libraries = data.get("hotwords", []), data.get("libraries", [])
    if not isinstance(hotwords, list) or not all(isinstance(h, str) for h in hotwords):
        raise InvalidOptionError('"hotwords" must be a list of strings.')
    if not isinstance(libraries, list) or not all(isinstance(i, int) and 0 < i <= MAX_ID for i in libraries):
        raise InvalidOptionError('"libraries" must be a list of hotword library ids.')
    for name in ("language", "model", "chinese_script"):
        if name in data and not isinstance(data[name], str):
            raise InvalidOptionError(f'"{name}" must be a string, e.g. {{"language": "zh"}}.')
    for name in ("itn", "save", "diarize"):
        if name in data and not isinstance(data[name], bool):  # "false" as a string is not false
            raise InvalidOptionError(f'"{name}" must be true or false (a JSON boolean), got {data[name]!r:.40}.')
    defaults = team_defaults(team)  # what the session leaves out, the team's settings decide
    options = TranscribeOptions(
        model=requested_model(data.get("model") or defaults["model"]),
        language=data.get("language") or defaults["language"],
        hotwords=hotwords_for(team=team, library_ids=libraries, extra="\n".join(hotwords)),
        itn=bool(data.get("itn", defaults["itn"])),
        chinese_script=data.get("chinese_script") or defaults["chinese_script"],
        diarize=bool(data.get("diarize", defaults["diarize"])),
        vad="none",
    ).validated()
    return options, bool(data.get("save", False))


class SessionRecording:
    """The session's audio written to disk as it arrives (PCM16 WAV), so saving it costs no memory."""

    def __init__(self) -> None:
        self.key = uuid.uuid4()
        self.path = Path(settings.MEDIA_ROOT) / "audio" / f"{self.key}.live"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = wave.open(str(self.path), "wb")
        self.file.setnchannels(1)
        self.file.setsampwidth(2)
        self.file.setframerate(SAMPLE_RATE)
        self.frames = 0

    def write(self, pcm16: bytes) -> None:
        self.file.writeframes(pcm16)
        self.frames += len(pcm16) // 2

    def close(self) -> None:
        self.file.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


def live_session_save(*, team: Team, user, recording: SessionRecording, segments: list[Segment],
                      language: str, options: TranscribeOptions) -> Transcript:
    """A finished session becomes a done transcript with its audio, like an uploaded file."""
    recording.close()
    stored_as = Path(settings.MEDIA_ROOT) / "audio" / str(recording.key)
    recording.path.rename(stored_as)
    now = timezone.now()
    return Transcript.objects.create(
        team=team, created_by=user, source_name=f"live-{now:%Y%m%d-%H%M%S}.wav", audio_key=recording.key,
        audio_bytes=stored_as.stat().st_size, options=options.as_dict(), status=Status.DONE, progress=1.0,
        text=join_segments(segments, language), itn_text=join_segments(segments, language, itn=True),
        language=language, languages=[language] if segments else [], duration=round(recording.frames / SAMPLE_RATE, 3),
        segments=[asdict(s) for s in segments],
        model=options.model, started_at=now, finished_at=now,
    )
