"""What the API reads and writes. Options fields are shared by single uploads and jobs."""
from __future__ import annotations

from rest_framework import serializers

from asrplatform.params import MAX_ID
from transcripts.engine import EngineError
from transcripts.engine.languages import LANGUAGE_CODES
from transcripts.engine.options import (
    CHINESE_SCRIPTS,
    COUNT_AND_RANGE,
    MAX_CUE_SECONDS_RANGE,
    MAX_LINE_CHARS_RANGE,
    MIN_OVER_MAX,
    SPEAKER_COUNT_RANGE,
    VAD_CHOICES,
    line_chars_allowed,
    speaker_count_conflicts,
)
from transcripts.engine.text import parse_hotwords
from transcripts.engine.vad import DURATION_MS_RANGE, MAX_SEGMENT_MS_RANGE, THRESHOLD_RANGE, VAD_MODELS
from transcripts.models import HotwordLibrary, Transcript, TranscriptRevision
from transcripts.request_options import requested_model
from transcripts.selectors import last_edit


def speaker_count_field(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=SPEAKER_COUNT_RANGE[0], max_value=SPEAKER_COUNT_RANGE[1], required=False,
                                    allow_null=True, default=None, help_text=help_text)


class SpeakerOptionsSerializer(serializers.Serializer):
    """Who spoke when: shared by /api/ and /v1/."""

    diarize = serializers.BooleanField(required=False, allow_null=True, default=None,
                                       help_text="Label speakers (S1, S2, ...); a speaker count turns it on too.")
    num_speakers = speaker_count_field("The number of speakers, when known.")
    min_speakers = speaker_count_field("At least this many speakers.")
    max_speakers = speaker_count_field("At most this many speakers.")

    def validate(self, data: dict) -> dict:
        data = super().validate(data)
        messages = {MIN_OVER_MAX: "Must be at least min_speakers.",
                    COUNT_AND_RANGE: "Give num_speakers or min/max_speakers, not both."}
        for field, rule in speaker_count_conflicts(data.get("num_speakers"), data.get("min_speakers"),
                                                   data.get("max_speakers")):
            raise serializers.ValidationError({field: messages[rule]})
        return data


def line_chars_or_error(value: int | None) -> int | None:
    if value is not None and not line_chars_allowed(value):
        raise serializers.ValidationError(f"Use 0 (by language) or at least {MAX_LINE_CHARS_RANGE[0]}.")
    return value


class RecognitionOptionsSerializer(SpeakerOptionsSerializer):
    """Fields left out take the team's defaults (settings page), then the built-in ones."""

    language = serializers.ChoiceField(choices=LANGUAGE_CODES, required=False,
                                       help_text="ISO 639-1 code, or auto to detect it.")
    model = serializers.CharField(required=False, help_text="A model name from GET /v1/models.")
    hotwords = serializers.CharField(required=False, allow_blank=True,
                                     help_text="Ad-hoc terms: one per line, or separated by commas.")
    libraries = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False,
                                      help_text="Ids of the team's hotword libraries to use.")
    itn = serializers.BooleanField(required=False, allow_null=True, default=None,
                                   help_text="Inverse text normalisation (二零二五年 → 2025年).")
    chinese_script = serializers.ChoiceField(choices=CHINESE_SCRIPTS, required=False)
    word_timestamps = serializers.BooleanField(required=False, allow_null=True, default=None)
    split_channels = serializers.BooleanField(required=False, allow_null=True, default=None,
                                              help_text="Recognise each channel separately.")
    vad = serializers.ChoiceField(choices=VAD_CHOICES, required=False)
    max_segment_ms = serializers.IntegerField(min_value=MAX_SEGMENT_MS_RANGE[0], max_value=MAX_SEGMENT_MS_RANGE[1],
                                              required=False)
    max_cue_seconds = serializers.FloatField(
        min_value=MAX_CUE_SECONDS_RANGE[0], max_value=MAX_CUE_SECONDS_RANGE[1], required=False,
        help_text="Longest subtitle cue (segment), in seconds; default 7.")
    max_line_chars = serializers.IntegerField(
        min_value=0, max_value=MAX_LINE_CHARS_RANGE[1], required=False, validators=[line_chars_or_error],
        help_text=f"Characters per subtitle line (two lines per cue): 0 (default) for 16 in Chinese, "
                  f"Japanese and Korean and 42 otherwise, or {MAX_LINE_CHARS_RANGE[0]} to {MAX_LINE_CHARS_RANGE[1]}.")

    def validate_model(self, value: str) -> str:
        try:
            return requested_model(value)
        except EngineError as e:
            raise serializers.ValidationError(e.message) from None



class TranscriptCreateSerializer(RecognitionOptionsSerializer):
    file = serializers.FileField(help_text="The recording: any format ffmpeg reads (wav, mp3, m4a, ogg, flac, mp4…).")


class JobCreateSerializer(RecognitionOptionsSerializer):
    files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=100,
                                  help_text="The recordings, as repeated `files` form fields.")


class TranscriptSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Transcript
        fields = ["id", "job", "status", "source_name", "progress", "language", "duration", "text", "itn_text",
                  "model", "device", "processing_seconds", "error_code", "error_message", "audio_purged",
                  "created_by", "created_at", "started_at", "finished_at"]
        read_only_fields = fields


class TranscriptDetailSerializer(TranscriptSerializer):
    edited = serializers.SerializerMethodField(
        help_text="null, or who made the last correction, when, and how many revisions there are.")

    class Meta(TranscriptSerializer.Meta):
        fields = TranscriptSerializer.Meta.fields + ["language_probability", "languages", "options", "segments",
                                                     "dropped", "speaker_names", "edited"]
        read_only_fields = fields

    def get_edited(self, transcript) -> dict | None:
        latest = last_edit(transcript)
        if latest is None:
            return None
        return {"by": latest.created_by.username if latest.created_by else None, "at": latest.created_at,
                "revisions": latest.number, "restored": latest.restored}


class SegmentEditSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, max_length=2000, help_text="The corrected text.")
    speaker = serializers.CharField(required=False, max_length=3, help_text="A speaker label, S1 to S20.")


class TranscriptEditSerializer(serializers.Serializer):
    segments = serializers.DictField(child=SegmentEditSerializer(), required=False,
                                     help_text='Segment index to its corrections, e.g. {"3": {"text": "…"}}.')
    speaker_names = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=60), required=False,
                                          help_text='Label to name, e.g. {"S1": "张经理"}; "" restores the label.')

    def validate(self, data: dict) -> dict:
        if not data.get("segments") and not data.get("speaker_names"):
            raise serializers.ValidationError("Send segments, speaker_names, or both.")
        return data


class RevisionSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = TranscriptRevision
        fields = ["number", "created_by", "created_at", "restored", "text", "itn_text", "segments", "speaker_names"]
        read_only_fields = fields


class JobFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    progress = serializers.FloatField()
    duration = serializers.FloatField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
    error_code = serializers.CharField(allow_blank=True, help_text="A stable code for the error, e.g. undecodable_audio.")
    preview = serializers.CharField(allow_blank=True, help_text="The start of the file's text, once recognised.")


class JobCurrentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    position = serializers.FloatField(help_text="Seconds of the running file recognised so far.")
    duration = serializers.FloatField(allow_null=True)


class JobSnapshotSerializer(serializers.Serializer):
    """A job's progress, the same as its WebSocket (/ws/jobs/<id>/) sends."""

    job = serializers.IntegerField()
    status = serializers.CharField()
    done = serializers.IntegerField(help_text="Files finished (done, failed or cancelled).")
    total = serializers.IntegerField()
    fraction = serializers.FloatField(help_text="Share of the job's audio recognised, 0 to 1.")
    eta_seconds = serializers.FloatField(allow_null=True)
    current = JobCurrentSerializer(allow_null=True)
    files = JobFileSerializer(many=True)


class HotwordLibrarySerializer(serializers.ModelSerializer):
    class Meta:
        model = HotwordLibrary
        fields = ["id", "name", "terms", "updated_at"]
        read_only_fields = ["id", "updated_at"]

    def validate_terms(self, value: str) -> str:
        try:
            parse_hotwords(value)
        except EngineError as e:
            raise serializers.ValidationError(e.message) from None
        return value

    def validate_name(self, value: str) -> str:
        team = self.context["team"]
        taken = HotwordLibrary.objects.filter(team=team, name=value)
        if self.instance is not None:
            taken = taken.exclude(id=self.instance.id)
        if taken.exists():
            raise serializers.ValidationError(f"{team.name} already has a library named {value!r}.")
        return value


class VadRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    model = serializers.ChoiceField(choices=VAD_MODELS, default="silero")
    threshold = serializers.FloatField(min_value=THRESHOLD_RANGE[0], max_value=THRESHOLD_RANGE[1], default=0.5)
    min_speech_ms = serializers.IntegerField(min_value=DURATION_MS_RANGE[0], max_value=DURATION_MS_RANGE[1], default=250)
    min_silence_ms = serializers.IntegerField(min_value=DURATION_MS_RANGE[0], max_value=DURATION_MS_RANGE[1],
                                              default=500)
    max_segment_ms = serializers.IntegerField(min_value=MAX_SEGMENT_MS_RANGE[0], max_value=MAX_SEGMENT_MS_RANGE[1],
                                              default=MAX_SEGMENT_MS_RANGE[1])


class SpeechSegmentSerializer(serializers.Serializer):
    start_ms = serializers.IntegerField()
    end_ms = serializers.IntegerField()
    duration_ms = serializers.IntegerField()


class VadResultSerializer(serializers.Serializer):
    duration_ms = serializers.IntegerField()
    options = serializers.DictField()
    segments = SpeechSegmentSerializer(many=True)


class SystemSerializer(serializers.Serializer):
    version = serializers.CharField()
    device = serializers.DictField(help_text="in_use (cpu or cuda:N), compute_type, note.")
    devices_present = serializers.DictField(child=serializers.IntegerField())
    default_model = serializers.CharField()
    loaded_models = serializers.ListField(child=serializers.CharField())
    models = serializers.ListField(child=serializers.DictField(),
                                   help_text="name, kind, languages, size, ready, detail; path for site staff only.")
    queue = serializers.DictField(child=serializers.IntegerField(),
                                  help_text="Transcripts queued and running: the caller's team "
                                            "(every team together for site staff).")
    workers = serializers.ListField(child=serializers.DictField(), required=False,
                                    help_text="django-q2 clusters that reported in (site staff only).")
    worker_models = serializers.ListField(
        child=serializers.DictField(), required=False,
        help_text="Per worker process: worker, models, device (its label), device_note (why a GPU gave way "
                  "to the CPU, if it did), seconds_ago (site staff only).")
    storage = serializers.DictField(required=False, help_text="Sizes under the data directory (site staff only).")
