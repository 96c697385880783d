"""Transcripts, batch jobs and hotword libraries; every row belongs to one team."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Team


class HotwordLibrary(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="hotword_libraries")
    name = models.CharField(max_length=100)
    # One term per line, an optional integer weight after it ("退费流程 20").
    terms = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="unique_library_name_per_team")]
        ordering = ["name"]
        verbose_name = _("hotword library")
        verbose_name_plural = _("hotword libraries")

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


# What counts as work still to do: recovery, the queue figures and job status all read this.
UNFINISHED = (Status.QUEUED, Status.RUNNING)


def status_labels() -> dict[str, str]:
    """Each status's name in the active language, for pages that update statuses as they change."""
    return {status.value: str(status.label) for status in Status}


class Job(models.Model):
    """A batch: several transcripts started together with shared options."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    options = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("batch job")
        verbose_name_plural = _("batch jobs")

    def __str__(self) -> str:
        return f"Job {self.pk} ({self.status})"


class Transcript(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="transcripts")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.CASCADE, related_name="transcripts")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    # The uploaded file's name, for display only: stored audio is named by `audio_key`.
    source_name = models.CharField(max_length=255)
    audio_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    audio_bytes = models.BigIntegerField(default=0)
    audio_purged = models.BooleanField(default=False)
    options = models.JSONField(default=dict)
    progress = models.FloatField(default=0.0)  # 0..1
    attempts = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(blank=True)
    itn_text = models.TextField(blank=True)
    language = models.CharField(max_length=16, blank=True)
    language_probability = models.FloatField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True)
    segments = models.JSONField(default=list, blank=True)
    # Every language recognised (main one first), and speech VAD found that gave no text (with why).
    languages = models.JSONField(default=list, blank=True)
    dropped = models.JSONField(default=list, blank=True)
    # Names people gave the diarised speakers ({"S1": "张经理"}); segments keep the labels.
    speaker_names = models.JSONField(default=dict, blank=True)
    model = models.CharField(max_length=255, blank=True)
    device = models.CharField(max_length=32, blank=True)
    processing_seconds = models.FloatField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    # The details in the message by name (a limit, a line), so pages can word it in their language.
    error_params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # When its task was last put on the queue: a queued row whose task a dead cluster took with it
    # is put on the queue again once this is older than the task timeout.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("transcript")
        verbose_name_plural = _("transcripts")

    def __str__(self) -> str:
        return f"{self.source_name} ({self.status})"


class TranscriptRevision(models.Model):
    """A transcript's state after one edit (number >= 1), or the model's own output (number 0),
    saved when the first edit is made: nothing the recogniser wrote is ever lost, and any state
    can be restored."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    segments = models.JSONField(default=list)
    speaker_names = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True)
    itn_text = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when this revision restored an earlier one (its number).
    restored = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["transcript", "-number"]
        constraints = [models.UniqueConstraint(fields=["transcript", "number"], name="one_revision_number")]
        verbose_name = _("transcript revision")
        verbose_name_plural = _("transcript revisions")

    def __str__(self) -> str:
        return f"{self.transcript_id} r{self.number}"
