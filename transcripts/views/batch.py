"""批量处理: start a job of many files, follow it live, cancel it, export it."""
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.current import require_membership
from accounts.models import Membership
from accounts.permissions import VIEWERS_CANNOT_RECOGNISE
from transcripts import selectors, services
from transcripts.engine import EngineError
from transcripts.error_messages import error_labels, shown_error
from transcripts.forms import BatchForm
from transcripts.models import HotwordLibrary, Job, status_labels
from transcripts.request_options import form_initial, options_from, requestable_models


@login_required
def batch(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request)
    form = BatchForm(request.POST or None, request.FILES or None,
                     libraries=HotwordLibrary.objects.filter(team=membership.team), models=requestable_models(),
                     initial=form_initial(membership.team))
    error = None
    if request.method == "POST" and membership.role < Membership.Role.MEMBER:
        error = VIEWERS_CANNOT_RECOGNISE
    elif request.method == "POST" and form.is_valid():
        try:
            job = services.job_create(team=membership.team, user=request.user,
                                  options=options_from(form.cleaned_data, membership.team),
                                  files=[(f.name, f) for f in form.cleaned_data["audio"]])
        except EngineError as e:
            error = shown_error(e.code, e.message, e.params)
        else:
            return redirect("job-detail", pk=job.pk)
    recent = Job.objects.filter(team=membership.team)[:20]
    return render(request, "transcripts/batch.html",
                  {"form": form, "error": error, "jobs": recent}, status=400 if error else 200)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = require_membership(request)
    job = get_object_or_404(Job, pk=pk, team=membership.team)
    return render(request, "transcripts/job.html",
                  {"job": job, "snapshot": selectors.job_snapshot(job=job), "status_labels": json.dumps(status_labels()),
                   "error_labels": json.dumps(error_labels())})


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    membership = require_membership(request, at_least=Membership.Role.MEMBER)
    services.job_cancel(job=get_object_or_404(Job, pk=pk, team=membership.team))
    return redirect("job-detail", pk=pk)


@login_required
def job_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    membership = require_membership(request)
    job = get_object_or_404(Job, pk=pk, team=membership.team)
    if fmt == "zip":
        response = HttpResponse(services.job_export_zip(job=job), content_type="application/zip")
    elif fmt in ("csv", "json"):
        response = HttpResponse(services.transcripts_export(job.transcripts.order_by("id"), fmt),
                                content_type="text/csv; charset=utf-8" if fmt == "csv" else "application/json")
    else:
        return HttpResponse("Unknown export format: use csv, json or zip.", status=404)
    response["Content-Disposition"] = f'attachment; filename="job-{job.pk}.{fmt}"'
    return response
