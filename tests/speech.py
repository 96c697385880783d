"""Helpers for accuracy tests: the Mandarin clips, text normalisation for error rates, test noise."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import jiwer
import numpy as np

_PUNCT = re.compile(r"[\W_]+", re.UNICODE)

# The shared clips with a Mandarin reference text; the first three are short (2-4 s), the
# meeting clip is 12 s.
MANDARIN = ["BAC009S0764W0121.wav", "IT0011W0001.wav", "TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.wav",
            "TEST_MEETING_T0000000001_S00000.wav"]
SHORT_MANDARIN = MANDARIN[:3]


def normalise_for_scoring(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return _PUNCT.sub(" ", text).strip()


def scored_characters(text: str) -> str:
    """The characters a CER counts: punctuation and spaces aside."""
    return normalise_for_scoring(text).replace(" ", "")


def character_error_rate(references: list[str], hypotheses: list[str]) -> float:
    """CER over a set of utterances (total edits / total reference characters), ignoring punctuation."""
    return jiwer.cer([scored_characters(r) for r in references], [scored_characters(h) for h in hypotheses])


def word_error_rate(reference: str, hypothesis: str) -> float:
    return jiwer.wer(normalise_for_scoring(reference), normalise_for_scoring(hypothesis))


def zero_channel_wav() -> bytes:
    """A WAV whose header declares 0 channels: it opens as audio, and decoding it fails."""
    import struct

    from transcripts.engine.audio import wav_bytes

    data = bytearray(wav_bytes(np.zeros(16000, np.float32)))
    data[22:24] = struct.pack("<H", 0)
    return bytes(data)


def white_noise(seconds: float, dbfs: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    amplitude = 10 ** (dbfs / 20)  # RMS of uniform noise ~ peak/sqrt(3): scale Gaussian by RMS
    return (rng.standard_normal(int(seconds * 16000)) * amplitude).astype(np.float32)


@dataclass(frozen=True)
class Recording:
    """A long recording built the way real ones sound, with its timeline and reference texts."""

    samples: np.ndarray
    timeline: list[tuple[float, float, str]]  # (start s, end s, clip name), in order
    references: list[str]  # one per timeline entry

    @property
    def reference(self) -> str:
        return "".join(self.references)


def realistic_recording(clips: dict[str, tuple[np.ndarray, str]], *, seed: int, noise_dbfs: float | None,
                        target_s: float, pauses_s: tuple[float, float] = (0.8, 2.5)) -> Recording:
    """The clips (name → (16 kHz samples, reference text)) drawn in random order with repeats,
    random pauses between them, and white noise at `noise_dbfs` over everything (None: digital
    silence between clips, as an edited file has)."""
    rng = np.random.default_rng(seed)
    names = sorted(clips)
    pieces, timeline, references, position = [], [], [], 0.0
    while position < target_s:
        name = names[rng.integers(len(names))]
        pause = rng.uniform(*pauses_s)
        samples, text = clips[name]
        pieces += [np.zeros(int(pause * 16000), np.float32), samples]
        position += pause
        timeline.append((position, position + len(samples) / 16000, name))
        references.append(text)
        position = timeline[-1][1]
    pieces.append(np.zeros(int(rng.uniform(*pauses_s) * 16000), np.float32))
    audio = np.concatenate(pieces)
    if noise_dbfs is not None:
        audio = np.clip(audio + white_noise((len(audio) + 1) / 16000, noise_dbfs, seed=seed + 1000)[: len(audio)], -1, 1)
    return Recording(audio.astype(np.float32), timeline, references)


def clips_one_by_one(model, recording: Recording, language: str, pad_s: float = 0.5,
                     shift_s: float = 0.0) -> list[str]:
    """Each clip cut from the recording (noise floor included) with `pad_s` around it, recognised
    alone by plain faster-whisper `transcribe` (beam 5): the yardstick for the joined recording.
    shift_s: each cut moved by a random amount within +-shift_s (seeded), as a cut made without
    knowing where the clip starts falls."""
    shifts = np.random.default_rng(len(recording.timeline)).uniform(-shift_s, shift_s, len(recording.timeline))
    texts = []
    for (start, end, _), shift in zip(recording.timeline, shifts):
        start, end = start + shift, end + shift
        cut = recording.samples[max(0, int((start - pad_s) * 16000)): int((end + pad_s) * 16000)]
        pieces, _ = model.transcribe(cut, language=language, beam_size=5)
        texts.append("".join(piece.text for piece in pieces))
    return texts
