from django import forms

from transcripts.engine.languages import WHISPER_LANGUAGES
from transcripts.engine.options import CHINESE_SCRIPTS

LANGUAGE_CHOICES = [("auto", "auto")] + [(code, code) for code in sorted(WHISPER_LANGUAGES)]


class RecognizeForm(forms.Form):
    audio = forms.FileField()
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, initial="auto")
    libraries = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    hotwords = forms.CharField(required=False, help_text="ad-hoc terms, one per line")
    itn = forms.BooleanField(required=False, initial=True)
    chinese_script = forms.ChoiceField(choices=[(s, s) for s in CHINESE_SCRIPTS], initial="simplified")

    def __init__(self, *args, libraries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["libraries"].choices = [(str(lib.id), lib.name) for lib in libraries]
