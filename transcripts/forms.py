from django import forms
from django.utils.translation import gettext_lazy as _

from transcripts.engine.errors import EngineError
from transcripts.engine.options import (
    CHINESE_SCRIPTS,
    COUNT_AND_RANGE,
    MAX_CUE_SECONDS_RANGE,
    MAX_LINE_CHARS_RANGE,
    MIN_OVER_MAX,
    SPEAKER_COUNT_RANGE,
    line_chars_allowed,
    speaker_count_conflicts,
)
from transcripts.engine.text import parse_hotwords
from transcripts.engine.vad import DURATION_MS_RANGE, MAX_SEGMENT_MS_RANGE, THRESHOLD_RANGE, VAD_LABELS, VAD_MODELS
from transcripts.error_messages import shown_error
from transcripts.language_names import language_choices

VAD_MODEL_CHOICES = [(model, VAD_LABELS[model]) for model in VAD_MODELS]
CHINESE_SCRIPT_LABELS = {"simplified": _("Simplified"), "traditional": _("Traditional"),
                         "keep": _("As the model wrote it")}
VAD_MODEL_CHOICES_WITH_NONE = VAD_MODEL_CHOICES + [("none", _("none (whole audio)"))]


class SharedOptionsForm(forms.Form):
    """Recognition options that the single-file and batch pages share."""

    language = forms.ChoiceField(label=_("Language"), choices=language_choices, initial="auto")
    libraries = forms.MultipleChoiceField(label=_("Hotword libraries"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    hotwords = forms.CharField(label=_("Extra hotwords"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3, "placeholder": "通义千问\nComfyUI"}),
                               help_text=_("One per line, or separated by commas."))
    itn = forms.BooleanField(label=_("Inverse text normalisation (ITN)"), required=False, initial=True)
    chinese_script = forms.ChoiceField(label=_("Chinese script"), initial="simplified",
                                       choices=[(s, CHINESE_SCRIPT_LABELS[s]) for s in CHINESE_SCRIPTS])
    max_cue_seconds = forms.FloatField(
        label=_("Longest subtitle cue (s)"), required=False, initial=7.0,
        min_value=MAX_CUE_SECONDS_RANGE[0], max_value=MAX_CUE_SECONDS_RANGE[1])
    max_line_chars = forms.IntegerField(
        label=_("Characters per subtitle line"), required=False, initial=0,
        min_value=0, max_value=MAX_LINE_CHARS_RANGE[1],
        help_text=_("0: 16 for Chinese, Japanese and Korean, 42 for other languages."))
    diarize = forms.BooleanField(label=_("Label speakers (who spoke when)"), required=False, initial=False)

    def clean_hotwords(self):
        value = self.cleaned_data["hotwords"]
        try:
            parse_hotwords(value)
        except EngineError as e:
            raise forms.ValidationError(shown_error(e.code, e.message, e.params)) from None
        return value

    def clean_max_line_chars(self):
        value = self.cleaned_data["max_line_chars"]
        if value is not None and not line_chars_allowed(value):
            raise forms.ValidationError(_("Use 0 (by language) or at least %(low)d.") % {"low": MAX_LINE_CHARS_RANGE[0]})
        return value

    def __init__(self, *args, libraries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["libraries"].choices = [(str(lib.id), lib.name) for lib in libraries]


def _speaker_count(label):
    return forms.IntegerField(label=label, required=False, min_value=SPEAKER_COUNT_RANGE[0],
                              max_value=SPEAKER_COUNT_RANGE[1])


class SpeakerCountsForm(SharedOptionsForm):
    """The upload pages' options: the shared ones, the model and VAD (which the team defaults
    preselect), and per-request speaker counts (a team default would be wrong for most of its
    recordings)."""

    model = forms.ChoiceField(label=_("Model"), choices=(), required=False)
    vad = forms.ChoiceField(label=_("VAD model"), choices=VAD_MODEL_CHOICES_WITH_NONE, required=False)

    num_speakers = _speaker_count(_("Number of speakers"))
    min_speakers = _speaker_count(_("At least this many speakers"))
    max_speakers = _speaker_count(_("At most this many speakers"))

    def __init__(self, *args, models=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [(m, m) for m in models]

    def clean_model(self):
        return self.cleaned_data["model"] or None  # not sent: the team's default

    def clean_vad(self):
        return self.cleaned_data["vad"] or None

    def clean(self):
        data = super().clean()
        messages = {MIN_OVER_MAX: _("Must be at least the smallest number of speakers."),
                    COUNT_AND_RANGE: _("Give the number of speakers, or a range, not both.")}
        for field, rule in speaker_count_conflicts(data.get("num_speakers"), data.get("min_speakers"),
                                                   data.get("max_speakers")):
            self.add_error(field, messages[rule])
        return data


class RecognizeForm(SpeakerCountsForm):
    audio = forms.FileField(label=_("Audio file"))
    field_order = ["audio"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class BatchForm(SpeakerCountsForm):
    # an empty file is not the whole batch's fault: it becomes a failed row with its reason
    audio = MultipleFileField(label=_("Audio files"), help_text=_("Several files at once."), allow_empty_file=True)
    field_order = ["audio"]


class VadForm(forms.Form):
    audio = forms.FileField(label=_("Audio file"))
    model = forms.ChoiceField(label=_("VAD model"), choices=VAD_MODEL_CHOICES, initial="silero")
    threshold = forms.FloatField(label=_("Threshold"), min_value=THRESHOLD_RANGE[0], max_value=THRESHOLD_RANGE[1],
                                 initial=0.5)
    min_speech_ms = forms.IntegerField(label=_("Shortest speech (ms)"), min_value=DURATION_MS_RANGE[0],
                                       max_value=DURATION_MS_RANGE[1], initial=250)
    min_silence_ms = forms.IntegerField(label=_("Shortest silence (ms)"), min_value=DURATION_MS_RANGE[0],
                                        max_value=DURATION_MS_RANGE[1], initial=500)
    max_segment_ms = forms.IntegerField(label=_("Longest segment (ms)"), min_value=MAX_SEGMENT_MS_RANGE[0],
                                        max_value=MAX_SEGMENT_MS_RANGE[1],
                                        initial=30000)


class TeamDefaultsForm(SharedOptionsForm):
    """The team's recognition defaults (系统设置); every page and API call starts from them."""

    hotwords = None  # ad-hoc terms belong to one request; a team keeps its terms in libraries
    vad = forms.ChoiceField(label=_("VAD model"), choices=VAD_MODEL_CHOICES_WITH_NONE)
    max_segment_ms = forms.IntegerField(label=_("Longest segment (ms)"), min_value=MAX_SEGMENT_MS_RANGE[0],
                                        max_value=MAX_SEGMENT_MS_RANGE[1])
    model = forms.ChoiceField(label=_("Model"), choices=())
    field_order = ["language", "itn", "chinese_script", "libraries", "vad", "max_segment_ms", "max_cue_seconds",
                   "max_line_chars", "diarize", "model"]

    def __init__(self, *args, libraries=(), models=(), **kwargs):
        super().__init__(*args, libraries=libraries, **kwargs)
        self.fields["model"].choices = [(m, m) for m in models]

    def defaults(self) -> dict:
        data = dict(self.cleaned_data)
        data["libraries"] = [int(i) for i in data["libraries"]]
        return data
