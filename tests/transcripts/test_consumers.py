"""WebSocket consumers through Channels' WebsocketCommunicator, against the real ASGI application."""
import json
import re

import numpy as np
import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.authtoken.models import Token

from asrplatform.asgi import application
from tests.speech import SHORT_MANDARIN, character_error_rate
from transcripts import services
from transcripts.engine import TranscribeOptions
from transcripts.engine.audio import SAMPLE_RATE, decode_audio
from transcripts.engine.streaming import frames
from transcripts.models import Job, Status, Transcript

# Live text vs the same clips transcribed as files: 0.000 measured on these clips (each becomes
# one utterance); 0.10 leaves room for one utterance cut differently.
LIVE_VS_FILE_CER_MAX = 0.10


def communicator(path: str, user=None, headers=()) -> WebsocketCommunicator:
    talk = WebsocketCommunicator(application, path, headers=list(headers))
    if user is not None:
        talk.scope["user"] = user  # as AuthMiddleware leaves it after reading the session
    return talk


async def received_until(talk, kind: str, timeout: float = 60) -> list[dict]:
    messages = []
    while True:
        message = json.loads(await talk.receive_from(timeout=timeout))
        messages.append(message)
        if message["type"] == kind:
            return messages


def streamed_session(talk, options: dict, audio, timeout: float = 120) -> list[dict]:
    """A whole live session on `talk`: options, the audio in 100 ms frames, end; every message
    until done."""
    async def scenario():
        assert (await talk.connect())[0]
        await talk.send_to(text_data=json.dumps(options))
        for frame in frames(audio, 100):
            await talk.send_to(bytes_data=frame)
        await talk.send_to(text_data=json.dumps({"type": "end"}))
        return await received_until(talk, "done", timeout=timeout)

    return async_to_sync(scenario)()


def queued_job(teams, clip) -> tuple[Job, Transcript]:
    job = Job.objects.create(team=teams["a"], created_by=teams["bob"])
    transcript = Transcript.objects.create(team=teams["a"], job=job, source_name=clip.path.name, options={},
                                           duration=clip.entry["duration_s"])
    services.audio_path(transcript).parent.mkdir(parents=True, exist_ok=True)
    services.audio_path(transcript).write_bytes(clip.path.read_bytes())
    return job, transcript


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_job_progress_is_pushed_until_done(teams, clips):
    job, transcript = queued_job(teams, clips["TEST_MEETING_T0000000001_S00000.wav"])

    async def scenario():
        talk = communicator(f"/ws/jobs/{job.id}/", teams["bob"])
        assert (await talk.connect())[0]
        first = json.loads(await talk.receive_from(timeout=10))
        assert first["type"] == "progress" and first["status"] == "queued" and (first["done"], first["total"]) == (0, 1)
        await sync_to_async(services.transcript_run, thread_sensitive=False)(transcript_id=transcript.id)
        seen = [first]
        while seen[-1]["status"] != "done":
            seen.append(json.loads(await talk.receive_from(timeout=30)))
        await talk.disconnect()
        return seen

    seen = async_to_sync(scenario)()
    assert len(seen) >= 3  # the first state, the start, at least one step after it
    last = seen[-1]
    assert (last["done"], last["total"], last["fraction"], last["eta_seconds"]) == (1, 1, 1.0, None)
    assert last["files"][0]["status"] == "done"


@pytest.mark.django_db(transaction=True)
def test_job_progress_of_another_team_is_refused(teams, clips):
    job, _ = queued_job(teams, clips["IT0011W0001.wav"])

    async def scenario():
        outsider = communicator(f"/ws/jobs/{job.id}/", teams["carol"])
        anonymous = communicator(f"/ws/jobs/{job.id}/")
        return (await outsider.connect())[0], (await anonymous.connect())[0]

    assert async_to_sync(scenario)() == (False, False)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_single_uploads_progress_is_pushed_on_its_own_socket(teams, clips):
    """Issue 15: the transcript page follows a file with no job over /ws/transcripts/<id>/."""
    _, transcript = queued_job(teams, clips["TEST_MEETING_T0000000001_S00000.wav"])
    Transcript.objects.filter(id=transcript.id).update(job=None)

    async def scenario():
        outsider = communicator(f"/ws/transcripts/{transcript.id}/", teams["carol"])
        refused = not (await outsider.connect())[0]
        talk = communicator(f"/ws/transcripts/{transcript.id}/", teams["bob"])
        assert (await talk.connect())[0]
        seen = [json.loads(await talk.receive_from(timeout=10))]
        await sync_to_async(services.transcript_run, thread_sensitive=False)(transcript_id=transcript.id)
        while seen[-1]["status"] != "done":
            seen.append(json.loads(await talk.receive_from(timeout=30)))
        await talk.disconnect()
        return refused, seen

    refused, seen = async_to_sync(scenario)()
    assert refused
    assert seen[0] == {"type": "progress", "transcript": transcript.id, "status": "queued", "progress": 0.0,
                       "error_code": ""}
    assert "running" in [m["status"] for m in seen] and seen[-1]["progress"] == 1.0


def joined_clips(clips, gap_seconds: float = 1.0) -> np.ndarray:
    gap = np.zeros(int(gap_seconds * SAMPLE_RATE), np.float32)
    parts = [gap]
    for name in SHORT_MANDARIN:
        parts += [decode_audio(clips[name].path).samples, gap]
    return np.concatenate(parts)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_stream_in_100ms_frames_gives_finals_that_match_the_file_transcription(teams, clips, engine):
    audio = joined_clips(clips)
    token = Token.objects.create(user=teams["bob"])

    messages = streamed_session(communicator(f"/ws/stream/?token={token.key}"), {"language": "zh", "itn": True}, audio)
    finals = [m for m in messages if m["type"] == "final"]
    assert not [m for m in messages if m["type"] == "error"]
    assert len(finals) == len(SHORT_MANDARIN)
    # each final is an utterance: a punctuated Chinese sentence, never ASCII commas (issue 13)
    assert all(f["text"][-1] in "。？" and not re.search(r"[,.?!]", f["text"]) for f in finals), finals
    file_text = "".join(engine.transcribe(clips[n].path, TranscribeOptions(language="zh")).text
                        for n in SHORT_MANDARIN)
    assert character_error_rate([file_text], ["".join(f["text"] for f in finals)]) <= LIVE_VS_FILE_CER_MAX
    duration = len(audio) / SAMPLE_RATE
    assert all(0 <= f["start"] < f["end"] <= duration for f in finals)
    assert [f["start"] for f in finals] == sorted(f["start"] for f in finals)
    assert messages[-1] == {"type": "done"}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_saved_session_becomes_a_transcript_with_its_audio(teams, clips, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    audio = decode_audio(clips["BAC009S0764W0121.wav"].path).samples

    done = streamed_session(communicator("/ws/stream/", teams["bob"]), {"language": "zh", "save": True}, audio)[-1]
    transcript = Transcript.objects.get(id=done["transcript"])
    assert transcript.team == teams["a"] and transcript.status == Status.DONE and "交易" in transcript.text
    stored = decode_audio(services.audio_path(transcript))
    assert abs(stored.duration - len(audio) / SAMPLE_RATE) < 0.01


@pytest.mark.django_db(transaction=True)
def test_malformed_frames_get_error_events_and_the_session_goes_on(teams):
    async def scenario():
        talk = communicator("/ws/stream/", teams["bob"])
        assert (await talk.connect())[0]
        errors, codes = [], []

        async def expect_error(**frame):
            await talk.send_to(**frame)
            message = json.loads(await talk.receive_from(timeout=10))
            assert message["type"] == "error", message
            errors.append(message["message"])
            codes.append((message["code"], message.get("params")))

        await expect_error(bytes_data=b"\x00\x01" * 100)                    # audio before the options
        await expect_error(text_data="{not json")
        await expect_error(text_data=json.dumps(["zh"]))                   # options must be an object
        await expect_error(text_data=json.dumps({"language": "klingon"}))
        await expect_error(text_data=json.dumps({"temperature": 3}))
        await talk.send_to(text_data=json.dumps({"language": "zh"}))     # now valid: the session starts
        await expect_error(bytes_data=b"\x00" * 3)                        # half a sample
        await expect_error(bytes_data=b"\x00" * (70 * 1024))              # over 2 s in one frame
        await expect_error(text_data=json.dumps({"language": "en"}))      # options twice
        await talk.send_to(bytes_data=b"\x00\x00" * SAMPLE_RATE)          # one second of silence
        await talk.send_to(text_data=json.dumps({"type": "end"}))
        rest = await received_until(talk, "done")
        return errors, codes, rest

    errors, codes, rest = async_to_sync(scenario)()
    assert len(errors) == 8 and all(errors)
    assert codes[0] == ("bad_message", None) and codes[3] == ("unknown_language", {"language": "klingon"})
    assert "options" in errors[0] and "klingon" in errors[3] and "temperature" in errors[4]
    assert rest == [{"type": "done"}]  # silence gives no text


@pytest.mark.django_db(transaction=True)
def test_stream_needs_a_member_by_session_or_a_valid_token(teams):
    from accounts.models import Membership

    Membership.objects.filter(user=teams["bob"]).update(role=Membership.Role.VIEWER)
    alice_token = Token.objects.create(user=teams["alice"])

    async def scenario():
        results = []
        for talk in (communicator("/ws/stream/"), communicator("/ws/stream/?token=wrong"),
                     communicator("/ws/stream/", teams["bob"]),
                     communicator("/ws/stream/", headers=[(b"authorization", f"Token {alice_token.key}".encode())]),
                     communicator("/ws/stream/", headers=[(b"origin", b"http://evil.example")])):
            connected, _ = await talk.connect()
            results.append(connected)
            await talk.disconnect()
        return results

    assert async_to_sync(scenario)() == [False, False, False, True, False]


@pytest.mark.parametrize("origin,host,secure,allowed", [
    ("http://127.0.0.1:8000", "127.0.0.1:8000", False, True),
    ("http://localhost:8000", "localhost:8000", False, True),
    ("http://127.0.0.1:9999", "127.0.0.1:8000", False, False),  # another port of the same host
    ("https://127.0.0.1:8000", "127.0.0.1:8000", False, False),  # another scheme
    ("http://127.0.0.1:8000", "127.0.0.1:8000", True, False),  # plain HTTP page, HTTPS site
    ("http://evil.example", "evil.example", False, False),  # a host we do not serve
    ("http://127.0.0.1.evil.example:8000", "127.0.0.1:8000", False, False),
    ("null", "127.0.0.1:8000", False, False),
])
def test_the_websocket_origin_must_match_scheme_host_and_port(origin, host, secure, allowed):
    from accounts.ws_auth import origin_allowed

    assert origin_allowed(origin, host, secure) is allowed


@pytest.mark.django_db(transaction=True)
def test_a_socket_from_another_port_of_our_host_is_refused(teams):
    headers = [(b"host", b"127.0.0.1:8000")]

    async def scenario():
        results = []
        for origin in (b"http://127.0.0.1:8000", b"http://127.0.0.1:9999"):
            talk = communicator("/ws/stream/", teams["bob"], headers=headers + [(b"origin", origin)])
            connected, _ = await talk.connect()
            results.append(connected)
            await talk.disconnect()
        return results

    assert async_to_sync(scenario)() == [True, False]


@pytest.mark.django_db(transaction=True)
def test_removing_a_member_ends_their_open_sockets(teams):
    from accounts.models import Membership
    from accounts.services import membership_remove, membership_role_change

    job = Job.objects.create(team=teams["a"], created_by=teams["alice"])
    bob = Membership.objects.get(user=teams["bob"], team=teams["a"])

    async def scenario():
        stream = communicator("/ws/stream/", teams["bob"])
        progress = communicator(f"/ws/jobs/{job.id}/", teams["bob"])
        assert (await stream.connect())[0] and (await progress.connect())[0]
        await stream.send_to(text_data="{}")
        await progress.receive_from(timeout=10)  # the job's first snapshot
        # A role lowered to viewer stops the live session (viewers cannot recognise) ...
        await sync_to_async(membership_role_change)(team=teams["a"], membership_id=bob.id,
                                                    role=Membership.Role.VIEWER)
        stopped = json.loads(await stream.receive_from(timeout=10))
        assert stopped["type"] == "error" and "member role" in stopped["message"] and stopped["code"] == "role_lost"
        assert (await stream.receive_output(timeout=10))["type"] == "websocket.close"
        # ... while a viewer may still follow the job, until removed from the team
        assert await progress.receive_nothing(timeout=0.5)
        await sync_to_async(membership_remove)(team=teams["a"], membership_id=bob.id)
        gone = json.loads(await progress.receive_from(timeout=10))
        assert gone["type"] == "error" and "no longer" in gone["message"]
        assert (await progress.receive_output(timeout=10))["type"] == "websocket.close"

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_saved_session_ended_before_any_audio_is_done_and_saved_empty(teams, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    async def scenario():
        talk = communicator("/ws/stream/", teams["bob"])
        assert (await talk.connect())[0]
        await talk.send_to(text_data=json.dumps({"language": "zh", "save": True}))
        await talk.send_to(text_data=json.dumps({"type": "end"}))
        return await received_until(talk, "done", timeout=30)

    messages = async_to_sync(scenario)()
    assert not [m for m in messages if m["type"] == "error"], messages
    transcript = Transcript.objects.get(id=messages[-1]["transcript"])
    assert transcript.status == Status.DONE and transcript.text == "" and transcript.duration == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_live_finals_carry_speakers_when_asked_and_the_saved_transcript_keeps_them(teams, clips, settings, tmp_path):
    """Best effort: each utterance joins the nearest voice heard so far, or is a new speaker."""
    settings.MEDIA_ROOT = tmp_path
    order = ["BAC009S0764W0121.wav", "TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.wav", "BAC009S0764W0121.wav"]
    pause = np.zeros(int(1.5 * SAMPLE_RATE), np.float32)
    audio = np.concatenate([part for name in order for part in (decode_audio(clips[name].path).samples, pause)])

    messages = streamed_session(communicator("/ws/stream/", teams["bob"]),
                                {"language": "zh", "diarize": True, "save": True}, audio)
    finals = [m for m in messages if m["type"] == "final"]
    assert [f["speaker"] for f in finals] == ["S1", "S2", "S1"], finals
    transcript = Transcript.objects.get(id=messages[-1]["transcript"])
    assert [s["speaker"] for s in transcript.segments] == ["S1", "S2", "S1"]
