"""A 400 MiB upload under the limits, through the real web server (issue 17, fault 1).

Twisted used to parse a multipart body into memory on the event loop, and daphne to put all of
it into the application's queue at once; then views read the file whole. The server's memory grew
by twice the upload (+806 MiB) and /healthz waited 16 s, every user with it. Now the body streams
to disk and is read in place: other requests are answered while it is handled, and the server's
memory stays flat.
"""
from __future__ import annotations

import socket
import struct
import threading
import time

import psutil
import pytest
import requests

from tests.platform_server import serving

SIZE = 400 * 2**20
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("large-uploads")) as running:
        yield running


def _server_memory(server) -> int:
    parent = psutil.Process(server.process.pid)
    return sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)] if p.is_running())


def _wav_header(samples_bytes: int) -> bytes:
    return (b"RIFF" + struct.pack("<I", 36 + samples_bytes) + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16) + b"data" + struct.pack("<I", samples_bytes))


def test_a_400_mib_upload_streams_to_disk_while_others_are_served(server):
    head = (b'--XX\r\nContent-Disposition: form-data; name="file"; filename="long.wav"\r\n'
            b"Content-Type: audio/wav\r\n\r\n" + _wav_header(SIZE))
    tail = b"\r\n--XX\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nzh\r\n--XX--\r\n"
    baseline = _server_memory(server)
    peak, health, stop = [baseline], [], threading.Event()

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], _server_memory(server))
            asked = time.monotonic()
            status = requests.get(f"{server.url}/healthz", timeout=60).status_code
            health.append((asked, time.monotonic(), status))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    host, port = server.url.removeprefix("http://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=120) as connection:
            connection.sendall(
                b"POST /api/transcripts/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + f"Authorization: Token {server.tokens['bob']}\r\n".encode()
                + b"Content-Type: multipart/form-data; boundary=XX\r\n"
                + f"Content-Length: {len(head) + SIZE + len(tail)}\r\n\r\n".encode() + head)
            block = b"\x01\x02" * 2**19  # a quiet tone's worth of samples, 1 MiB at a time
            for _ in range(SIZE // len(block)):
                connection.sendall(block)
            connection.sendall(tail)
            sent = time.monotonic()
            answer = connection.recv(65536)
            answered = time.monotonic()
    finally:
        stop.set()
        watcher.join()
    assert answer.startswith(b"HTTP/1.1 202"), answer[:400]
    # The promise is /healthz under 1 s while such an upload is in flight; it waited 16 s
    # before, and waits about 0.04 s now. 2 s leaves room for a busy machine, not for the old fault.
    longest = max(done - asked for asked, done, _ in health)
    assert longest < 2, f"/healthz waited {longest:.1f} s during the upload"
    assert [h for h in health if h[0] >= sent and h[1] <= answered] or answered - sent < 0.5
    assert all(status == 200 for _, _, status in health)
    grown = (peak[0] - baseline) / 2**20
    assert grown < 100, f"the web server grew by {grown:.0f} MiB for a 400 MiB upload"
    listed = requests.get(f"{server.url}/api/transcripts/", headers={"Authorization": f"Token {server.tokens['bob']}"})
    newest = listed.json()["results"][0]
    assert newest["source_name"] == "long.wav" and abs(newest["duration"] - SIZE / 32000) < 1
