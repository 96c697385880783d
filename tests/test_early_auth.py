"""A bad API token is refused before the body is sent, where HTTP allows it (issue 17, fault 1).

A client sending `Expect: 100-continue` waits for the server's go-ahead before the body. The real
web server looks the token up first: an unknown one gets 401 at once, none of a 400 MiB body sent;
a known one gets "100 Continue" and its request is answered as before.
"""
from __future__ import annotations

import json
import socket
import time

import pytest

from tests.platform_server import serving

DECLARED = 400 * 2**20  # under the request limit: only the token can refuse it early


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("early-auth")) as running:
        yield running


def _headers(path: str, authorization: str, length: int, expect: bool = True) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {authorization}\r\nAccept-Language: en\r\n"
            "Content-Type: multipart/form-data; boundary=XX\r\n"
            f"Content-Length: {length}\r\n" + ("Expect: 100-continue\r\n" if expect else "") + "\r\n").encode()


def _connect(server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _answer(connection: socket.socket) -> tuple[int, dict, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    while len(body) < int(headers.get("Content-Length", 0)):
        body += connection.recv(65536)
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("path,scheme", [("/api/transcripts/", "Token"), ("/v1/audio/transcriptions", "Bearer")])
def test_an_unknown_token_is_refused_before_the_body_is_sent(server, path, scheme):
    with _connect(server) as connection:
        asked = time.monotonic()
        connection.sendall(_headers(path, f"{scheme} not-a-real-token", DECLARED))
        status, headers, body = _answer(connection)  # no byte of the body was sent
        waited = time.monotonic() - asked
    assert status == 401 and headers["WWW-Authenticate"] == scheme
    assert waited < 5, f"the 401 took {waited:.1f} s"
    answer = json.loads(body)
    if path.startswith("/v1/"):
        assert answer["error"]["code"] == "invalid_api_key" and "Bearer" in answer["error"]["message"]
    else:
        assert answer == {"detail": "Invalid token."}


def test_a_known_token_gets_the_go_ahead_and_its_answer(server):
    body = (b'--XX\r\nContent-Disposition: form-data; name="language"\r\n\r\nzh\r\n--XX--\r\n')
    with _connect(server) as connection:
        connection.sendall(_headers("/api/transcripts/", f"Token {server.tokens['bob']}", len(body)))
        status, _, _ = _answer(connection)
        assert status == 100
        connection.sendall(body)
        status, _, answer = _answer(connection)
    assert status == 400 and "file" in json.loads(answer)  # the application's own answer: no file sent


def test_a_client_that_does_not_wait_still_gets_one_answer(server):
    """The body arrives while the token is looked up: the request waits for the lookup, then
    the application answers it, once."""
    body = (b'--XX\r\nContent-Disposition: form-data; name="language"\r\n\r\nzh\r\n--XX--\r\n')
    for token, expected in ((server.tokens["bob"], 400), ("not-a-real-token", 401)):
        with _connect(server) as connection:
            connection.sendall(_headers("/api/transcripts/", f"Token {token}", len(body)) + body)
            status, _, _ = _answer(connection)
            if status == 100:
                status, _, _ = _answer(connection)
            assert status == expected
            connection.settimeout(2.5)
            try:
                rest = connection.recv(65536)  # then nothing more: the connection closes or idles
            except TimeoutError:
                rest = b""
            assert b"HTTP/1.1" not in rest


def test_without_expect_the_application_answers_as_before(server):
    body = b"--XX--\r\n"
    with _connect(server) as connection:
        connection.sendall(_headers("/api/transcripts/", "Token not-a-real-token", len(body), expect=False) + body)
        status, _, answer = _answer(connection)
    assert status == 401 and json.loads(answer) == {"detail": "Invalid token."}  # the same words as the early 401


def test_the_early_401_speaks_the_language_the_application_would(server):
    with _connect(server) as connection:
        connection.sendall(_headers("/api/transcripts/", "Token not-a-real-token", DECLARED).replace(
            b"Accept-Language: en", b"Accept-Language: zh-CN,zh;q=0.9"))
        status, _, body = _answer(connection)
    assert status == 401 and json.loads(body) == {"detail": "认证令牌无效。"}
    with _connect(server) as connection:  # a client naming no language: English, as the API's own messages
        connection.sendall(_headers("/api/transcripts/", "Token not-a-real-token", DECLARED).replace(
            b"Accept-Language: en\r\n", b""))
        status, _, body = _answer(connection)
    assert status == 401 and json.loads(body) == {"detail": "Invalid token."}
