"""daphne, refusing request bodies over ASR_MAX_REQUEST_MB while they arrive.

daphne (through Twisted) receives a request's whole body before the ASGI application sees the
request, so the application's limit (body_limit.py) protected Django but not the server: a
400 MiB body was received in full before its 413 (21 s), and a declared length of 2 GiB with no
body was never answered. Here a request refuses an over-limit declared Content-Length as soon as
its headers arrive, and a chunked body as soon as it grows past the limit. Run as
`python -m asrplatform.web_server` with daphne's arguments (runplatform does). WebSocket frames
over daphne's 1 MiB limit end the connection with a close frame saying why.
"""
from __future__ import annotations

import sys

from daphne import http_protocol
from daphne import server as daphne_server
from daphne.cli import CommandLineInterface
from daphne.ws_protocol import WebSocketFactory
from twisted.internet import reactor

from asrplatform.body_limit import refusal_body

# After the 413 the connection stays open this long, its data read and dropped, so that a client
# still sending reads the answer instead of a connection reset; then it is closed.
LINGER_SECONDS = 2.0


def _limit() -> int:
    from django.conf import settings  # configured by the time requests arrive (daphne loads the app first)

    return settings.ASR_MAX_REQUEST_BYTES


class LimitedRequest(http_protocol.WebRequest):
    refused = False
    received = 0

    def gotLength(self, length: int | None) -> None:
        if length is not None and length > _limit():
            self._refuse()
            length = 0  # keep nothing of the body
        super().gotLength(length)

    def handleContentChunk(self, data: bytes) -> None:
        if self.refused:
            return
        self.received += len(data)
        if self.received > _limit():
            self._refuse()
            return
        super().handleContentChunk(data)

    def process(self):
        if not self.refused:  # a refused body that arrived in full during the linger has been answered
            return super().process()

    def _refuse(self) -> None:
        self.refused = True
        self.channel.persistent = False
        path = getattr(self.channel, "_path", b"").decode("latin-1")
        payload = refusal_body(path, _limit())
        transport = self.channel.transport
        transport.write(b"HTTP/1.1 413 Request Entity Too Large\r\nContent-Type: application/json\r\n"
                        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(payload) + payload)
        reactor.callLater(LINGER_SECONDS, transport.loseConnection)


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
    CommandLineInterface().run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
