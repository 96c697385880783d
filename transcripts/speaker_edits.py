"""People correcting who spoke: naming a transcript's speakers and moving a segment to another."""
from __future__ import annotations

import re

from django.db import transaction

from transcripts.engine.speakers import MAX_SPEAKERS
from transcripts.models import Status, Transcript

MAX_NAME_CHARS = 60
_LABEL = re.compile(r"S([1-9][0-9]?)")


class SpeakerEditError(ValueError):
    """An edit that cannot apply; the message says what to change."""


def _valid_label(label: object) -> str:
    match = _LABEL.fullmatch(str(label))
    if not match or int(match.group(1)) > MAX_SPEAKERS:
        raise SpeakerEditError(f"Speakers are labelled S1 to S{MAX_SPEAKERS}; got {label!r}.")
    return str(label)


def transcript_speakers_edit(*, transcript_id: int, team, names: dict | None = None,
                             segments: dict | None = None) -> Transcript:
    """Apply `names` ({"S1": "张经理"}; an empty name restores the label) and `segments`
    ({segment index: "S2"}) to one of the team's finished transcripts, atomically: either every
    change applies or none does."""
    with transaction.atomic():
        transcript = Transcript.objects.select_for_update().get(id=transcript_id, team=team)
        if transcript.status != Status.DONE:
            raise SpeakerEditError(f"The transcript is {transcript.status}; speakers can be edited once it is done.")
        stored = [dict(segment) for segment in transcript.segments]
        for index, label in (segments or {}).items():
            position = int(index) if str(index).isdigit() else -1
            if not 0 <= position < len(stored):
                raise SpeakerEditError(f"There is no segment {index!r}: segments are numbered 0 to {len(stored) - 1}.")
            stored[position]["speaker"] = _valid_label(label)
        present = {segment.get("speaker") for segment in stored} - {None}
        renamed = dict(transcript.speaker_names or {})
        for label, name in (names or {}).items():
            name = " ".join(str(name or "").split())
            if _valid_label(label) not in present:
                if not name:  # restoring the label of a speaker who no longer speaks: nothing to do
                    continue
                raise SpeakerEditError(f"{label} does not speak in this transcript.")
            if len(name) > MAX_NAME_CHARS:
                raise SpeakerEditError(f"A speaker's name can be at most {MAX_NAME_CHARS} characters.")
            if name and name != label:
                renamed[label] = name
            else:
                renamed.pop(label, None)
        transcript.segments = stored
        transcript.speaker_names = {label: name for label, name in renamed.items() if label in present}
        transcript.save(update_fields=["segments", "speaker_names"])
    return transcript
