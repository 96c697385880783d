"""Decode anything FFmpeg reads (through PyAV) into float32 16 kHz audio.

Files are decoded in chunks, so callers that stream (VAD over hour-long recordings) never hold
more than one chunk of decoded audio; `decode_audio` joins the chunks for short inputs.
"""
from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np

from transcripts.engine.errors import AudioDecodeError, AudioNotFoundError, DamagedAudioError, EmptyAudioError

SAMPLE_RATE = 16000
AudioSource = str | Path | bytes | BinaryIO


@dataclass
class Audio:
    # Shape (channels, samples) when channels were kept apart, else (samples,).
    samples: np.ndarray
    channel_labels: tuple[str, ...] = ()
    sample_rate: int = SAMPLE_RATE

    @property
    def duration(self) -> float:
        return self.samples.shape[-1] / self.sample_rate

    def channels(self) -> list[tuple[str | None, np.ndarray]]:
        """(label, mono samples) per channel; one unlabelled entry for mono audio."""
        if self.samples.ndim == 1:
            return [(None, self.samples)]
        return list(zip(self.channel_labels, self.samples))


def _channel_labels(count: int) -> tuple[str, ...]:
    if count == 2:
        return ("left", "right")
    return tuple(f"ch{i + 1}" for i in range(count))


def _open(source: AudioSource) -> av.container.InputContainer:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise AudioNotFoundError(f"No such audio file: {path}. Check the path and try again.")
        if path.stat().st_size == 0:
            raise EmptyAudioError(f"{path.name} is empty (0 bytes). Choose a recording and try again.")
        target: str | BinaryIO = str(path)
    elif isinstance(source, (bytes, bytearray)):
        if not source:
            raise EmptyAudioError("The upload is empty (0 bytes). Choose a recording and try again.")
        target = io.BytesIO(source)
    else:
        if source.seek(0, io.SEEK_END) == 0:
            raise EmptyAudioError("The upload is empty (0 bytes). Choose a recording and try again.")
        source.seek(0)  # the pipeline reads a recording twice (VAD, then recognition)
        target = source
    try:
        return av.open(target, mode="r", metadata_errors="ignore")
    except av.FFmpegError as e:
        raise AudioDecodeError(
            "This file could not be read as audio or video. Check that it is a recording "
            "(wav, mp3, m4a, flac, ogg, webm, mp4, ...) and not damaged."
        ) from e


def _audio_stream(container: av.container.InputContainer) -> av.audio.stream.AudioStream:
    """The first audio track; raises AudioDecodeError when there is none, DamagedAudioError when its
    header is damaged."""
    if not container.streams.audio:
        raise AudioDecodeError("This file has no audio track. Choose a file with sound in it.")
    stream = container.streams.audio[0]
    if not stream.channels or not stream.sample_rate:  # the decoder raises a bare av error on these
        raise DamagedAudioError(
            f"The audio track declares {stream.channels} channels at {stream.sample_rate} Hz, so the file "
            "is damaged. Export it again (e.g. as WAV or MP3) and upload that.",
            channels=stream.channels or 0, sample_rate=stream.sample_rate or 0)
    return stream


def iter_audio(
    source: AudioSource, *, split_channels: bool = False, chunk_seconds: float = 30.0
) -> Iterator[tuple[np.ndarray, tuple[str, ...]]]:
    """Yield (chunk, channel_labels): float32 chunks of about `chunk_seconds` at 16 kHz.

    A chunk has shape (samples,), or (channels, samples) with split_channels.
    """
    container = _open(source)
    try:
        stream = _audio_stream(container)
        channels = stream.codec_context.channels or 1
        keep = split_channels and channels > 1
        labels = _channel_labels(channels) if keep else ()
        layout = stream.codec_context.layout.name if keep else "mono"
        # s16 like faster-whisper's own decode_audio: the same samples give the same decoding.
        resampler = av.AudioResampler(format="s16p", layout=layout, rate=SAMPLE_RATE)
        pending: list[np.ndarray] = []
        pending_len = 0
        limit = int(chunk_seconds * SAMPLE_RATE)
        for frame in _decoded_frames(container, stream):
            for out in resampler.resample(frame):
                array = out.to_ndarray()
                pending.append(array)
                pending_len += array.shape[-1]
            if pending_len >= limit:
                yield _shape(np.concatenate(pending, axis=-1), keep), labels
                pending, pending_len = [], 0
        for out in resampler.resample(None):
            pending.append(out.to_ndarray())
        if pending:
            yield _shape(np.concatenate(pending, axis=-1), keep), labels
    finally:
        container.close()


def _decoded_frames(container, stream) -> Iterator:
    """Decoded frames, skipping damaged packets the way faster-whisper does."""
    packets = container.demux(stream)
    while True:
        try:
            packet = next(packets)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue
        try:
            yield from packet.decode()
        except av.error.InvalidDataError:
            continue


def to_pcm16(samples: np.ndarray) -> np.ndarray:
    """Float samples as 16-bit PCM: the exact inverse of decoding (x / 32768), so audio decoded
    from a 16-bit file is written back bit for bit."""
    return np.clip(np.round(samples * 32768), -32768, 32767).astype("<i2")


def wav_bytes(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> bytes:
    """A 16-bit WAV file of float samples, mono or shaped (channels, samples)."""
    pcm = to_pcm16(samples)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1 if pcm.ndim == 1 else pcm.shape[0])
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm.T.tobytes())
    return buffer.getvalue()


def _shape(array: np.ndarray, keep_channels: bool) -> np.ndarray:
    array = array.astype(np.float32) / 32768.0
    return array if keep_channels else array.reshape(-1)


def decode_audio(source: AudioSource, *, split_channels: bool = False) -> Audio:
    """The whole recording as float32 16 kHz audio; raises EngineError subclasses on bad input."""
    chunks: list[np.ndarray] = []
    labels: tuple[str, ...] = ()
    for chunk, chunk_labels in iter_audio(source, split_channels=split_channels):
        chunks.append(chunk)
        labels = chunk_labels
    if not chunks or chunks[0].shape[-1] == 0:
        raise EmptyAudioError("The recording contains no audio samples. Choose a file with sound in it.")
    samples = np.concatenate(chunks, axis=-1)
    if samples.shape[-1] == 0:
        raise EmptyAudioError("The recording contains no audio samples. Choose a file with sound in it.")
    return Audio(samples=samples, channel_labels=labels)


def probe_duration(source: AudioSource) -> float:
    """The duration the container declares, in seconds (0.0 when it declares none); cheap.

    Raises like decoding does for what is not audio: uploads are sniffed by content this way."""
    container = _open(source)
    try:
        _audio_stream(container)
        return float(container.duration or 0) / 1_000_000
    finally:
        container.close()
        if hasattr(source, "seek"):
            source.seek(0)


# FFmpeg demuxer names (the first of a comma-separated list) → what a browser's player expects.
_MEDIA_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg", "flac": "audio/flac", "ogg": "audio/ogg",
                "matroska": "audio/webm", "mov": "audio/mp4", "aac": "audio/aac", "amr": "audio/amr",
                "asf": "audio/x-ms-wma", "aiff": "audio/aiff"}


def media_type(source: AudioSource) -> str:
    """The recording's media type, from its container as FFmpeg reads it (names lie; stored
    files have none); application/octet-stream for anything unknown or unreadable."""
    try:
        container = _open(source)
    except Exception:  # a damaged file is still served, as bytes
        return "application/octet-stream"
    try:
        return _MEDIA_TYPES.get(container.format.name.split(",")[0], "application/octet-stream")
    finally:
        container.close()
