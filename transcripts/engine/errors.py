"""The one error type for everything a user of the engine can cause.

Each subclass carries a stable `code` and the HTTP status an API answers with, and its message
says what the user can do. An error whose message holds details (a value, a line, a limit) also
carries them as `params`, with `params["reason"]` naming the rule when one code covers several.
Pages, the API and commands render it; none of them show a traceback.
"""
from __future__ import annotations


class EngineError(Exception):
    code = "engine_error"
    http_status = 400

    def __init__(self, message: str, **params: str | int | float) -> None:
        super().__init__(message)
        self.message = message
        # The details in the message, by name, so that a page can word them in its own language.
        self.params = params

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class AudioNotFoundError(EngineError):
    code = "audio_not_found"


class AudioDecodeError(EngineError):
    code = "undecodable_audio"
    http_status = 415


class DamagedAudioError(AudioDecodeError):
    """A file of a kind we read whose header cannot be true (0 channels, 0 Hz): the request is at
    fault (400), not its media type (415)."""

    code = "damaged_audio"
    http_status = 400


class EmptyAudioError(EngineError):
    code = "empty_audio"


class AudioTooLongError(EngineError):
    code = "audio_too_long"
    http_status = 413


class InvalidOptionError(EngineError):
    code = "invalid_option"


class UnknownLanguageError(InvalidOptionError):
    code = "unknown_language"


class UnknownModelError(EngineError):
    code = "unknown_model"
    http_status = 404


class BrokenModelError(EngineError):
    code = "broken_model"
    http_status = 503


class DeviceError(EngineError):
    code = "device_unavailable"
