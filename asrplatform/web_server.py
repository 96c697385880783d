"""daphne, refusing request bodies over ASR_MAX_REQUEST_MB while they arrive.

daphne (through Twisted) receives a request's whole body before the ASGI application sees the
request, so the application's limit (body_limit.py) protected Django but not the server: a
400 MiB body was received in full before its 413 (21 s), and a declared length of 2 GiB with no
body was never answered. Here a request refuses an over-limit declared Content-Length as soon as
its headers arrive, and a chunked body as soon as it grows past the limit; a client that waits
for the go-ahead (`Expect: 100-continue`) gets a 401 for an unknown API token before it sends
the body (early_auth.py). Run as
`python -m asrplatform.web_server` with daphne's arguments (runplatform does). WebSocket frames
over daphne's 1 MiB limit end the connection with a close frame saying why.

A body under the limit is kept on disk by Twisted as it arrives. Twisted then parsed a form body
into memory, and daphne read all of it back into the application's queue in one go, both in the
event loop: a 400 MiB upload held 800 MiB of memory and kept /healthz waiting 16 s. Here
Twisted's parse is off, and (PacedBody) the body goes to the application a chunk at a time, only
as fast as the application takes it.
"""
from __future__ import annotations

import io
import sys

from daphne import http_protocol
from daphne import server as daphne_server
from daphne.cli import CommandLineInterface
from daphne.ws_protocol import WebSocketFactory
from twisted.internet import reactor, threads

from asrplatform.body_limit import refusal_body
from asrplatform.early_auth import refusal_for, token_key

# After the 413 the connection stays open this long, its data read and dropped, so that a client
# still sending reads the answer instead of a connection reset; then it is closed.
LINGER_SECONDS = 2.0


def _limit() -> int:
    from django.conf import settings  # configured by the time requests arrive (daphne loads the app first)

    return settings.ASR_MAX_REQUEST_BYTES


class LimitedRequest(http_protocol.WebRequest):
    refused = False
    received = 0
    checking_token = False  # the go-ahead (100 Continue) waits for the token's lookup
    process_when_checked = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Twisted parses a multipart or urlencoded POST body into request.args, all of it in memory
        # and in the event loop, before daphne sees the request; daphne never reads request.args,
        # and Django parses the body itself. A 400 MiB upload spent 16 s there, every request waiting.
        self._parsePOSTFormSubmission = False

    def gotLength(self, length: int | None) -> None:
        if length is not None and length > _limit():
            self._refuse_too_large()
            length = 0  # keep nothing of the body
        elif self._expects_continue() and (key := token_key(self.requestHeaders.getRawHeaders(b"authorization",
                                                                                               [None])[0])):
            # Twisted answers "100 Continue" right after this unless the header is gone; it is
            # sent once the token is known (early_auth.py).
            self.requestHeaders.removeHeader(b"expect")
            self.checking_token = True
            language = self.requestHeaders.getRawHeaders(b"accept-language", [None])[0]
            threads.deferToThread(refusal_for, key, self._path(), language).addBoth(self._token_checked)
        super().gotLength(length)

    def _expects_continue(self) -> bool:
        expect = self.requestHeaders.getRawHeaders(b"expect")
        return bool(expect) and expect[0].lower() == b"100-continue" and self.channel._version == b"HTTP/1.1"

    def _token_checked(self, refused) -> None:
        self.checking_token = False
        if self.refused or self.channel is None:
            return
        if isinstance(refused, tuple):
            body, scheme = refused
            self._refuse(401, b"Unauthorized", body, extra=b"WWW-Authenticate: %s\r\n" % scheme)
        elif self.process_when_checked:
            super().process()  # the whole body came while the token was looked up
        else:
            self.channel._send100Continue()
        # A failed lookup (a Failure) sends the body on: Django checks the token and says why.

    def handleContentChunk(self, data: bytes) -> None:
        if self.refused:
            return
        self.received += len(data)
        if self.received > _limit():
            self._refuse_too_large()
            return
        super().handleContentChunk(data)

    def process(self):
        if self.checking_token:
            self.process_when_checked = True
        elif not self.refused:  # a refused body that arrived in full during the linger has been answered
            return super().process()

    def _path(self) -> str:
        return getattr(self.channel, "_path", b"").decode("latin-1")

    def _refuse_too_large(self) -> None:
        self._refuse(413, b"Request Entity Too Large", refusal_body(self._path(), _limit()))

    def _refuse(self, status: int, reason: bytes, payload: bytes, extra: bytes = b"") -> None:
        """Answer now, without the application, and drop whatever of the body still comes."""
        self.refused = True
        self.channel.persistent = False
        transport = self.channel.transport
        transport.write(b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n"
                        b"Connection: close\r\n\r\n" % (status, reason, extra, len(payload)) + payload)
        reactor.callLater(LINGER_SECONDS, transport.loseConnection)


class PacedBody:
    """The application's input queue for one HTTP request, as daphne sees it. daphne's first body
    chunk goes through; the rest of the body stays in the request's temporary file and is fed from
    there, a chunk at a time, whenever the application has fewer than QUEUED chunks waiting."""

    CHUNK = 1024 * 1024
    QUEUED = 4
    POLL_SECONDS = 0.005

    def __init__(self, queue, request: http_protocol.WebRequest) -> None:
        self.queue, self.request = queue, request
        self.body: io.IOBase | None = None
        self.feeding = False  # once true, the body's chunks come from _feed, never from daphne

    def put_nowait(self, message: dict) -> None:
        if message.get("type") != "http.request":
            self._stop()  # a disconnect: nothing more to feed
            self.queue.put_nowait(message)
        elif not self.feeding and message.get("more_body"):
            self.feeding = True
            self.body, self.request.content = self.request.content, io.BytesIO()  # daphne's loop ends here
            self.queue.put_nowait(message)
            self._feed()
        elif not self.feeding:
            self.queue.put_nowait(message)  # a small body, whole in one chunk
        # else: daphne's closing empty chunk, read from the swapped-in empty file; the feed sent its own

    def _feed(self) -> None:
        if self.body is None:
            return
        if self.request.finished or self.request.channel is None:
            self._stop()  # answered without reading all of it (a refusal), or gone
            return
        while self.queue.qsize() < self.QUEUED:
            chunk = self.body.read(self.CHUNK)
            more = len(chunk) == self.CHUNK
            self.queue.put_nowait({"type": "http.request", "body": chunk, "more_body": more})
            if not more:
                self._stop()
                return
        reactor.callLater(self.POLL_SECONDS, self._feed)

    def _stop(self) -> None:
        if self.body is not None:
            self.body.close()
            self.body = None


class PacingServer(daphne_server.Server):
    def create_application(self, protocol, scope):
        queue = super().create_application(protocol, scope)
        if queue is not None and isinstance(protocol, http_protocol.WebRequest):
            return PacedBody(queue, protocol)
        return queue


class ClosingWebSocketFactory(WebSocketFactory):
    """A WebSocket frame over daphne's 1 MiB limit closes the connection with a close frame
    (1009, "message too big", and autobahn's reason) instead of dropping the TCP connection
    unannounced, autobahn's default."""

    def setProtocolOptions(self, **options) -> None:
        super().setProtocolOptions(failByDrop=False, **options)


def main(argv: list[str] | None = None) -> None:
    # daphne builds each HTTP request and its WebSocket factory from these module names
    http_protocol.WebRequest = LimitedRequest
    daphne_server.WebSocketFactory = ClosingWebSocketFactory
    cli = CommandLineInterface()
    cli.server_class = PacingServer
    cli.run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
