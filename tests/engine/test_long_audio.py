"""Several minutes of Mandarin built from the shared clips, and audio with no speech at all."""
import numpy as np
import pytest

from tests.speech import character_error_rate, white_noise
from transcripts.engine import TranscribeOptions
from transcripts.engine.audio import decode_audio, wav_bytes

pytestmark = pytest.mark.slow

MANDARIN = ["BAC009S0764W0121.wav", "IT0011W0001.wav", "TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.wav",
            "TEST_MEETING_T0000000001_S00000.wav"]
ROUNDS = 6  # 6 x 20.4 s of speech plus gaps: about 3 minutes
# Measured on this recording: 0.206-0.242 depending on window packing (one by one, the four
# clips give 0.169). The margin of 0.03 is about 16 of its 534 characters. The goal of issue 3,
# within one point of the clips one by one, is not reached yet: see the README. The one-by-one
# figure itself moves from 0.169 to 0.247 with 0-500 ms of silence around each clip.
LONG_CER_MAX = 0.27


@pytest.fixture(scope="module")
def one_by_one(engine, clips):
    return {name: engine.transcribe(clips[name].path, TranscribeOptions(language="zh")).text for name in MANDARIN}


@pytest.fixture(scope="module")
def long_mandarin(clips):
    rng = np.random.default_rng(7)
    pieces, references = [], []
    for _ in range(ROUNDS):
        for name in MANDARIN:
            pieces.append(np.zeros(int(rng.uniform(0.8, 4.0) * 16000), np.float32))
            pieces.append(decode_audio(clips[name].path).samples)
            references.append(clips[name].text)
    pieces.append(np.zeros(16000, np.float32))
    return wav_bytes(np.concatenate(pieces)), references


def test_long_recording_accuracy_and_timeline(engine, clips, one_by_one, long_mandarin):
    data, references = long_mandarin
    result = engine.transcribe(data, TranscribeOptions(language="zh"))
    assert result.duration > 150
    long_cer = character_error_rate(["".join(references)], [result.text])
    single_cer = character_error_rate([clips[n].text for n in MANDARIN], [one_by_one[n] for n in MANDARIN])
    assert long_cer <= LONG_CER_MAX, (long_cer, single_cer)
    assert all(0 <= s.start <= s.end <= result.duration for s in result.segments)
    assert [s.start for s in result.segments] == sorted(s.start for s in result.segments)
    assert all(s.end - s.start <= 30 for s in result.segments)


def _tones(seconds: float, frequencies: list[float], level: float) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    return (level * sum(np.sin(2 * np.pi * f * t) for f in frequencies) / len(frequencies)).astype(np.float32)


def _music(seconds: float) -> np.ndarray:
    """A plucked-note melody over a sustained chord: tonal, rhythmic, no voice."""
    notes = [261.6, 329.6, 392.0, 523.3, 392.0, 329.6]
    beat = int(0.25 * 16000)
    envelope = np.exp(-np.arange(beat) / 2000)
    melody = np.concatenate([_tones(0.25, [f, 2 * f], 0.3) * envelope for f in notes * int(seconds / 1.5 + 1)])
    return melody[: int(seconds * 16000)] + _tones(seconds, [130.8, 196.0], 0.1)


@pytest.mark.parametrize(
    "samples",
    [np.zeros(60 * 16000, np.float32), white_noise(60, -30), _music(30), _tones(30, [50, 100, 150], 0.2)],
    ids=["silence", "white-noise", "music", "hum"],
)
@pytest.mark.parametrize("vad", ["fsmn", "silero"])
def test_no_speech_in_no_text_out(engine, samples, vad):
    result = engine.transcribe(wav_bytes(samples), TranscribeOptions(vad=vad))
    assert result.text == "" and result.segments == []
