from django import forms

from transcripts.engine.languages import WHISPER_LANGUAGES
from transcripts.engine.options import CHINESE_SCRIPTS

LANGUAGE_CHOICES = [("auto", "auto")] + [(code, code) for code in sorted(WHISPER_LANGUAGES)]


class SharedOptionsForm(forms.Form):
    """Recognition options that the single-file and batch pages share."""

    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, initial="auto")
    libraries = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    hotwords = forms.CharField(required=False, help_text="ad-hoc terms, one per line")
    itn = forms.BooleanField(required=False, initial=True)
    chinese_script = forms.ChoiceField(choices=[(s, s) for s in CHINESE_SCRIPTS], initial="simplified")

    def __init__(self, *args, libraries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["libraries"].choices = [(str(lib.id), lib.name) for lib in libraries]


class RecognizeForm(SharedOptionsForm):
    audio = forms.FileField()
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


class BatchForm(SharedOptionsForm):
    audio = MultipleFileField(help_text="several files at once")
    field_order = ["audio"]


VAD_MODEL_CHOICES = [("fsmn", "FSMN-VAD (FunASR)"), ("silero", "Silero VAD")]


class VadForm(forms.Form):
    audio = forms.FileField()
    model = forms.ChoiceField(choices=VAD_MODEL_CHOICES, initial="fsmn")
    threshold = forms.FloatField(min_value=0.01, max_value=0.99, initial=0.5)
    min_speech_ms = forms.IntegerField(min_value=0, max_value=10000, initial=250)
    min_silence_ms = forms.IntegerField(min_value=0, max_value=10000, initial=500)
    max_segment_ms = forms.IntegerField(min_value=1000, max_value=30000, initial=30000)
