"""Encode test audio into container formats with PyAV (the same FFmpeg the decoder uses)."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from transcripts.engine.audio import to_pcm16

# container suffix → (audio codec, sample format, sample rate)
CODECS = {
    "wav": ("pcm_s16le", "s16", 16000),
    "mp3": ("mp3", "fltp", 44100),
    "flac": ("flac", "s16", 16000),
    "m4a": ("aac", "fltp", 44100),
    "ogg": ("libopus", "flt", 48000),
    "opus": ("libopus", "flt", 48000),
    "webm": ("libopus", "flt", 48000),
    "mp4": ("aac", "fltp", 44100),
    "mkv": ("aac", "fltp", 44100),
}


def encode(samples: np.ndarray, path: Path, *, with_video: bool = False) -> Path:
    codec, fmt, rate = CODECS[path.suffix.lstrip(".")]
    # Resample the 16 kHz source to the codec's rate by simple interpolation (fine for tests).
    positions = np.linspace(0, len(samples) - 1, int(len(samples) * rate / 16000))
    resampled = np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)
    with av.open(str(path), "w") as container:
        video = _add_video_stream(container) if with_video else None
        stream = container.add_stream(codec, rate=rate)
        stream.layout = "mono"
        frame_size = stream.codec_context.frame_size or 1024
        pts = 0
        for start in range(0, len(resampled), frame_size):
            chunk = resampled[start:start + frame_size]
            if fmt == "s16":
                data = to_pcm16(chunk)[None, :]
            else:
                data = chunk[None, :]
            frame = av.AudioFrame.from_ndarray(data, format=fmt, layout="mono")
            frame.sample_rate = rate
            frame.pts, frame.time_base = pts, Fraction(1, rate)
            pts += len(chunk)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
        if with_video:
            _write_black_frames(container, video, len(samples) / 16000)
    return path


def _add_video_stream(container):
    video = container.add_stream("mpeg4", rate=10)
    video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
    return video


def _write_black_frames(container, video, seconds: float) -> None:
    for i in range(int(seconds * 10)):
        image = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
        image.pts = i
        for packet in video.encode(image):
            container.mux(packet)
    for packet in video.encode(None):
        container.mux(packet)


def encode_video_only(path: Path, seconds: float = 1.0) -> Path:
    with av.open(str(path), "w") as container:
        _write_black_frames(container, _add_video_stream(container), seconds)
    return path
