from django.contrib import admin

from accounts.admin import TeamScopedAdmin
from transcripts.models import HotwordLibrary, Job, Transcript


@admin.register(Transcript)
class TranscriptAdmin(TeamScopedAdmin):
    list_display = ["id", "source_name", "team", "status", "language", "duration", "created_at"]
    list_filter = ["status", "language", "team", "created_at"]
    search_fields = ["source_name", "text", "itn_text"]
    readonly_fields = ["audio_key", "segments", "options"]
    date_hierarchy = "created_at"


@admin.register(Job)
class JobAdmin(TeamScopedAdmin):
    list_display = ["id", "team", "status", "created_at", "finished_at"]
    list_filter = ["status", "team"]


@admin.register(HotwordLibrary)
class HotwordLibraryAdmin(TeamScopedAdmin):
    list_display = ["name", "team", "updated_at"]
    list_filter = ["team"]
    search_fields = ["name", "terms"]
