"""OpenAI-compatible endpoints: POST /v1/audio/transcriptions and GET /v1/models.

The transcription view is async on purpose: under daphne, Django runs every sync view of a
process on one thread, so a recognition inside a sync view would stall every page of that
process. Here recognition runs on its own thread pool, bounded by RECOGNITION_SLOTS; past the
bound callers get 503 with Retry-After. Each success is also stored as a transcript of the
caller's team.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import APIException, AuthenticationFailed

from accounts.models import Membership
from api.authentication import BearerTokenAuthentication
from api.errors import body_problem
from api.openai.errors import OpenAIError, engine_error_status
from api.openai.forms import TranscriptionForm
from api.openai.responses import transcription_response
from api.scope import TEAM_HEADER, caller_membership
from api.throttling import TokenRateThrottle
from transcripts import services
from transcripts.engine import EngineError
from transcripts.models import Status, Transcript
from transcripts.recognition import model_catalogue
from transcripts.request_options import options_from, requestable_models
from transcripts.selectors import transcript_result
from transcripts.slots import RECOGNITION_SLOTS

logger = logging.getLogger(__name__)
_pool: ThreadPoolExecutor | None = None
_LIST_FIELDS = ("timestamp_granularities", "hotword_library_ids")


def _recognition_pool() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=settings.ASR_API_CONCURRENCY, thread_name_prefix="v1-recognition")
    return _pool


def _authenticated_user(request: HttpRequest):
    """Bearer (OpenAI clients) or Token: DRF's per-user tokens."""
    try:
        for method in (BearerTokenAuthentication(), TokenAuthentication()):
            found = method.authenticate(request)
            if found:
                return found[0]
    except AuthenticationFailed as e:
        raise OpenAIError(401, f"{e.detail} Send Authorization: Bearer <your API token>.",
                          code="invalid_api_key") from None
    raise OpenAIError(401, "No API token: send Authorization: Bearer <your API token> (your account page makes one).",
                      code="invalid_api_key")


def _check_rate(request: HttpRequest) -> None:
    throttle = TokenRateThrottle()
    if not throttle.allow_request(request, None):
        wait = throttle.wait() or 1
        raise OpenAIError(429, f"Too many requests for this token; retry in {wait:.0f} s.", code="rate_limit_exceeded",
                          retry_after=max(int(wait), 1))


def _caller(request: HttpRequest) -> Membership:
    request.user = _authenticated_user(request)
    _check_rate(request)
    try:
        return caller_membership(request.user, request.GET.get("team") or request.headers.get(TEAM_HEADER),
                                 at_least=Membership.Role.MEMBER)
    except APIException as e:
        raise OpenAIError(e.status_code, str(e.detail), code=e.default_code) from None


def _form(request: HttpRequest) -> TranscriptionForm:
    try:
        data, files = request.POST.copy(), request.FILES
    except Exception as e:
        problem = body_problem(e)
        if problem is None:
            raise
        raise OpenAIError(400, problem, code="invalid_body") from None
    for name in _LIST_FIELDS:
        if f"{name}[]" in data:
            data.setlist(name, data.getlist(f"{name}[]"))
    form = TranscriptionForm(data={**{k: (data.getlist(k) if k in _LIST_FIELDS else data[k]) for k in data},
                                   **files.dict()})
    if not form.is_valid():
        field, problems = next(iter(form.errors.items()))
        message = problems[0] if isinstance(problems, list) else problems
        if isinstance(message, dict):  # a list field's per-item errors
            message = next(iter(message.values()))[0]
        raise OpenAIError(400, f"{field}: {message}" if field != "non_field_errors" else str(message),
                          param=None if field == "non_field_errors" else field, code="invalid_value")
    return form


def _store(request: HttpRequest, membership: Membership, form: TranscriptionForm) -> Transcript:
    upload = form.validated_data["file"]
    try:
        options = options_from(form.recognition_data(), membership.team)
        return services.transcript_create(team=membership.team, user=request.user, data=upload,
                                          filename=upload.name, options=options, enqueue=False)
    except EngineError as e:
        raise OpenAIError.from_engine(e, param="file" if e.http_status in (413, 415) else None) from None


def _recognise(transcript_id: int) -> None:
    """On a pool thread: run, then give the slot back (only now: the work is really over)."""
    try:
        services.transcript_run(transcript_id=transcript_id)
    finally:
        close_old_connections()
        RECOGNITION_SLOTS.give_back()


def _prepared(request: HttpRequest) -> tuple[Transcript, TranscriptionForm]:
    membership = _caller(request)
    form = _form(request)
    return _store(request, membership, form), form


@csrf_exempt
async def transcriptions(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return OpenAIError(405, "Use POST with a multipart form (file, model, …).",
                           code="method_not_allowed").response()
    if not RECOGNITION_SLOTS.try_take(settings.ASR_API_CONCURRENCY):
        return OpenAIError(503, f"{settings.ASR_API_CONCURRENCY} recognitions are already running on this server; "
                           "retry after the Retry-After seconds.", code="server_busy",
                           retry_after=settings.ASR_API_RETRY_AFTER).response()
    handed_over = False
    try:
        transcript, form = await sync_to_async(_prepared, thread_sensitive=False)(request)
        work = asyncio.get_running_loop().run_in_executor(_recognition_pool(), _recognise, transcript.id)
        handed_over = True
        try:
            await asyncio.wait_for(asyncio.shield(work), timeout=settings.ASR_API_TIMEOUT)
        except TimeoutError:
            await sync_to_async(services.transcript_abandon)(
                transcript_id=transcript.id, code="timeout",
                message=f"Recognition took longer than {settings.ASR_API_TIMEOUT} s; use POST /api/transcripts/ "
                        "(a background job) for long recordings.")
            return OpenAIError(504, "Recognition took longer than this server's per-request limit "
                               f"({settings.ASR_API_TIMEOUT} s). Submit long recordings to POST /api/transcripts/.",
                               code="timeout").response()
        except asyncio.CancelledError:  # the client went away: stop the work at its next step
            await asyncio.shield(sync_to_async(services.transcript_abandon)(
                transcript_id=transcript.id, code="client_disconnected", message="The client disconnected."))
            raise
        except Exception:
            logger.exception("recognition of transcript %s failed", transcript.id)
            await sync_to_async(services.transcript_abandon)(
                transcript_id=transcript.id, code="internal_error", message="Recognition failed on the server.")
            return OpenAIError(500, "Recognition failed on the server; the administrators can read why in its log.",
                               code="internal_error").response()
        return await sync_to_async(_answer, thread_sensitive=False)(transcript.id, form)
    except OpenAIError as e:
        return e.response()
    finally:
        if not handed_over:
            RECOGNITION_SLOTS.give_back()


def _answer(transcript_id: int, form: TranscriptionForm) -> HttpResponse:
    transcript = Transcript.objects.get(id=transcript_id)
    if transcript.status != Status.DONE:
        status = engine_error_status(transcript.error_code)
        return OpenAIError(status, transcript.error_message or "Recognition failed.",
                           code=transcript.error_code or "recognition_failed").response()
    data = form.validated_data
    return transcription_response(transcript_result(transcript), data["response_format"],
                                  data["timestamp_granularities"], transcript.options.get("itn", True), transcript.id,
                                  stream=data["stream"])


def _model_list(request: HttpRequest) -> JsonResponse:
    request.user = _authenticated_user(request)
    _check_rate(request)
    ready = {s.name for s in model_catalogue() if s.ready}
    names = [name for name in requestable_models() if name in ready or name == settings.ASR_MODEL]
    return JsonResponse({"object": "list", "data": [
        {"id": name, "object": "model", "created": 0, "owned_by": "asrplatform"} for name in names]})


async def models(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return OpenAIError(405, "Use GET.", code="method_not_allowed").response()
    try:
        return await sync_to_async(_model_list, thread_sensitive=False)(request)
    except OpenAIError as e:
        return e.response()
