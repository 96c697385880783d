"""The multipart fields of POST /v1/audio/transcriptions: OpenAI's, then our optional extras."""
from __future__ import annotations

from rest_framework import serializers

from api.openai.responses import RESPONSE_FORMATS, STREAMED_FORMATS
from api.serializers import SpeakerOptionsSerializer, line_chars_or_error
from asrplatform.params import MAX_ID
from transcripts.engine.errors import UnknownModelError
from transcripts.engine.options import (
    CHINESE_SCRIPTS,
    MAX_CUE_SECONDS_RANGE,
    MAX_LINE_CHARS_RANGE,
    SPEAKER_COUNT_FIELDS,
)
from transcripts.request_options import requestable_models, requested_model

# OpenAI clients name "whisper-1" (or a newer transcription model); it means our default model.
OPENAI_MODEL_ALIASES = ("whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe")


class TranscriptionForm(SpeakerOptionsSerializer):
    file = serializers.FileField()
    model = serializers.CharField()
    language = serializers.CharField(required=False, allow_blank=True)
    prompt = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Accepted for compatibility and not used: name terms in `hotwords`.")
    response_format = serializers.ChoiceField(choices=RESPONSE_FORMATS, default="json")
    temperature = serializers.FloatField(required=False, min_value=0.0, max_value=1.0, default=0.0,
                                         help_text="Accepted for compatibility; decoding is beam search.")
    timestamp_granularities = serializers.ListField(
        child=serializers.ChoiceField(choices=["word", "segment"]), required=False, default=list)
    stream = serializers.BooleanField(
        required=False, default=False,
        help_text="Server-sent events (transcript.text.delta, transcript.text.done) with response_format json or "
                  "text; they come once recognition has finished.")
    # Our extras
    hotwords = serializers.CharField(required=False, allow_blank=True, default="")
    hotword_library_ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False,
                                                default=list)
    itn = serializers.BooleanField(required=False, allow_null=True, default=None)
    chinese_script = serializers.ChoiceField(choices=CHINESE_SCRIPTS, required=False)
    split_channels = serializers.BooleanField(required=False, allow_null=True, default=None)
    max_cue_seconds = serializers.FloatField(min_value=MAX_CUE_SECONDS_RANGE[0], max_value=MAX_CUE_SECONDS_RANGE[1],
                                             required=False, allow_null=True, default=None)
    max_line_chars = serializers.IntegerField(min_value=0, max_value=MAX_LINE_CHARS_RANGE[1], required=False,
                                              allow_null=True, default=None, validators=[line_chars_or_error])

    def validate_model(self, value: str) -> str:
        if value in OPENAI_MODEL_ALIASES:
            return ""  # the configured default
        try:
            return requested_model(value)
        except UnknownModelError:
            raise serializers.ValidationError(
                f"The model {value!r} does not exist. Use one of: {', '.join(requestable_models())} "
                f"(or {OPENAI_MODEL_ALIASES[0]} for the default)."
            ) from None

    def validate(self, data: dict) -> dict:
        data = super().validate(data)
        if data["timestamp_granularities"] and data["response_format"] != "verbose_json":
            raise serializers.ValidationError(
                {"timestamp_granularities": "timestamp_granularities needs response_format=verbose_json."})
        if data["stream"] and data["response_format"] not in STREAMED_FORMATS:
            raise serializers.ValidationError(
                {"stream": "stream=true sends the text as events; use response_format json or text with it, or "
                           "leave stream out for srt, vtt and verbose_json."})
        data["timestamp_granularities"] = data["timestamp_granularities"] or ["segment"]
        return data

    def recognition_data(self) -> dict:
        """The fields options_from reads; None (or left out) keeps the team's default."""
        data = self.validated_data
        return {"model": data["model"] or None, "language": data.get("language") or None,
                "hotwords": data["hotwords"], "libraries": data["hotword_library_ids"] or None, "itn": data["itn"],
                "chinese_script": data.get("chinese_script"), "split_channels": data["split_channels"],
                "word_timestamps": "word" in data["timestamp_granularities"],
                "max_cue_seconds": data["max_cue_seconds"], "max_line_chars": data["max_line_chars"],
                "diarize": data["diarize"], **{name: data[name] for name in SPEAKER_COUNT_FIELDS}}
