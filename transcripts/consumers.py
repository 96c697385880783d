"""WebSockets: live progress of batch jobs (/ws/jobs/<id>/) and live recognition (/ws/stream/).

Heavy work (VAD, recognition) runs in threads, database work through database_sync_to_async:
the event loop that serves every other socket never waits on either.
"""
from __future__ import annotations

import asyncio
import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from django.conf import settings

from accounts.access_events import member_group
from accounts.models import Membership
from accounts.permissions import teams_of
from accounts.ws_auth import scope_membership
from transcripts import events
from transcripts.engine import EngineError, Segment
from transcripts.engine.result import least_sure
from transcripts.engine.speakers import LiveSpeakers
from transcripts.engine.streaming import MS, Utterance, UtteranceCutter, is_final_of, pcm16_to_float
from transcripts.models import Job, Transcript
from transcripts.recognition import get_engine
from transcripts.selectors import job_snapshot
from transcripts.services.live_sessions import SessionRecording, live_options, live_session_save

logger = logging.getLogger(__name__)
CLOSE_NOT_ALLOWED = 4403
_END = object()


class _FinalsDue:
    """Finals being decoded in this process, every session's together: partials wait for them,
    so that a second session's partials never hold up the first one's finals."""

    count = 0

    def __enter__(self) -> None:
        _FinalsDue.count += 1

    def __exit__(self, *exc) -> None:
        _FinalsDue.count -= 1


class ProgressConsumer(AsyncJsonWebsocketConsumer):
    """Sends the state of one object (a job, a transcript) on connect and again whenever a worker
    reports a change; subclasses say what the object is and what its state looks like."""

    async def connect(self) -> None:
        self.target = await self._target()
        if self.target is None:
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.group = self.group_of(self.target.id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.access_group = member_group(self.scope["user"].id, self.target.team_id)
        await self.channel_layer.group_add(self.access_group, self.channel_name)
        await self.accept()
        await self.send_progress()

    async def disconnect(self, code: int) -> None:
        for group in (getattr(self, "group", None), getattr(self, "access_group", None)):
            if group:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def access_changed(self, event: dict) -> None:
        """The user's membership changed: close unless they may still see this job."""
        if await self._target() is None:
            await self.send_json({"type": "error", "message": "You no longer have access to this team."})
            await self.close(code=CLOSE_NOT_ALLOWED)

    async def receive_json(self, content, **kwargs) -> None:
        await self.send_json({"type": "error", "message": "This socket only sends progress; it reads nothing."})

    async def send_progress(self) -> None:
        await self.send_json({"type": "progress", **await database_sync_to_async(self.snapshot)()})

    @database_sync_to_async
    def _target(self):
        user = self.scope.get("user")
        wanted = self.scope["url_route"]["kwargs"][self.url_key]
        return self.model.objects.filter(id=wanted, team__in=teams_of(user)).first() if user else None


class JobProgressConsumer(ProgressConsumer):
    """A batch job: files done of total, the running one's position, ETA, each file (job_snapshot)."""

    model, url_key, group_of = Job, "job_id", staticmethod(events.job_group)

    async def job_changed(self, event: dict) -> None:
        await self.send_progress()

    def snapshot(self) -> dict:
        return job_snapshot(job=self.target)


class TranscriptProgressConsumer(ProgressConsumer):
    """One transcript (a single upload has no job): its status and progress."""

    model, url_key, group_of = Transcript, "transcript_id", staticmethod(events.transcript_group)

    async def transcript_changed(self, event: dict) -> None:
        await self.send_progress()

    def snapshot(self) -> dict:
        row = Transcript.objects.values("id", "status", "progress", "error_code").get(id=self.target.id)
        return {"transcript": row["id"], "status": row["status"], "progress": round(row["progress"], 3),
                "error_code": row["error_code"]}


class StreamConsumer(AsyncWebsocketConsumer):
    """Pseudo-streaming recognition; the protocol is in the README ("Live recognition")."""

    async def connect(self) -> None:
        self.membership = await database_sync_to_async(scope_membership)(self.scope, at_least=Membership.Role.MEMBER)
        if self.membership is None:
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.options = None
        self.save = False
        self.ended = False
        self.received_samples = 0
        self.finals: list[Segment] = []
        self.language = ""
        self.recording: SessionRecording | None = None
        self.saved = False
        self.cutter = UtteranceCutter()
        self.tentative: tuple[Utterance, asyncio.Task] | None = None
        self.speakers: LiveSpeakers | None = None
        self.queue: asyncio.Queue = asyncio.Queue()
        self.pump: asyncio.Task | None = None
        self.access_group = member_group(self.scope["user"].id, self.membership.team_id)
        await self.channel_layer.group_add(self.access_group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "access_group", None):
            await self.channel_layer.group_discard(self.access_group, self.channel_name)
        if getattr(self, "pump", None):
            self.pump.cancel()
        if getattr(self, "tentative", None):
            self.tentative[1].cancel()

    async def access_changed(self, event: dict) -> None:
        """The user's membership changed: a session they may no longer run stops, unsaved."""
        still = await database_sync_to_async(Membership.objects.filter(
            user_id=self.scope["user"].id, team_id=self.membership.team_id, role__gte=Membership.Role.MEMBER).exists)()
        if not still:
            self.ended = True
            if self.pump:
                self.pump.cancel()
            await self.error("You no longer have the member role in this team; the session was stopped.",
                             code="role_lost")
            await self.close(code=CLOSE_NOT_ALLOWED)
        if getattr(self, "recording", None) and not self.saved:
            await asyncio.to_thread(self.recording.discard)  # a session cut short leaves no file behind

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.ended:
            await self.error("The session has ended; open a new connection to start another.")
        elif text_data is not None:
            await self._text(text_data)
        elif self.options is None:
            await self.error("Send the options (a JSON text frame, {} for defaults) before any audio.")
        else:
            await self._audio(bytes_data or b"")

    async def _text(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            await self.error("A text frame must be JSON: the options first, then {\"type\": \"end\"}.")
            return
        if self.options is None:
            if not await self._start(message):
                return
            if isinstance(message, dict) and message.get("type") == "end":
                await self._end()
        elif isinstance(message, dict) and message.get("type") == "end":
            await self._end()
        else:
            await self.error('Options can be sent once, first; after that only {"type": "end"} is expected.')

    async def _start(self, message: object) -> bool:
        try:
            self.options, self.save = await database_sync_to_async(live_options)(
                team=self.membership.team, data=message)
        except EngineError as e:
            await self.error(e.message, code=e.code, params=e.params)
            return False
        if self.save:
            self.recording = await asyncio.to_thread(SessionRecording)
        if self.options.diarize:
            self.speakers = LiveSpeakers(device=get_engine().models.device.torch_device)
        self.pump = asyncio.create_task(self._run())
        return True

    async def _audio(self, frame: bytes) -> None:
        try:
            samples = pcm16_to_float(frame)
        except EngineError as e:
            await self.error(e.message, code=e.code, params=e.params)
            return
        self.received_samples += len(samples)
        if self.received_samples > settings.ASR_LIVE_MAX_SECONDS * 1000 * MS:
            await self.error(f"A live session may last {settings.ASR_LIVE_MAX_SECONDS} s; finishing this one.",
                             code="session_too_long", params={"seconds": settings.ASR_LIVE_MAX_SECONDS})
            await self._end()
            return
        await self.queue.put((samples, frame))

    async def _end(self) -> None:
        self.ended = True
        await self.queue.put(_END)

    async def error(self, message: str, *, code: str = "bad_message", params: dict | None = None) -> None:
        """An error the client can act on: a stable code (its details in params, for pages that word
        it in their language) and an English message."""
        body = {"type": "error", "code": code, "message": message, **({"params": params} if params else {})}
        await self.send(text_data=json.dumps(body, ensure_ascii=False))

    async def _run(self) -> None:
        """Takes audio off the queue in order: VAD, finals, and a partial when caught up."""
        try:
            while True:
                item = await self.queue.get()
                if item is _END:
                    for utterance in await asyncio.to_thread(self.cutter.finish):
                        await self._final(utterance)
                    await self._finish()
                    return
                samples, frame = item
                if self.recording:
                    await asyncio.to_thread(self.recording.write, frame)
                for utterance in await asyncio.to_thread(self.cutter.feed, samples):
                    await self._final(utterance)
                if self.queue.empty():
                    await self._ahead()
        except Exception:  # noqa: BLE001 - the client gets a message; the server keeps serving
            logger.exception("live recognition failed")
            await self.error("Live recognition failed on the server; the session was stopped. Try again.",
                             code="live_failed")
            await self.close()

    async def _ahead(self) -> None:
        """Caught up with the audio: start decoding the final of an utterance whose speaker has
        paused, or else show the open utterance as a partial (unless some session's final is due)."""
        tentative = self.cutter.tentative()
        if tentative is not None:
            self.tentative = (tentative, asyncio.create_task(self._recognise_tentative(tentative)))
            return
        if _FinalsDue.count:
            return
        partial = self.cutter.partial()
        if partial is not None:
            await self._partial(partial)

    async def _recognise_tentative(self, utterance: Utterance):
        """The final-to-be, shown as a partial as soon as it is decoded if VAD has not closed the
        utterance yet: the best text of it there is, and the speaker may go on."""
        result = await self._recognise_final(utterance)
        if self.tentative and self.tentative[0] is utterance:
            await self._send_partial(result)
        return result

    async def _recognise_final(self, utterance: Utterance):
        with _FinalsDue():
            return await self._recognise(utterance)

    async def _recognise(self, utterance: Utterance, *, partial: bool = False):
        try:
            return await asyncio.to_thread(get_engine().transcribe_samples, utterance.samples, self.options,
                                           live=True, provisional=partial)
        except EngineError as e:
            await self.error(e.message, code=e.code, params=e.params)
            return None

    async def _partial(self, utterance: Utterance) -> None:
        await self._send_partial(await self._recognise(utterance, partial=True))

    async def _send_partial(self, result) -> None:
        if result is not None and result.text:
            await self.send(text_data=json.dumps({"type": "partial", "text": result.text}, ensure_ascii=False))

    async def _final(self, utterance: Utterance) -> None:
        tentative, self.tentative = self.tentative, None
        if tentative is not None and is_final_of(tentative[0], utterance):
            result = await tentative[1]
        else:
            result = await self._recognise_final(utterance)
        if result is None or not result.text:
            return
        start, end = utterance.start_ms / 1000, utterance.end_ms / 1000
        self.language = self.language or result.language
        speaker = await asyncio.to_thread(self.speakers.speaker_of, utterance.samples) if self.speakers else None
        self.finals.append(Segment(start=start, end=end, text=result.text, itn_text=result.itn_text, speaker=speaker,
                                   **least_sure(result.segments)))
        final = {"type": "final", "text": result.text, "itn_text": result.itn_text, "start": start, "end": end}
        await self.send(text_data=json.dumps(final | ({"speaker": speaker} if speaker else {}), ensure_ascii=False))

    async def _finish(self) -> None:
        done: dict = {"type": "done"}
        if self.recording:
            transcript = await database_sync_to_async(live_session_save)(
                team=self.membership.team, user=self.scope["user"], recording=self.recording, segments=self.finals,
                language=self.language or self.options.language, options=self.options)
            done["transcript"] = transcript.id
            self.saved = True
        await self.send(text_data=json.dumps(done))
        await self.close()
