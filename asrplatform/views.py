from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework.exceptions import NotFound

from api.openai.errors import OpenAIError
from asrplatform.api_paths import is_api, is_openai


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and `make run` users."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # the reason goes to the log, not to an unauthenticated caller
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "degraded", "database": database}, status=status)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A path nothing answers, in the caller's shape: OpenAI's error under /v1/ (so an OpenAI
    client raises its NotFoundError with a message, e.g. for /v1/audio/translations), DRF's under
    /api/, the site's page elsewhere."""
    if is_openai(request.path):
        return OpenAIError(404, f"There is no {request.method} {request.path} here. This server offers POST "
                           "/v1/audio/transcriptions and GET /v1/models.", code="not_found").response()
    if is_api(request.path):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """An unexpected error (logged with its traceback by Django), in the caller's shape, as `not_found`."""
    message = "The server failed on this request; the administrators can read why in its log."
    if is_openai(request.path):
        return OpenAIError(500, message, code="internal_error").response()
    if is_api(request.path):
        return JsonResponse({"detail": message}, status=500)
    return defaults.server_error(request)
