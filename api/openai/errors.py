"""Errors in OpenAI's shape: {"error": {"message", "type", "param", "code"}}, so OpenAI clients
raise their usual exception classes (BadRequestError, AuthenticationError, RateLimitError…)."""
from __future__ import annotations

from django.http import JsonResponse

from transcripts.engine import EngineError

_TYPES = {401: "authentication_error", 403: "permission_error", 404: "not_found_error", 429: "rate_limit_error"}


class OpenAIError(Exception):
    def __init__(self, status: int, message: str, *, code: str | None = None, param: str | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param, self.retry_after = status, message, code, param, retry_after

    @classmethod
    def from_engine(cls, error: EngineError, param: str | None = None) -> OpenAIError:
        return cls(error.http_status, error.message, code=error.code, param=param)

    def response(self) -> JsonResponse:
        kind = _TYPES.get(self.status) or ("server_error" if self.status >= 500 else "invalid_request_error")
        response = JsonResponse(
            {"error": {"message": self.message, "type": kind, "param": self.param, "code": self.code}},
            status=self.status, json_dumps_params={"ensure_ascii": False},
        )
        if self.retry_after is not None:
            response["Retry-After"] = str(self.retry_after)
        return response


def _subclasses(cls: type) -> list[type]:
    return [cls] + [sub for child in cls.__subclasses__() for sub in _subclasses(child)]


def engine_error_status(code: str) -> int:
    """The HTTP status of a stored failure, by the code its EngineError gave it."""
    return next((cls.http_status for cls in _subclasses(EngineError) if cls.code == code), 500)
