"""The pages of the product, in the order of the navigation."""
from django.urls import path

from transcripts.views import batch, history, hotwords, live, recognize, settings, vad, workspace

urlpatterns = [
    path("recognize/", recognize.recognize, name="recognize"),
    path("batch/", batch.batch, name="batch"),
    path("batch/<int:pk>/", batch.job_detail, name="job-detail"),
    path("batch/<int:pk>/cancel/", batch.job_cancel, name="job-cancel"),
    path("batch/<int:pk>/export.<str:fmt>", batch.job_export, name="job-export"),
    path("live/", live.live, name="live"),
    path("vad/", vad.vad, name="vad"),
    path("history/", history.history, name="history"),
    path("history/export.<str:fmt>", history.history_export, name="history-export"),
    path("history/delete/", history.history_delete, name="history-delete"),
    path("transcripts/<int:pk>/", workspace.transcript_detail, name="transcript-detail"),
    path("transcripts/<int:pk>/edit/", workspace.transcript_edit_page, name="transcript-edit"),
    path("transcripts/<int:pk>/restore/<int:number>/", workspace.transcript_restore_page,
         name="transcript-restore"),
    path("transcripts/<int:pk>/audio/", workspace.transcript_audio, name="transcript-audio"),
    path("transcripts/<int:pk>/download/<str:fmt>/", workspace.transcript_download, name="transcript-download"),
    path("settings/", settings.settings_page, name="settings"),
    path("hotwords/", hotwords.library_list, name="hotwords"),
    path("hotwords/new/", hotwords.library_edit, name="hotword-new"),
    path("hotwords/<int:pk>/", hotwords.library_edit, name="hotword-edit"),
    path("hotwords/<int:pk>/export/", hotwords.library_export, name="hotword-export"),
    path("hotwords/<int:pk>/delete/", hotwords.library_delete, name="hotword-delete"),
]
