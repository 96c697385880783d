"""People correcting a transcript: segment texts, who spoke, speakers' names; and going back.

Every change is a revision (TranscriptRevision): the first one also saves the recogniser's own
output as revision 0. The Transcript row always holds the current state, so exports, the API,
search and history read the corrected text with no extra step.
"""
from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from transcripts.engine.result import DECODER_SCORES, join_segments
from transcripts.engine.speakers import MAX_SPEAKERS
from transcripts.models import Status, Transcript, TranscriptRevision
from transcripts.selectors import transcript_result

MAX_NAME_CHARS = 60
MAX_SEGMENT_CHARS = 2000
_LABEL = re.compile(r"S([1-9][0-9]?)")


class EditError(ValueError):
    """An edit that cannot apply; the message says what to change."""


def _valid_label(label: object) -> str:
    match = _LABEL.fullmatch(str(label))
    if not match or int(match.group(1)) > MAX_SPEAKERS:
        raise EditError(_("Speakers are labelled S1 to S%(last)d; got “%(label)s”.")
                        % {"last": MAX_SPEAKERS, "label": str(label)[:40]})
    return str(label)


def _position(index: object, count: int) -> int:
    position = int(index) if str(index).isdigit() else -1
    if not 0 <= position < count:
        raise EditError(_("There is no segment “%(index)s”: segments are numbered 0 to %(last)d.")
                        % {"index": str(index)[:40], "last": count - 1})
    return position


def _state(source: Transcript | TranscriptRevision) -> dict[str, Any]:
    return {"segments": source.segments, "speaker_names": source.speaker_names or {}, "text": source.text,
            "itn_text": source.itn_text}


def _finished(transcript_id: int, team) -> Transcript:
    transcript = Transcript.objects.select_for_update().get(id=transcript_id, team=team)
    if transcript.status != Status.DONE:
        raise EditError(_("The transcript is %(status)s; it can be edited once it is done.")
                        % {"status": transcript.get_status_display()})
    return transcript


def _record(transcript: Transcript, user, *, restored: int | None = None) -> TranscriptRevision:
    """Save the transcript's new state as its next revision (revision 0, the recogniser's output,
    first when this is the first edit: `transcript` still holds it in the database)."""
    if not transcript.revisions.exists():
        TranscriptRevision.objects.create(transcript=transcript, number=0,
                                          **_state(Transcript.objects.get(id=transcript.id)))
    number = transcript.revisions.order_by("-number").values_list("number", flat=True).first() + 1
    transcript.save(update_fields=["segments", "speaker_names", "text", "itn_text"])
    return TranscriptRevision.objects.create(transcript=transcript, number=number, created_by=user,
                                             restored=restored, **_state(transcript))


def transcript_edit(*, transcript_id: int, team, user, texts: dict | None = None, speakers: dict | None = None,
                    names: dict | None = None) -> Transcript:
    """Apply corrections to one of the team's finished transcripts, all or none:
    `texts` {segment index: new text}, `speakers` {segment index: "S2"}, `names` {"S1": "张经理"}
    (an empty name restores the label). A change that changes nothing records no revision."""
    with transaction.atomic():
        transcript = _finished(transcript_id, team)
        segments = [dict(segment) for segment in transcript.segments]
        for index, text in (texts or {}).items():
            position = _position(index, len(segments))
            text = " ".join(str(text or "").split())
            if not text:
                raise EditError(_("Segment %(number)d would be empty; write its text (or leave it as it was).")
                                % {"number": position})
            if len(text) > MAX_SEGMENT_CHARS:
                raise EditError(_("A segment can hold at most %(count)d characters.") % {"count": MAX_SEGMENT_CHARS})
            if text != (segments[position].get("itn_text") or segments[position].get("text")):
                # the written form people see is the one they corrected; word times and the decoder's
                # scores describe the recogniser's text, not theirs
                segments[position].update(text=text, itn_text=text, words=[], **dict.fromkeys(DECODER_SCORES))
        for index, label in (speakers or {}).items():
            segments[_position(index, len(segments))]["speaker"] = _valid_label(label)
        names = _renamed(transcript.speaker_names or {}, names or {}, segments)
        if segments == transcript.segments and names == (transcript.speaker_names or {}):
            return transcript
        transcript.segments, transcript.speaker_names = segments, names
        result = transcript_result(transcript)
        transcript.text = join_segments(result.segments, result.language)
        transcript.itn_text = join_segments(result.segments, result.language, itn=True)
        _record(transcript, user)
    return transcript


def _renamed(current: dict, names: dict, segments: list[dict]) -> dict:
    present = {segment.get("speaker") for segment in segments} - {None}
    renamed = dict(current)
    for label, name in names.items():
        name = " ".join(str(name or "").split())
        if _valid_label(label) not in present:
            if not name:  # restoring the label of a speaker who no longer speaks: nothing to do
                continue
            raise EditError(_("%(label)s does not speak in this transcript.") % {"label": label})
        if len(name) > MAX_NAME_CHARS:
            raise EditError(_("A speaker's name can be at most %(count)d characters.") % {"count": MAX_NAME_CHARS})
        if name and name != label:
            renamed[label] = name
        else:
            renamed.pop(label, None)
    return {label: name for label, name in renamed.items() if label in present}


def transcript_restore(*, transcript_id: int, team, user, number: int) -> Transcript:
    """Bring back revision `number` (0: the recogniser's output) as a new revision."""
    with transaction.atomic():
        transcript = _finished(transcript_id, team)
        revision = transcript.revisions.filter(number=number).first()
        if revision is None:
            raise EditError(_("This transcript has no revision %(number)d.") % {"number": number})
        for field, value in _state(revision).items():
            setattr(transcript, field, value)
        _record(transcript, user, restored=number)
    return transcript
