"""Errors as DRF answers: engine errors (corrupt audio, unknown language, full store…) with
their own status, and malformed request bodies as 400/413 with a message, not Django's bare page."""
from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http.multipartparser import MultiPartParserError
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.views import exception_handler as drf_exception_handler

from transcripts.engine import EngineError


class EngineRequestError(APIException):
    def __init__(self, error: EngineError) -> None:
        super().__init__(detail=error.message, code=error.code)
        self.status_code = error.http_status


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def body_problem(exc: Exception) -> str | None:
    """What is wrong with a request body Django refused to parse, or None for other errors."""
    if isinstance(exc, (SuspiciousOperation, MultiPartParserError)):
        return (f"The request body could not be read: {exc} "
                "Send a multipart form with the fields documented at /api/docs/.")
    return None


def exception_handler(exc: Exception, context: dict):
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(str(exc))
    elif (problem := body_problem(exc)) is not None:
        exc = ParseError(problem)
    return drf_exception_handler(exc, context)
