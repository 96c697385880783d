"""/api/transcripts/: upload (queued as a background job), search, read, delete, download."""
from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.base import TeamScopedMixin
from api.errors import EngineRequestError
from api.parsers import BoundedJSONParser
from api.serializers import (
    RevisionSerializer,
    TranscriptCreateSerializer,
    TranscriptDetailSerializer,
    TranscriptEditSerializer,
    TranscriptSerializer,
)
from asrplatform.params import BadParameter, optional_date, optional_id, search_query
from asrplatform.ranges import stored_file_response
from transcripts import services
from transcripts.edits import EditError, transcript_edit, transcript_restore
from transcripts.engine import EngineError
from transcripts.engine.formats import CONTENT_TYPES, render
from transcripts.models import Status
from transcripts.request_options import options_from
from transcripts.selectors import transcript_result, transcripts_of, transcripts_search

SEARCH_PARAMETERS = [
    OpenApiParameter("q", str, description="Words in the text, its normalised text or the file name."),
    OpenApiParameter("language", str), OpenApiParameter("status", str, enum=Status.values),
    OpenApiParameter("owner", int, description="Id of the user who uploaded it."),
    OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE),
]


def _search_filters(params) -> dict:
    try:
        return {"query": search_query("q", params.get("q")),
                "owner_id": optional_id("owner", params.get("owner")),
                "date_from": optional_date("from", params.get("from")),
                "date_to": optional_date("to", params.get("to"))}
    except BadParameter as e:
        raise ValidationError({e.name: e.message}) from e


@extend_schema_view(list=extend_schema(parameters=SEARCH_PARAMETERS))
class TranscriptViewSet(TeamScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                        viewsets.GenericViewSet):
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]

    def get_serializer_class(self):
        return TranscriptSerializer if self.action == "list" else TranscriptDetailSerializer

    def get_queryset(self):
        if self.action != "list" or self.team is None:
            return transcripts_of(team=self.team)
        params = self.request.query_params
        return transcripts_search(team=self.team, language=params.get("language", ""),
                                  status=params.get("status", ""), **_search_filters(params))

    @extend_schema(request=TranscriptCreateSerializer, responses={202: TranscriptDetailSerializer},
                   description="Store the upload and queue its recognition; poll the transcript or follow its job.")
    def create(self, request):
        form = TranscriptCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        upload = data.pop("file")
        try:
            transcript = services.transcript_create(team=self.team, user=request.user, data=upload,
                                                    filename=upload.name, options=options_from(data, self.team))
        except EngineError as e:
            raise EngineRequestError(e) from None
        return Response(TranscriptDetailSerializer(transcript).data, status=status.HTTP_202_ACCEPTED,
                        headers={"Location": f"/api/transcripts/{transcript.id}/"})

    def perform_destroy(self, instance) -> None:
        services.transcripts_delete(team=self.team, ids=[instance.id])

    @extend_schema(responses={(200, "text/plain"): OpenApiResponse(OpenApiTypes.STR),
                              409: OpenApiResponse(description="Not finished yet.")})
    @action(detail=True, methods=["get"], url_path=r"download/(?P<fmt>txt|srt|vtt|json|csv|tsv|rttm)")
    def download(self, request, pk=None, fmt: str = "txt"):
        """The transcript as plain text, subtitles (SRT/VTT), JSON, CSV/TSV of segments, or RTTM
        (who spoke when, for diarised transcripts)."""
        transcript = self.get_object()
        if transcript.status != Status.DONE:
            return Response({"detail": f"The transcript is {transcript.status}; downloads need a finished one."},
                            status=status.HTTP_409_CONFLICT)
        response = HttpResponse(render(transcript_result(transcript), fmt), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="transcript-{transcript.id}.{fmt}"'
        return response

    @extend_schema(responses={(200, "audio/*"): OpenApiResponse(OpenApiTypes.BINARY),
                              206: OpenApiResponse(description="The byte range asked for (Range: bytes=a-b)."),
                              404: OpenApiResponse(description="No such transcript, or its audio was purged.")})
    @action(detail=True, methods=["get"], url_path="audio")
    def audio(self, request, pk=None):
        """The stored recording, with its media type; honours a single byte Range (206)."""
        return stored_file_response(request, services.stored_audio(self.get_object()))

    @extend_schema(request=TranscriptEditSerializer, responses={200: TranscriptDetailSerializer},
                   description="Correct a finished transcript: segment texts and speakers "
                               '({"segments": {"3": {"text": "…", "speaker": "S2"}}}) and speakers\' names '
                               '({"speaker_names": {"S1": "张经理"}}; "" restores the label). All changes apply, or '
                               "none; each edit is a revision (GET …/revisions/), and the recogniser's output is kept.")
    def partial_update(self, request, pk=None):
        form = TranscriptEditSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        segments = form.validated_data.get("segments", {})
        try:
            transcript = transcript_edit(
                transcript_id=self.get_object().pk, team=self.team, user=request.user,
                texts={i: s["text"] for i, s in segments.items() if "text" in s},
                speakers={i: s["speaker"] for i, s in segments.items() if "speaker" in s},
                names=form.validated_data.get("speaker_names"))
        except EditError as e:
            raise ValidationError({"detail": str(e)}) from None
        return Response(TranscriptDetailSerializer(transcript).data)

    @extend_schema(responses={200: RevisionSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="revisions")
    def revisions(self, request, pk=None):
        """Every edit of the transcript, newest first; revision 0 is the recogniser's output."""
        return Response(RevisionSerializer(self.get_object().revisions.select_related("created_by"), many=True).data)

    @extend_schema(request=None, responses={200: TranscriptDetailSerializer})
    @action(detail=True, methods=["post"], url_path=r"revisions/(?P<number>[0-9]{1,9})/restore")
    def restore(self, request, pk=None, number: str = "0"):
        """Bring back an earlier revision (0: the recogniser's output); recorded as a new revision."""
        try:
            transcript = transcript_restore(transcript_id=self.get_object().pk, team=self.team, user=request.user,
                                            number=int(number))
        except EditError as e:
            raise ValidationError({"detail": str(e)}) from None
        return Response(TranscriptDetailSerializer(transcript).data)
