"""One source for each option's choices and bounds (issue 18, item 4): the engine, the page forms,
the REST serializers and the OpenAI form agree, because they read the same constants."""
import pytest

from api.openai.forms import TranscriptionForm
from api.serializers import TranscriptCreateSerializer, VadRequestSerializer
from transcripts.engine.errors import InvalidOptionError
from transcripts.engine.languages import LANGUAGE_CODES
from transcripts.engine.options import CHINESE_SCRIPTS, VAD_CHOICES, TranscribeOptions
from transcripts.engine.vad import MAX_SEGMENT_MS_RANGE, THRESHOLD_RANGE, VAD_MODELS, VadOptions
from transcripts.forms import SpeakerCountsForm, TeamDefaultsForm, VadForm


def test_the_choices_are_the_engines():
    assert [c for c, _ in SpeakerCountsForm().fields["vad"].choices] == list(VAD_CHOICES)
    assert [c for c, _ in TeamDefaultsForm(libraries=(), models=()).fields["vad"].choices] == list(VAD_CHOICES)
    assert [c for c, _ in VadForm().fields["model"].choices] == list(VAD_MODELS)
    assert list(VadRequestSerializer().fields["model"].choices) == list(VAD_MODELS)
    rest = TranscriptCreateSerializer().fields
    assert list(rest["vad"].choices) == list(VAD_CHOICES) and list(rest["language"].choices) == list(LANGUAGE_CODES)
    assert list(rest["chinese_script"].choices) == list(CHINESE_SCRIPTS)
    assert list(TranscriptionForm().fields["chinese_script"].choices) == list(CHINESE_SCRIPTS)
    assert [c for c, _ in SpeakerCountsForm().fields["chinese_script"].choices] == list(CHINESE_SCRIPTS)


def _engine_allows(options) -> bool:
    try:
        options.validated()
    except InvalidOptionError:
        return False
    return True


@pytest.mark.parametrize("value, allowed", [(MAX_SEGMENT_MS_RANGE[0], True), (MAX_SEGMENT_MS_RANGE[1], True),
                                            (MAX_SEGMENT_MS_RANGE[0] - 1, False), (MAX_SEGMENT_MS_RANGE[1] + 1, False)])
def test_every_door_draws_the_max_segment_line_in_the_same_place(value, allowed):
    engine = _engine_allows(TranscribeOptions(max_segment_ms=value))
    page = VadForm(data={"model": "silero", "threshold": 0.5, "min_speech_ms": 250, "min_silence_ms": 500,
                         "max_segment_ms": value})
    page.is_valid()
    rest = VadRequestSerializer(data={"max_segment_ms": value})
    rest.is_valid()
    assert engine is allowed
    assert ("max_segment_ms" not in page.errors) is allowed and ("max_segment_ms" not in rest.errors) is allowed


@pytest.mark.parametrize("value, allowed", [(THRESHOLD_RANGE[0], True), (THRESHOLD_RANGE[1], True), (0.0, False),
                                            (1.0, False)])
def test_every_door_draws_the_threshold_line_in_the_same_place(value, allowed):
    engine = _engine_allows(VadOptions(threshold=value))
    rest = VadRequestSerializer(data={"threshold": value})
    rest.is_valid()
    assert engine is allowed and ("threshold" not in rest.errors) is allowed
