"""/api/system/: what this server runs on; site admins can unload the loaded models."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.scope import request_membership
from api.serializers import SystemSerializer
from transcripts.models import UNFINISHED, Transcript
from transcripts.recognition import get_engine
from transcripts.selectors import system_status
from transcripts.worker_models import request_unload


class SystemView(APIView):
    @extend_schema(responses=SystemSerializer)
    def get(self, request):
        """Version, device, models and queue. Site staff also get workers, storage, model paths and
        the queue of every team; everyone else their own team's queue, and no paths."""
        status = system_status()
        if not request.user.is_staff:
            status.pop("workers")
            status.pop("worker_models")
            status.pop("storage")
            for model in status["models"]:
                model.pop("path")
            teams = [request_membership(request).team] if request.user.memberships.exists() else []
            status["queue"] = {state: Transcript.objects.filter(team__in=teams, status=state).count()
                               for state in UNFINISHED}
        return Response(status)


class ClearedSerializer(serializers.Serializer):
    unloaded_models = serializers.IntegerField()


class ClearCacheView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=None, responses=ClearedSerializer)
    def post(self, request):
        """Unload the models this web process holds (and free CUDA memory), and ask every worker
        process to unload theirs: idle ones do within 5 s, busy ones after their current file
        (worker_models in /api/system/ shows it). They load again on next use. unloaded_models
        counts this web process's."""
        request_unload()
        return Response({"unloaded_models": get_engine().models.unload_all()})
