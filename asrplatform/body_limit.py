"""Refuse request bodies over ASR_MAX_REQUEST_MB before Django spools them to disk.

Django's ASGI handler reads the whole body before any view runs, so the limit has to sit in
front of it: a declared Content-Length over the limit is refused at once, and a body that
grows past it (chunked uploads) is cut off and refused. daphne itself receives a whole body
before the application sees the request; web_server.py refuses there, while the body arrives.
"""
from __future__ import annotations

import json

from asrplatform.api_paths import is_openai


class BodySizeLimit:
    def __init__(self, application, limit_bytes: int) -> None:
        self.application = application
        self.limit = limit_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.application(scope, receive, send)
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            return await self._refuse(scope, send)
        received, over, started = 0, False, False

        async def counted_receive():
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    over = True
                    return {"type": "http.disconnect"}  # Django stops reading and answers nothing
            return message

        async def tracked_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.application(scope, counted_receive, tracked_send)
        if over and not started:
            await self._refuse(scope, send)

    async def _refuse(self, scope, send) -> None:
        payload = refusal_body(scope.get("path", ""), self.limit)
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": payload})


def refusal_body(path: str, limit: int) -> bytes:
    """The 413's JSON: OpenAI's error shape under /v1/, DRF's elsewhere."""
    message = (f"The request body is over this server's limit of {limit / 2**20:.0f} MB "
               "(ASR_MAX_REQUEST_MB). Send fewer or smaller files at a time.")
    if is_openai(path):
        body = {"error": {"message": message, "type": "invalid_request_error", "param": "file",
                          "code": "request_too_large"}}
    else:
        body = {"detail": message}
    return json.dumps(body).encode()
