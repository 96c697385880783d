"""/api/jobs/: several uploads with shared options, their progress, cancel, results."""
from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.base import TeamScopedMixin
from api.errors import EngineRequestError
from api.serializers import JobCreateSerializer, JobSnapshotSerializer, TranscriptDetailSerializer
from transcripts import selectors, services
from transcripts.engine import EngineError
from transcripts.models import Job
from transcripts.request_options import options_from


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = ["id", "status", "created_at", "finished_at"]


class CancelledSerializer(serializers.Serializer):
    cancelled = serializers.IntegerField(help_text="Files that will not be recognised.")


class JobViewSet(TeamScopedMixin, viewsets.ReadOnlyModelViewSet):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = JobSerializer

    def get_queryset(self):
        return Job.objects.filter(team=self.team)

    @extend_schema(request=JobCreateSerializer, responses={202: JobSnapshotSerializer})
    def create(self, request):
        form = JobCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        files = data.pop("files")
        for upload in files:
            try:
                services.upload_size_check(upload.size)
            except EngineError as e:
                raise ValidationError({"files": f"{upload.name}: {e.message}"}) from None
        try:
            job = services.job_create(team=self.team, user=request.user, options=options_from(data, self.team),
                                  files=[(f.name, f) for f in files])
        except EngineError as e:
            raise EngineRequestError(e) from None
        return Response(selectors.job_snapshot(job=job), status=status.HTTP_202_ACCEPTED,
                        headers={"Location": f"/api/jobs/{job.id}/"})

    @extend_schema(responses=JobSnapshotSerializer)
    def retrieve(self, request, pk=None):
        """Progress: files done of total, share of the audio, ETA, each file's state."""
        return Response(selectors.job_snapshot(job=self.get_object()))

    @extend_schema(request=None, responses=CancelledSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Queued files are cancelled; the running one stops at its next progress step."""
        return Response({"cancelled": services.job_cancel(job=self.get_object())})

    @extend_schema(responses=TranscriptDetailSerializer(many=True))
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Every file of the job with its text and segments (unfinished ones without)."""
        rows = self.get_object().transcripts.order_by("id")
        return Response(TranscriptDetailSerializer(rows, many=True).data)

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], url_path="export")
    def export(self, request, pk=None):
        """A zip of the finished files as txt/ and srt/."""
        job = self.get_object()
        response = HttpResponse(services.job_export_zip(job=job), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="job-{job.id}.zip"'
        return response
