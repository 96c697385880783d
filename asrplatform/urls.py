from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as account_views
from api.urls import api_urlpatterns, openai_urlpatterns
from asrplatform import views
from transcripts import batch_views, hotword_views, live_views, settings_views, vad_views
from transcripts import views as transcript_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="recognize"), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(success_url="/"), name="password-change"),
    path("team/switch/", account_views.switch_team, name="switch-team"),
    path("team/members/", account_views.members, name="members"),
    path("account/token/", account_views.api_token, name="api-token"),
    path("recognize/", transcript_views.recognize, name="recognize"),
    path("batch/", batch_views.batch, name="batch"),
    path("batch/<int:pk>/", batch_views.job_detail, name="job-detail"),
    path("batch/<int:pk>/cancel/", batch_views.job_cancel, name="job-cancel"),
    path("batch/<int:pk>/export.<str:fmt>", batch_views.job_export, name="job-export"),
    path("live/", live_views.live, name="live"),
    path("vad/", vad_views.vad, name="vad"),
    path("settings/", settings_views.settings_page, name="settings"),
    path("history/", transcript_views.history, name="history"),
    path("history/export.<str:fmt>", transcript_views.history_export, name="history-export"),
    path("history/delete/", transcript_views.history_delete, name="history-delete"),
    path("transcripts/<int:pk>/", transcript_views.transcript_detail, name="transcript-detail"),
    path("transcripts/<int:pk>/edit/", transcript_views.transcript_edit_page, name="transcript-edit"),
    path("transcripts/<int:pk>/restore/<int:number>/", transcript_views.transcript_restore_page,
         name="transcript-restore"),
    path("transcripts/<int:pk>/audio/", transcript_views.transcript_audio, name="transcript-audio"),
    path("transcripts/<int:pk>/download/<str:fmt>/", transcript_views.transcript_download, name="transcript-download"),
    path("hotwords/", hotword_views.library_list, name="hotwords"),
    path("hotwords/new/", hotword_views.library_edit, name="hotword-new"),
    path("hotwords/<int:pk>/", hotword_views.library_edit, name="hotword-edit"),
    path("hotwords/<int:pk>/export/", hotword_views.library_export, name="hotword-export"),
    path("hotwords/<int:pk>/delete/", hotword_views.library_delete, name="hotword-delete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns)),
    path("v1/", include(openai_urlpatterns)),
]
