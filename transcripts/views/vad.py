"""VAD检测: where the speech is in an upload, drawn over its waveform, exportable."""
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.current import require_membership
from transcripts.engine import EngineError
from transcripts.engine.formats import render_speech_segments
from transcripts.engine.vad import VadOptions, detect_speech
from transcripts.engine.waveform import waveform_peaks
from transcripts.error_messages import shown_error
from transcripts.forms import VadForm
from transcripts.services import upload_size_check, upload_source
from transcripts.slots import ServerBusyError, web_work_slot


def _data_url(content: str, mime: str) -> str:
    return f"data:{mime};charset=utf-8," + quote(content)


@login_required
def vad(request: HttpRequest) -> HttpResponse:
    require_membership(request)
    form = VadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.pop("audio")
        try:
            upload_size_check(upload.size)
            audio = upload_source(upload)
            with web_work_slot():
                speech = detect_speech(audio, VadOptions(**data))
                context["peaks"] = waveform_peaks(audio)
        except EngineError as e:
            context["error"] = shown_error(e.code, e.message, e.params)
            context["error_status"] = 503 if isinstance(e, ServerBusyError) else 400
        else:
            options = speech.options.as_dict()
            context.update(
                speech=speech, name=upload.name,
                plot={"duration_ms": speech.duration_ms, "peaks": context["peaks"],
                      "segments": [[s.start_ms, s.end_ms] for s in speech.segments]},
                csv_url=_data_url(render_speech_segments(speech.segments, fmt="csv", duration_ms=speech.duration_ms,
                                                         options=options), "text/csv"),
                json_url=_data_url(render_speech_segments(speech.segments, fmt="json", duration_ms=speech.duration_ms,
                                                          options=options), "application/json"),
            )
    return render(request, "transcripts/vad.html", context, status=context.get("error_status", 200))
