"""/api/vad/: where the speech is in an upload (FSMN or Silero), as the VAD page shows it."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Membership
from api.base import TeamScopedMixin
from api.errors import EngineRequestError
from api.serializers import VadRequestSerializer, VadResultSerializer
from transcripts.engine import EngineError
from transcripts.engine.formats import speech_rows
from transcripts.engine.vad import VadOptions, detect_speech
from transcripts.services import upload_size_check, upload_source
from transcripts.slots import web_work_slot


class VadView(TeamScopedMixin, APIView):
    parser_classes = [MultiPartParser, FormParser]
    write_role = Membership.Role.VIEWER  # detection stores nothing

    @extend_schema(request=VadRequestSerializer, responses=VadResultSerializer)
    def post(self, request):
        form = VadRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        upload = data.pop("file")
        try:
            upload_size_check(upload.size)
            with web_work_slot():
                speech = detect_speech(upload_source(upload), VadOptions(**data))
        except EngineError as e:
            raise EngineRequestError(e) from None
        return Response({
            "duration_ms": speech.duration_ms,
            "options": speech.options.as_dict(),
            "segments": speech_rows(speech.segments),
        })
