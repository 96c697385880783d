"""Hotword library pages: members read, team admins create, edit, import, export and delete."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.current import require_membership
from accounts.models import Membership
from transcripts.engine import EngineError
from transcripts.engine.text import DEFAULT_WEIGHT, parse_hotwords
from transcripts.error_messages import shown_error
from transcripts.models import HotwordLibrary


class LibraryForm(forms.ModelForm):
    upload = forms.FileField(label=_("Import a file"), required=False,
                             help_text=_("A text file: one term per line, an optional weight after it."))
    import_mode = forms.ChoiceField(label=_("The file's terms"), initial="merge", widget=forms.RadioSelect, required=False,
                                    choices=[("merge", _("are added to the terms above")),
                                             ("replace", _("replace the terms above"))])
    added: int | None = None  # terms the imported file added, to tell the admin

    class Meta:
        model = HotwordLibrary
        fields = ["name", "terms"]
        labels = {"name": _("Name"), "terms": _("Terms")}
        help_texts = {"terms": _("One term per line, an optional weight from 1 to 100 after it (退费流程 20).")}

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        try:
            if upload:
                try:
                    imported = upload.read().decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise forms.ValidationError(_("The file must be UTF-8 text, one term per line.")) from None
                cleaned["terms"], self.added = merged_terms(
                    cleaned.get("terms", "") if cleaned.get("import_mode") != "replace" else "", imported)
            parse_hotwords(cleaned.get("terms", ""))
        except EngineError as e:
            raise forms.ValidationError(shown_error(e.code, e.message, e.params)) from None
        return cleaned


def merged_terms(current: str, imported: str) -> tuple[str, int]:
    """`current` with the imported file's terms it lacks appended (a term already there keeps its
    line); returns the text and how many terms were added."""
    known = {term for term, _weight in parse_hotwords(current)}
    new_lines = []
    for term, weight in parse_hotwords(imported):
        if term not in known:
            known.add(term)
            new_lines.append(term if weight == DEFAULT_WEIGHT else f"{term} {weight}")
    text = "\n".join(part for part in (current.strip(), *new_lines) if part)
    return text, len(new_lines)


@login_required
def library_list(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request)
    libraries = HotwordLibrary.objects.filter(team=membership.team)
    return render(request, "transcripts/hotwords.html", {"libraries": libraries})


@login_required
def library_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    membership = require_membership(request, at_least=Membership.Role.ADMIN)
    library = get_object_or_404(HotwordLibrary, team=membership.team, pk=pk) if pk else None
    form = LibraryForm(request.POST or None, request.FILES or None, instance=library)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.team, saved.terms = membership.team, form.cleaned_data["terms"]
        saved.created_by = saved.created_by or request.user
        if HotwordLibrary.objects.filter(team=membership.team, name=saved.name).exclude(pk=saved.pk).exists():
            form.add_error("name", _("This team already has a library with that name."))
        else:
            saved.save()
            if form.added is not None:
                messages.success(request, ngettext("Imported %(count)d new term.", "Imported %(count)d new terms.",
                                                   form.added) % {"count": form.added})
            return redirect("hotwords")
    return render(request, "transcripts/hotword_form.html", {"form": form, "library": library},
                  status=400 if form.errors else 200)


@login_required
def library_export(request: HttpRequest, pk: int) -> HttpResponse:
    membership = require_membership(request)
    library = get_object_or_404(HotwordLibrary, team=membership.team, pk=pk)
    response = HttpResponse(library.terms, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hotwords-{library.pk}.txt"'
    return response


@login_required
def library_delete(request: HttpRequest, pk: int) -> HttpResponse:
    membership = require_membership(request, at_least=Membership.Role.ADMIN)
    library = get_object_or_404(HotwordLibrary, team=membership.team, pk=pk)
    if request.method == "POST":
        library.delete()
        return redirect("hotwords")
    return render(request, "transcripts/hotword_delete.html", {"library": library})
