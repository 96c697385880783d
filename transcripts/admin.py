from django.contrib import admin, messages
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import TEAM_FILTER, TeamScopedAdmin
from accounts.models import Membership
from transcripts import services
from transcripts.models import HotwordLibrary, Job, Transcript


def _export(fmt: str):
    def action(modeladmin, request, queryset):
        response = HttpResponse(services.transcripts_export(queryset, fmt),
                                content_type="text/csv; charset=utf-8" if fmt == "csv" else "application/json")
        response["Content-Disposition"] = f'attachment; filename="transcripts.{fmt}"'
        return response

    action.__name__ = f"export_{fmt}"
    action.short_description = format_lazy(_("Export selected as {format}"), format=fmt.upper())
    return action


@admin.action(description=_("Purge stored audio (keep the text)"), permissions=["change"])
def purge_audio(modeladmin, request, queryset):
    count = services.transcripts_purge_audio(rows=list(modeladmin.writable(request, queryset)))
    modeladmin.message_user(request, ngettext("Purged the audio of %(count)d transcript.",
                                              "Purged the audio of %(count)d transcripts.", count) % {"count": count},
                            messages.SUCCESS)


@admin.action(description=_("Delete those of the selected older than N days…"), permissions=["delete"])
def delete_older_than(modeladmin, request, queryset):
    """Asks for N first (an intermediate page), then deletes the selected rows older than N days
    with their audio. "Select all" in the changelist makes this a clean-up of every row in reach."""
    queryset = modeladmin.writable(request, queryset)
    days = request.POST.get("days", "")
    if "apply" in request.POST and days.isdigit():
        count = services.transcripts_delete_older_than(days=int(days), rows=queryset)
        modeladmin.message_user(request, ngettext("Deleted %(count)d transcript older than %(days)s days.",
                                                  "Deleted %(count)d transcripts older than %(days)s days.", count)
                                % {"count": count, "days": days}, messages.SUCCESS)
        return None
    return TemplateResponse(request, "admin/transcripts/delete_older_than.html", {
        **modeladmin.admin_site.each_context(request), "title": _("Delete transcripts older than N days"),
        "queryset": queryset, "opts": modeladmin.model._meta, "days": days or "90",
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
    })


@admin.register(Transcript)
class TranscriptAdmin(TeamScopedAdmin):
    list_display = ["id", "source_name", "team", "status", "language", "duration", "created_at"]
    list_filter = ["status", "language", TEAM_FILTER, "created_at"]
    search_fields = ["source_name", "text", "itn_text"]
    readonly_fields = ["audio_key", "segments", "options"]
    date_hierarchy = "created_at"
    # The querysets handed to actions come from get_queryset, so they are team-scoped too.
    actions = [_export("csv"), _export("json"), purge_audio, delete_older_than]


@admin.register(Job)
class JobAdmin(TeamScopedAdmin):
    list_display = ["id", "team", "status", "created_at", "finished_at"]
    list_filter = ["status", TEAM_FILTER]


@admin.register(HotwordLibrary)
class HotwordLibraryAdmin(TeamScopedAdmin):
    write_role = Membership.Role.ADMIN
    list_display = ["name", "team", "updated_at"]
    list_filter = [TEAM_FILTER]
    search_fields = ["name", "terms"]
