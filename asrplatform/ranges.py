"""Files served with HTTP Range support (RFC 9110 §14), so an audio player can seek.

Django's FileResponse always sends the whole file with 200; a browser's <audio> element then
cannot seek (Chromium keeps it at 0:00). One byte range per request is what players ask for;
a request for several ranges gets the whole file (a server may ignore Range).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
CHUNK_BYTES = 64 * 1024


def requested_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte, inclusive, of a single-range header; None for no usable range.
    Raises ValueError when the range cannot be satisfied (416)."""
    match = _RANGE.fullmatch(header.strip()) if header else None
    if match is None or (not match.group(1) and not match.group(2)):
        return None
    first, last = match.group(1), match.group(2)
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            raise ValueError("empty suffix range")
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise ValueError("range outside the file")
    return start, end


def _read(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as file:
        file.seek(start)
        while length > 0:
            chunk = file.read(min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def stored_file_response(request: HttpRequest, stored: tuple[Path, str] | None) -> HttpResponse:
    """ranged_file_response of a (path, media type) a service found; 404 when it found none."""
    if stored is None:
        raise Http404("The audio of this transcript is no longer stored.")
    return ranged_file_response(request, *stored)


def ranged_file_response(request: HttpRequest, path: Path, content_type: str) -> HttpResponse:
    """The file, or the byte range the request asks for (206), with Accept-Ranges either way."""
    size = path.stat().st_size
    try:
        wanted = requested_range(request.headers.get("Range", ""), size)
    except ValueError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    start, end = wanted if wanted else (0, size - 1)
    response = StreamingHttpResponse(_read(path, start, end - start + 1), content_type=content_type,
                                     status=206 if wanted else 200)
    response["Content-Length"] = str(max(0, end - start + 1))
    response["Accept-Ranges"] = "bytes"
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
