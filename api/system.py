"""/api/system/: what this server runs on; site admins can unload the loaded models."""
from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import SystemSerializer
from asrplatform import __version__
from transcripts.engine.models import model_statuses
from transcripts.models import Status, Transcript
from transcripts.recognition import get_engine


class SystemView(APIView):
    @extend_schema(responses=SystemSerializer)
    def get(self, request):
        engine = get_engine()
        waiting = {status: Transcript.objects.filter(status=status).count() for status in (Status.QUEUED, Status.RUNNING)}
        return Response({
            "version": __version__,
            "device": engine.models.device.label,
            "default_model": settings.ASR_MODEL,
            "loaded_models": engine.models.loaded_models(),
            "models": [asdict(s) for s in model_statuses(settings.ASR_MODEL_CACHE)],
            "queue": waiting,
        })


class ClearedSerializer(serializers.Serializer):
    unloaded_models = serializers.IntegerField()


class ClearCacheView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=None, responses=ClearedSerializer)
    def post(self, request):
        """Unload the models this web process holds (and free CUDA memory); they load again on
        next use. Worker processes free theirs when they recycle (every 50 tasks)."""
        return Response({"unloaded_models": get_engine().models.unload_all()})
