"""Engine errors (corrupt audio, unknown language, full store…) as DRF answers with their own status."""
from __future__ import annotations

from rest_framework.exceptions import APIException

from transcripts.engine import EngineError


class EngineRequestError(APIException):
    def __init__(self, error: EngineError) -> None:
        super().__init__(detail=error.message, code=error.code)
        self.status_code = error.http_status
