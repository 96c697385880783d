"""Several minutes of Mandarin built from the shared clips, and audio with no speech at all."""
import numpy as np
import pytest

from tests.speech import MANDARIN, character_error_rate, white_noise
from transcripts.engine import TranscribeOptions
from transcripts.engine.audio import decode_audio, wav_bytes

pytestmark = pytest.mark.slow

ROUNDS = 6  # 6 x 20.4 s of speech plus gaps: about 3 minutes
# Issue 3's goal: the joined recording within one point of CER of the clips one by one.
# Measured (whisper-base, CPU): one by one 0.202; joined, on four gap layouts (seeds 1, 2, 3, 7),
# 0.193-0.204. Recognising every segment in its own window gives 0.202 on all four.
WITHIN = 0.01


@pytest.fixture(scope="module")
def one_by_one(engine, clips):
    return {name: engine.transcribe(clips[name].path, TranscribeOptions(language="zh")) for name in MANDARIN}


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
    single_cer = character_error_rate([clips[n].text for n in MANDARIN], [one_by_one[n].text for n in MANDARIN])
    assert long_cer <= single_cer + WITHIN, (long_cer, single_cer)
    assert all(0 <= s.start <= s.end <= result.duration for s in result.segments)
    assert [s.start for s in result.segments] == sorted(s.start for s in result.segments)
    assert all(s.end - s.start <= 30 for s in result.segments)


@pytest.mark.parametrize("name", MANDARIN)
def test_digital_silence_around_speech_changes_nothing(engine, clips, one_by_one, name):
    """The same speech gives the same text, and times that move with it, wherever it sits."""
    alone, samples = one_by_one[name], decode_audio(clips[name].path).samples
    lead, tail = np.zeros(int(0.7 * 16000), np.float32), np.zeros(int(1.3 * 16000), np.float32)
    padded = engine.transcribe(wav_bytes(np.concatenate([lead, samples, tail])), TranscribeOptions(language="zh"))
    assert padded.text == alone.text
    assert [s.start for s in padded.segments] == pytest.approx([s.start + 0.7 for s in alone.segments], abs=0.02)
    # A live utterance (no VAD pass) after a muted microphone
    live_alone = engine.transcribe_samples(samples, TranscribeOptions(language="zh"))
    live_padded = engine.transcribe_samples(np.concatenate([lead, samples, tail]), TranscribeOptions(language="zh"))
    assert live_padded.text == live_alone.text
    assert live_padded.segments[0].start == pytest.approx(live_alone.segments[0].start + 0.7, abs=0.02)


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
