import io

import numpy as np
import pytest

from tests.engine.encode import CODECS, encode, encode_video_only
from transcripts.engine.audio import SAMPLE_RATE, decode_audio, iter_audio, wav_bytes
from transcripts.engine.errors import AudioDecodeError, AudioNotFoundError, EmptyAudioError


@pytest.fixture(scope="module")
def clip_samples(clips):
    return decode_audio(clips["IT0011W0001.wav"].path).samples


@pytest.mark.parametrize("suffix", sorted(CODECS))
def test_every_container_decodes_to_16k_mono_float32(tmp_path, clip_samples, suffix):
    path = encode(clip_samples, tmp_path / f"clip.{suffix}", with_video=suffix in ("mp4", "mkv"))
    audio = decode_audio(path)
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert audio.sample_rate == SAMPLE_RATE
    # Codec padding and priming add or trim a few tens of milliseconds at most.
    assert abs(audio.duration - len(clip_samples) / SAMPLE_RATE) < 0.1
    assert np.abs(audio.samples).max() > 0.05


def test_shared_recordings_decode(clips):
    for clip in clips.values():
        audio = decode_audio(clip.path)
        assert abs(audio.duration - clip.entry["duration_s"]) < 0.1, clip.path.name


def test_bytes_and_file_objects(clip_samples):
    data = wav_bytes(clip_samples)
    assert decode_audio(data).samples.shape == decode_audio(io.BytesIO(data)).samples.shape


def test_two_channels_split_into_labelled_channels(clips):
    audio = decode_audio(clips["stereo_diarization.wav"].path, split_channels=True)
    assert audio.samples.shape == (2, 80000)
    assert audio.channel_labels == ("left", "right")
    assert not np.allclose(audio.samples[0], audio.samples[1])


def test_split_of_a_mono_file_stays_mono(clips):
    audio = decode_audio(clips["IT0011W0001.wav"].path, split_channels=True)
    assert audio.samples.ndim == 1 and audio.channels() == [(None, audio.samples)]


def test_chunks_are_bounded(clips):
    chunks = [chunk for chunk, _ in iter_audio(clips["multilingual.mp3"].path, chunk_seconds=5)]
    assert len(chunks) >= 11
    assert max(len(c) for c in chunks) < 6 * SAMPLE_RATE


def test_missing_file(tmp_path):
    with pytest.raises(AudioNotFoundError, match="No such audio file"):
        decode_audio(tmp_path / "nope.wav")


@pytest.mark.parametrize("data", [b"not audio at all" * 50, b"RIFF" + b"\x00" * 200, bytes(range(256)) * 40])
def test_corrupt_bytes(data):
    with pytest.raises(AudioDecodeError, match="could not be read"):
        decode_audio(data)


def test_empty_upload():
    with pytest.raises(EmptyAudioError):
        decode_audio(b"")


def test_zero_length_audio():
    with pytest.raises(EmptyAudioError, match="no audio samples"):
        decode_audio(wav_bytes(np.zeros(0, np.float32)))


def test_video_without_sound(tmp_path):
    with pytest.raises(AudioDecodeError, match="no audio track"):
        decode_audio(encode_video_only(tmp_path / "silent.mp4"))
