"""Helpers for accuracy tests: the Mandarin clips, text normalisation for error rates, test noise."""
from __future__ import annotations

import re
import unicodedata

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


def character_error_rate(references: list[str], hypotheses: list[str]) -> float:
    """CER over a set of utterances (total edits / total reference characters), ignoring punctuation."""
    refs = [normalise_for_scoring(r).replace(" ", "") for r in references]
    hyps = [normalise_for_scoring(h).replace(" ", "") for h in hypotheses]
    return jiwer.cer(refs, hyps)


def word_error_rate(reference: str, hypothesis: str) -> float:
    return jiwer.wer(normalise_for_scoring(reference), normalise_for_scoring(hypothesis))


def white_noise(seconds: float, dbfs: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    amplitude = 10 ** (dbfs / 20)  # RMS of uniform noise ~ peak/sqrt(3): scale Gaussian by RMS
    return (rng.standard_normal(int(seconds * 16000)) * amplitude).astype(np.float32)
