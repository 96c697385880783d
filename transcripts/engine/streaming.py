"""Pseudo-streaming: a live 16 kHz stream cut into utterances by VAD, each recognised whole.

The seed product's approach, kept honest: Whisper-family models are not streaming models, so
text comes per utterance (a "final" when VAD sees the speaker pause) plus "partials" — the open
utterance recognised again two or three times a second. Sentence boundaries follow the pauses and can be
imperfect. Memory holds only the open utterance and a little look-back, however long the session.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from transcripts.engine.audio import SAMPLE_RATE, to_pcm16
from transcripts.engine.errors import InvalidOptionError
from transcripts.engine.vad import DETECTORS, Detector, VadOptions

MS = SAMPLE_RATE // 1000
PCM16_MAX_FRAME_BYTES = 64 * 1024  # 2 s of 16 kHz PCM16 in one WebSocket frame


def pcm16_to_float(frame: bytes) -> np.ndarray:
    """Little-endian signed 16-bit mono samples → float32 in [-1, 1)."""
    if len(frame) % 2:
        raise InvalidOptionError("An audio frame must hold whole 16-bit samples (an even number of bytes).")
    if len(frame) > PCM16_MAX_FRAME_BYTES:
        raise InvalidOptionError(
            f"An audio frame may hold at most {PCM16_MAX_FRAME_BYTES} bytes (2 s); send smaller frames, e.g. 100 ms."
        )
    return np.frombuffer(frame, dtype="<i2").astype(np.float32) / 32768.0


@dataclass(frozen=True)
class Utterance:
    start_ms: int
    end_ms: int
    samples: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class StreamSettings:
    vad: VadOptions = VadOptions()
    # An utterance that runs on without a pause is cut here (final) and continues as a new one.
    max_utterance_ms: int = 20000
    # The open utterance is offered for a partial result once this much of it has arrived, then
    # after every partial_every_ms more.
    first_partial_ms: int = 200
    partial_every_ms: int = 400
    # VAD is run on this much audio at a time: a browser's frame. The end of speech is seen within
    # a frame of it, and the final's decoding starts then (see `tentative`).
    vad_chunk_ms: int = 100
    # A pause this long starts the final's decoding before VAD has closed the utterance.
    tentative_after_ms: int = 250


class UtteranceCutter:
    """Feed samples as they arrive; take closed utterances and the open one for partials."""

    def __init__(self, settings: StreamSettings = StreamSettings()) -> None:
        self.settings = settings
        self.vad = settings.vad.validated()
        self.detector: Detector = DETECTORS[self.vad.model](self.vad)
        self.pad_before, self.pad_after = self.vad.padding()
        self.buffer = np.zeros(0, np.float32)
        self.buffer_start_ms = 0  # stream time of buffer[0]
        self.pending = np.zeros(0, np.float32)  # samples not yet given to the VAD
        self.spans_taken = 0
        self.cut_until_ms = 0  # audio before this was already given out as a final
        self.last_partial_ms = 0
        self.last_tentative: tuple[int, int] | None = None

    @property
    def vad_ms(self) -> int:
        """Stream time up to which the VAD has seen the audio."""
        return self.buffer_start_ms + len(self.buffer) // MS

    def feed(self, samples: np.ndarray) -> list[Utterance]:
        """Add samples; returns the utterances that closed (in order)."""
        self.pending = np.concatenate([self.pending, samples.astype(np.float32, copy=False)])
        closed: list[Utterance] = []
        step = self.settings.vad_chunk_ms * MS
        while len(self.pending) >= step:
            closed += self._run_vad(self.pending[:step], final=False)
            self.pending = self.pending[step:]
        return closed

    def finish(self) -> list[Utterance]:
        """The stream ended: close whatever speech is still open."""
        closed = self._run_vad(self.pending, final=True)
        self.pending = np.zeros(0, np.float32)
        open_start = self._open_start()
        if open_start is not None and self.vad_ms - open_start >= self.vad.min_speech_ms:
            closed.append(self._cut(open_start, self.vad_ms))
        return closed

    def partial(self) -> Utterance | None:
        """The open utterance so far, once `first_partial_ms` of it has arrived, then whenever
        `partial_every_ms` more has since the last."""
        start = self._open_start()
        if start is None:
            return None
        if self.last_partial_ms > start:
            if self.vad_ms - self.last_partial_ms < self.settings.partial_every_ms:
                return None
        elif self.vad_ms - start < self.settings.first_partial_ms:
            return None
        if getattr(self.detector, "pausing", False):  # its final is due: a partial now would delay it
            return None
        self.last_partial_ms = self.vad_ms
        return Utterance(start, self.vad_ms, self._slice(start - self.pad_before, self.vad_ms))

    def tentative(self) -> Utterance | None:
        """The open utterance as its final will be, once its speaker has paused `tentative_after_ms`
        (once per pause): decoding it now, while VAD waits out `min_silence_ms` to be sure, takes
        that wait off the final's latency. The final is this utterance when VAD closes it with the
        same start and end; if the speaker goes on, it is not (`is_final_of`)."""
        start, pause = self._open_start(), getattr(self.detector, "pause_start", None)
        if start is None or pause is None or pause <= start or self.vad_ms - pause < self.settings.tentative_after_ms:
            return None
        if self.last_tentative == (start, pause):
            return None
        self.last_tentative = (start, pause)
        return Utterance(start, pause, self._slice(start - self.pad_before, min(pause + self.pad_after, self.vad_ms)))

    def _open_start(self) -> int | None:
        start = getattr(self.detector, "open_start", None)
        return None if start is None else max(int(start), self.cut_until_ms)

    def _run_vad(self, chunk: np.ndarray, final: bool) -> list[Utterance]:
        self.buffer = np.concatenate([self.buffer, chunk])
        self.detector.feed(chunk, final)
        closed = []
        spans = self.detector.spans()
        for span in spans[self.spans_taken:]:
            start = max(span.start_ms, self.cut_until_ms)
            if span.end_ms - start >= self.vad.min_speech_ms:
                closed.append(self._cut(start, span.end_ms))
            self.cut_until_ms = max(self.cut_until_ms, span.end_ms)
        self.spans_taken = len(spans)
        open_start = self._open_start()
        if open_start is not None and self.vad_ms - open_start >= self.settings.max_utterance_ms:
            closed.append(self._cut(open_start, self.vad_ms))
        self._trim()
        return closed

    def _cut(self, start_ms: int, end_ms: int) -> Utterance:
        samples = self._slice(start_ms - self.pad_before, min(end_ms + self.pad_after, self.vad_ms))
        self.cut_until_ms = max(self.cut_until_ms, end_ms)
        self.last_partial_ms = end_ms
        return Utterance(start_ms, end_ms, samples)

    def _slice(self, start_ms: int, end_ms: int) -> np.ndarray:
        begin = max(0, (start_ms - self.buffer_start_ms) * MS)
        return self.buffer[begin:max(begin, (end_ms - self.buffer_start_ms) * MS)].copy()

    def _trim(self) -> None:
        """Keep the open utterance (or a second of look-back) and drop older audio."""
        open_start = self._open_start()
        keep_from = (open_start if open_start is not None else self.vad_ms - 1000) - self.pad_before - 1000
        drop = max(0, (keep_from - self.buffer_start_ms) * MS)
        if drop:
            self.buffer = self.buffer[drop:]
            self.buffer_start_ms += drop // MS


def is_final_of(tentative: Utterance | None, closed: Utterance) -> bool:
    """Whether a tentative utterance is the one VAD closed (same speech, same pause)."""
    return tentative is not None and (tentative.start_ms, tentative.end_ms) == (closed.start_ms, closed.end_ms)


def frames(samples: np.ndarray, frame_ms: int = 100) -> Iterator[bytes]:
    """Float samples as PCM16 frames, as a browser client sends them (used by tests and tools)."""
    pcm = to_pcm16(samples)
    step = frame_ms * MS
    for begin in range(0, len(pcm), step):
        yield pcm[begin:begin + step].tobytes()
