from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import hotwords, jobs, system, teams, transcripts, vad
from api.openai import views as openai_views

# Swagger UI and Redoc style themselves inline and Redoc parses in a blob worker; their scripts
# still come from our own static files (the split view serves Swagger's setup as a script).
_docs_csp = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})

router = DefaultRouter()
router.register("transcripts", transcripts.TranscriptViewSet, basename="api-transcript")
router.register("jobs", jobs.JobViewSet, basename="api-job")
router.register("hotword-libraries", hotwords.HotwordLibraryViewSet, basename="api-hotword-library")

api_urlpatterns = [
    path("", include(router.urls)),
    path("vad/", vad.VadView.as_view(), name="api-vad"),
    path("teams/", teams.TeamListView.as_view(), name="api-teams"),
    path("teams/<int:team_id>/members/", teams.TeamMembersView.as_view(), name="api-team-members"),
    path("teams/<int:team_id>/members/<int:member_id>/", teams.TeamMemberView.as_view(), name="api-team-member"),
    path("system/", system.SystemView.as_view(), name="api-system"),
    path("system/clear-cache/", system.ClearCacheView.as_view(), name="api-clear-cache"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", _docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("redoc/", _docs_csp(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
]

openai_urlpatterns = [
    path("audio/transcriptions", openai_views.transcriptions, name="v1-transcriptions"),
    path("audio/transcriptions/", openai_views.transcriptions),
    path("models", openai_views.models, name="v1-models"),
    path("models/", openai_views.models),
]
