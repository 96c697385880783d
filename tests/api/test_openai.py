"""The OpenAI-compatible endpoints with the official `openai` client, against a real daphne
server on a free loopback port (no background workers: /v1/ recognises in the request)."""
import asyncio
import concurrent.futures
import json
import socket
import time

import openai
import pytest
import requests
import websockets

from tests.platform_server import serving
from tests.speech import zero_channel_wav
from transcripts.engine import TranscribeOptions

CLIP = "BAC009S0764W0121.wav"
SHORT_CLIP = "IT0011W0001.wav"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("openai-server"), ASR_API_CONCURRENCY="2", ASR_API_RETRY_AFTER="7",
                 ASR_MAX_REQUEST_MB="2", ASR_API_RATE="100000/min") as running:
        yield running


def client(server, user="bob", **kwargs) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=server.tokens[user], max_retries=0, timeout=300,
                         **kwargs)


def post(server, token: str | None, files=None, data=None, headers=None) -> requests.Response:
    headers = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
    return requests.post(f"{server.url}/v1/audio/transcriptions", headers=headers, files=files, data=data,
                         timeout=300)


def stored_count(server) -> int:
    headers = {"Authorization": f"Token {server.tokens['bob']}"}
    response = requests.get(f"{server.url}/api/transcripts/", headers=headers)
    return response.json()["count"]


def assert_still_serving(server) -> None:
    assert requests.get(f"{server.url}/healthz").status_code == 200


@pytest.mark.slow
def test_each_response_format_gives_the_engines_text(server, clips, engine):
    expected = engine.transcribe(clips[CLIP].path, TranscribeOptions(language="zh"))
    api = client(server)

    def create(**kwargs):
        with clips[CLIP].path.open("rb") as audio:
            return api.audio.transcriptions.create(model="whisper-base", file=audio, language="zh", **kwargs)

    assert create().text == expected.itn_text
    assert create(response_format="text").strip() == expected.itn_text
    # a client written for a streaming model gets the text as OpenAI's events, not an empty stream
    events = list(create(stream=True))
    assert [e.type for e in events] == ["transcript.text.delta", "transcript.text.done"]
    assert events[0].delta == events[1].text == expected.itn_text
    srt = create(response_format="srt")
    assert srt.startswith("1\n00:00:") and "-->" in srt and expected.segments[0].itn_text.strip() in srt
    vtt = create(response_format="vtt")
    assert vtt.startswith("WEBVTT") and expected.segments[-1].itn_text.strip() in vtt
    verbose = create(response_format="verbose_json", timestamp_granularities=["word", "segment"])
    assert verbose.text == expected.itn_text and verbose.language == "zh"
    assert abs(verbose.duration - clips[CLIP].entry["duration_s"]) < 0.05
    assert [s.start for s in verbose.segments] == [s.start for s in expected.segments]
    # the decoder's own scores, not placeholders (word timestamps decode through `transcribe`)
    timed = engine.transcribe(clips[CLIP].path, TranscribeOptions(language="zh", word_timestamps=True))
    assert [(s.avg_logprob, s.no_speech_prob, s.compression_ratio) for s in verbose.segments] == [
        (s.avg_logprob, s.no_speech_prob, s.compression_ratio) for s in timed.segments]
    assert all(s.avg_logprob < 0 and 0 <= s.no_speech_prob <= 1 for s in verbose.segments)
    assert verbose.words and all(0 <= w.start <= w.end <= verbose.duration for w in verbose.words)
    assert "".join(w.word for w in verbose.words).replace(" ", "") in expected.text.replace(" ", "")


@pytest.mark.slow
def test_diarised_verbose_json_segments_carry_their_speaker(server, tmp_path):
    from tests.diarization import mandarin_conversation
    from transcripts.engine.audio import wav_bytes

    recording, reference = mandarin_conversation(6, -50.0, seconds=20)
    path = tmp_path / "call.wav"
    path.write_bytes(wav_bytes(recording.samples))
    with path.open("rb") as audio:
        verbose = client(server).audio.transcriptions.create(
            model="whisper-1", file=audio, language="zh", response_format="verbose_json",
            extra_body={"diarize": "true"})
    speakers = [segment.model_extra["speaker"] for segment in verbose.segments]
    assert speakers[0] == "S1" and abs(len(set(speakers)) - len(reference.labels())) <= 1
    assert not any(segment.text.startswith("S1:") for segment in verbose.segments)
    with path.open("rb") as audio:
        srt = client(server).audio.transcriptions.create(model="whisper-1", file=audio, language="zh",
                                                         response_format="srt", extra_body={"num_speakers": "2"})
    assert "\nS1: " in srt and "\nS2: " in srt


@pytest.mark.slow
def test_results_are_stored_as_transcripts_of_the_tokens_team(server, clips):
    with clips[SHORT_CLIP].path.open("rb") as audio:
        raw = client(server).audio.transcriptions.with_raw_response.create(model="whisper-1", file=audio,
                                                                           extra_body={"hotwords": "交易", "itn": "false"})
    transcript_id = raw.headers["X-Transcript-Id"]
    headers = {"Authorization": f"Token {server.tokens['alice']}"}
    stored = requests.get(f"{server.url}/api/transcripts/{transcript_id}/", headers=headers).json()
    assert stored["status"] == "done" and stored["text"] == raw.parse().text
    assert stored["options"]["hotwords"] == ["交易"] and stored["options"]["itn"] is False
    other_team = {"Authorization": f"Token {server.tokens['carol']}"}
    assert requests.get(f"{server.url}/api/transcripts/{transcript_id}/", headers=other_team).status_code == 404


def test_models_are_listed(server):
    names = [m.id for m in client(server).models.list()]
    assert "whisper-base" in names


@pytest.mark.slow
def test_twenty_concurrent_requests_succeed_or_get_503_with_retry_after(server, clips):
    before = stored_count(server)
    audio = clips[SHORT_CLIP].path.read_bytes()

    def one(_):
        return post(server, server.tokens["bob"], files={"file": ("a.wav", audio, "audio/wav")},
                    data={"model": "whisper-base", "language": "zh"})

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(one, range(20)))
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 503}, statuses
    busy = [r for r in responses if r.status_code == 503]
    assert busy, "2 slots and 20 simultaneous requests: some must be turned away"
    assert all(r.headers["Retry-After"] == "7" and r.json()["error"]["code"] == "server_busy" for r in busy)
    successes = statuses.count(200)
    assert successes >= 2
    assert stored_count(server) - before == successes
    assert_still_serving(server)


@pytest.mark.parametrize("content, status, code", [
    (b"", 400, "invalid_value"),
    (b"\x00corrupt" * 300, 415, "undecodable_audio"),
    (b"just some text, not audio\n" * 50, 415, "undecodable_audio"),
    (zero_channel_wav(), 400, "damaged_audio"),  # raised av.error.ArgumentError (a 500) before
])
def test_bad_uploads_get_an_openai_error(server, content, status, code):
    before = stored_count(server)
    with pytest.raises(openai.APIStatusError) as raised:
        client(server).audio.transcriptions.create(model="whisper-base", file=("a.wav", content))
    assert raised.value.status_code == status
    error = raised.value.body
    assert error["code"] == code and error["message"] and "Traceback" not in error["message"]
    assert stored_count(server) == before
    assert_still_serving(server)


@pytest.mark.parametrize("fields, param", [
    ({"model": "whisper-9000"}, "model"),
    ({"model": "/etc/passwd"}, "model"),
    ({"language": "klingon"}, None),
    ({"response_format": "xml"}, "response_format"),
    ({"temperature": "5"}, "temperature"),
    ({"timestamp_granularities[]": "word"}, "timestamp_granularities"),  # needs verbose_json
    ({"stream": "true", "response_format": "srt"}, "stream"),  # events carry text, not a document
    ({"hotword_library_ids": "abc"}, "hotword_library_ids"),
    ({"max_cue_seconds": "99"}, "max_cue_seconds"),
    ({"max_line_chars": "3"}, "max_line_chars"),
    ({"num_speakers": "0"}, "num_speakers"),
    ({"max_speakers": "21"}, "max_speakers"),
    ({"min_speakers": "3", "max_speakers": "2"}, "max_speakers"),
    ({"num_speakers": "2", "max_speakers": "3"}, "num_speakers"),
])
def test_invalid_fields_are_400_naming_the_field(server, clips, fields, param):
    data = {"model": "whisper-base", **fields}
    response = post(server, server.tokens["bob"], files={"file": ("a.wav", clips[SHORT_CLIP].path.read_bytes())},
                    data=data)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == param and error["message"]


def test_over_size_body_is_413_before_it_is_read(server):
    response = post(server, server.tokens["bob"], files={"file": ("big.wav", b"\x00" * (3 * 2**20))},
                    data={"model": "whisper-base"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"
    assert_still_serving(server)


def test_missing_wrong_and_viewer_tokens(server, clips):
    files = {"file": ("a.wav", clips[SHORT_CLIP].path.read_bytes())}
    for token, status in ((None, 401), ("wrong", 401), (server.tokens["vera"], 403)):
        response = post(server, token, files=files, data={"model": "whisper-base"})
        assert response.status_code == status
        assert response.json()["error"]["type"] in ("authentication_error", "permission_error")
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{server.url}/v1", api_key="wrong", max_retries=0).models.list()
    other_team = post(server, server.tokens["bob"], files=files, data={"model": "whisper-base"},
                      headers={"X-Team": str(server.teams["b"])})
    assert other_team.status_code == 404


def _send_then_hang_up(server, body: bytes, sent: int) -> None:
    with socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1]))) as sock:
        head = b'--XX\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n'
        tail = b'\r\n--XX\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-base\r\n--XX--\r\n'
        payload = head + body + tail
        sock.sendall(
            b"POST /v1/audio/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Authorization: Bearer {server.tokens['bob']}\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=XX\r\n"
            + f"Content-Length: {len(payload)}\r\n\r\n".encode()
            + payload[:sent]
        )
        time.sleep(0.5)


def test_a_client_that_disconnects_mid_upload_leaves_nothing_behind(server, clips):
    before = stored_count(server)
    body = clips[CLIP].path.read_bytes()
    _send_then_hang_up(server, body, len(body) // 2)
    assert_still_serving(server)
    assert stored_count(server) == before


@pytest.mark.slow
def test_a_client_that_disconnects_mid_recognition_stops_it(server, clips):
    body = clips["TEST_MEETING_T0000000001_S00000.wav"].path.read_bytes()
    _send_then_hang_up(server, body, len(body) + 1000)
    headers = {"Authorization": f"Token {server.tokens['bob']}"}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        newest = requests.get(f"{server.url}/api/transcripts/", headers=headers).json()["results"][0]
        if newest["status"] not in ("queued", "running"):
            break
        time.sleep(0.5)
    assert newest["status"] == "failed" and newest["error_code"] == "client_disconnected", newest
    assert_still_serving(server)


def _connect(server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)), timeout=30)
    return connection


def _answer(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_a_declared_length_over_the_limit_is_refused_before_any_body_arrives(server):
    """It used to wait for all 2 GiB, answering nothing."""
    with _connect(server) as connection:
        connection.sendall(b"POST /v1/audio/transcriptions HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer x\r\n"
                           b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 2147483648\r\n\r\n")
        answer = _answer(connection)
    assert answer.startswith(b"HTTP/1.1 413") and b'"code": "request_too_large"' in answer
    assert_still_serving(server)


def test_a_chunked_body_is_refused_once_it_passes_the_limit_and_the_server_serves_others_meanwhile(server):
    megabyte = b"\x00" * 2**20
    chunk = b"%x\r\n%s\r\n" % (len(megabyte), megabyte)
    with _connect(server) as connection:
        connection.sendall(b"POST /api/transcripts/ HTTP/1.1\r\nHost: t\r\nAuthorization: Token x\r\n"
                           b"Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n")
        connection.sendall(chunk)
        assert_still_serving(server)  # an upload in flight holds nobody up
        connection.sendall(chunk + chunk)  # past the 2 MB limit: refused there, not after the whole body
        answer = _answer(connection)
    assert answer.startswith(b"HTTP/1.1 413") and b"ASR_MAX_REQUEST_MB" in answer
    assert_still_serving(server)


def test_a_websocket_frame_over_daphnes_limit_is_closed_with_a_close_frame(server):
    """It used to be dropped without one; frames up to the limit get an error message (README)."""
    url = server.url.replace("http://", "ws://") + f"/ws/stream/?token={server.tokens['bob']}"

    async def scenario():
        async with websockets.connect(url, max_size=None) as live:
            await live.send(json.dumps({"language": "zh"}))
            await live.send(b"\x00" * 200_000)  # over 2 s of audio, under daphne's 1 MiB: an error message
            message = json.loads(await live.recv())
            await live.send(b"\x00" * (2 * 2**20))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await live.recv()
            return message, closed.value

    message, closed = asyncio.run(scenario())
    assert message["type"] == "error" and "at most" in message["message"]
    assert closed.rcvd is not None and closed.rcvd.code == 1009  # "message too big", said by the server
    assert_still_serving(server)
