"""Helpers for measuring diarisation: the shared meeting excerpts, joined Mandarin conversations
with known turns, and the diarisation error rate (pyannote.metrics, no collar, overlap scored)."""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from pyannote.core import Annotation
from pyannote.core import Segment as Span
from pyannote.metrics.diarization import DiarizationErrorRate

from tests.speech import MANDARIN, Recording, realistic_recording
from transcripts.engine import TranscribeOptions
from transcripts.engine.audio import decode_audio
from transcripts.engine.pipeline import speaker_turns_alone
from transcripts.engine.speakers import SpeakerTurn

SHARED = Path(os.environ.get("ASR_TEST_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared" / "data"))
MEETINGS_DIR = SHARED / "diarization"
SPEECH_DIR = SHARED / "speech"


def meeting_references() -> dict[str, Annotation]:
    """reference.rttm of the shared meeting excerpts, one annotation per file."""
    references: dict[str, Annotation] = {}
    for line in (MEETINGS_DIR / "reference.rttm").read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) < 8 or fields[0] != "SPEAKER":
            continue
        start, duration = float(fields[3]), float(fields[4])
        references.setdefault(fields[1], Annotation(uri=fields[1]))[Span(start, start + duration)] = fields[7]
    return references


def mandarin_conversation(seed: int, noise_dbfs: float | None, seconds: float = 60.0) -> tuple[Recording, Annotation]:
    """The four Mandarin speakers' clips joined in random order with random pauses (0.8-2.5 s)
    under a noise floor; the reference turn of each clip is its speaker."""
    clips = {name: (decode_audio(SPEECH_DIR / name).samples, "") for name in MANDARIN}
    recording = realistic_recording(clips, seed=seed, noise_dbfs=noise_dbfs, target_s=seconds)
    reference = Annotation(uri=f"conversation-{seed}")
    for start, end, name in recording.timeline:
        reference[Span(start, end)] = name
    return recording, reference


def annotation(uri: str, turns: Iterable[tuple[float, float, str]]) -> Annotation:
    result = Annotation(uri=uri)
    for start, end, speaker in turns:
        if end > start:
            result[Span(start, end)] = speaker
    return result


def turns_of(source: np.ndarray | Path, *, num_speakers: int | None = None) -> list[SpeakerTurn]:
    """The engine's diarisation stage alone (pipeline.speaker_turns_alone), on the CPU."""
    return speaker_turns_alone(source, TranscribeOptions(num_speakers=num_speakers))


def hypothesis(uri: str, turns: list[SpeakerTurn]) -> Annotation:
    return annotation(uri, ((t.start, t.end, f"S{t.speaker + 1}") for t in turns))


def error_rate() -> DiarizationErrorRate:
    """DER as the issue defines it: no forgiveness collar, overlapped speech scored."""
    return DiarizationErrorRate(collar=0.0, skip_overlap=False)
