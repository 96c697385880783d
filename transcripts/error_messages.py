"""Errors as the pages show them: the ones people meet, in the page's language, by their stable
code (or, where one code covers several rules, by the rule the error names in `params["reason"]`),
worded around the details the error carries as params. The engine (no Django) and the API keep
English messages; a code this table does not know shows the message as it is (option errors name
the option and the value)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

_BY_CODE = {
    "undecodable_audio": _("This file could not be read as audio or video. Check that it is a recording "
                           "(wav, mp3, m4a, flac, ogg, webm, mp4, …) and not damaged."),
    "damaged_audio": _("This file's audio track declares %(channels)s channels at %(sample_rate)s Hz, so the "
                       "file is damaged. Export it again (e.g. as WAV or MP3) and upload that."),
    "empty_audio": _("The recording holds no sound. Choose a file with sound in it."),
    "audio_not_found": _("The stored recording is missing. Upload it again."),
    "upload_too_large": _("The file is larger than this server accepts. Split or compress it and try again."),
    "audio_store_full": _("The audio store is full of files still waiting for recognition. Try again when the "
                          "queue is shorter, or ask an administrator to raise ASR_AUDIO_STORE_MB."),
    "internal_error": _("Recognition stopped on an unexpected error. The details are in the worker's log; try "
                        "the file again, or convert it to WAV or MP3 first."),
    "worker_lost": _("The recognition worker stopped twice while working on this file. Try again, or split "
                     "the file."),
    "cancelled": _("Cancelled before it finished."),
    "timeout": _("Recognition took longer than one request may take. Upload long recordings on the "
                 "recognition page, which runs them in the background."),
    "client_disconnected": _("The client disconnected before recognition finished."),
    "unknown_model": _("This model is not available here. Choose one from the list."),
    "broken_model": _("The model could not be loaded. An administrator can check it with manage.py asrmodels."),
    "audio_too_long": _("The recording lasts %(hours)s h; this server accepts up to %(limit_hours)s h. Split it "
                        "and submit the parts."),
    "unknown_language": _("Unknown language “%(language)s”. Choose one from the list, or automatic detection."),
    "hotword_weight": _("Line %(line)s: a hotword's weight must be from 1 to 100, not %(weight)s."),
    "hotword_length": _("Line %(line)s: a hotword can be at most 100 characters long."),
    "too_many_hotwords": _("Too many hotwords: keep them under 200 terms and 2000 characters in all."),
    "server_busy": _("%(limit)s recognitions are already running on this server; try again in a minute, or "
                     "recognise the file on the recognition page (in the background)."),
    # the live page's own
    "role_lost": _("You no longer have the member role in this team; the session was stopped."),
    "session_too_long": _("A live session may last %(seconds)s s; this one is finishing. Start another to go on."),
    "live_failed": _("Live recognition failed on the server; the session was stopped. Try again."),
}


def shown_error(code: str, message: str, params: dict | None = None) -> str:
    """The error in the page's language when its rule or code is a known one (worded with its
    params), else its own message."""
    params = params or {}
    known = _BY_CODE.get(params.get("reason") or code or "")
    if known is None:
        return message
    try:
        return str(known) % params if "%(" in str(known) else str(known)
    except (KeyError, TypeError, ValueError):  # stored before this error carried its details
        return message


def row_error(row) -> str:
    """The error of a transcript, or of a job page's file row (a dict), as the page shows it."""
    if isinstance(row, dict):
        return shown_error(row.get("error_code", ""), row.get("error", ""), row.get("error_params"))
    return shown_error(row.error_code, row.error_message, row.error_params)


def error_labels() -> dict[str, str]:
    """Every known code's (and rule's) message in the active language, for pages that update live
    (site.js `errorText` fills in the params)."""
    return {code: str(text) for code, text in _BY_CODE.items()}
