"""How well the decoder's average log-probability finds the segments a person should check.

The transcript page underlines segments under `result.UNSURE_AVG_LOGPROB`. Here each segment of
the engine's output on realistic recordings (bench/long_audio.py's constructions) is scored
against the reference: the whole hypothesis is aligned with the whole reference (Levenshtein,
punctuation aside), and each edit is charged to the segment whose characters it touches. A
segment is "wrong" when at least half its characters are. Printed: how many segments the rule
marks, recall (the wrong ones it marks), precision (the marked ones that are wrong), the error of
marked and unmarked segments, and the AUC of the score as a ranking, at the threshold and either
side of it.

Constructions: ASR_BENCH_UNSURE (default "-60:3,-50:3,-45:3,digital:3,-60:4,digital:4", the
recordings the threshold was checked on; it was chosen on perturbed clips, ASR_BENCH_CLIPS=perturbed
with "-60:1,-50:1,-45:1,digital:1,-60:2,-50:2").
"""
from __future__ import annotations

import os

import numpy as np
from rapidfuzz.distance import Levenshtein

from bench.common import CACHE_DIR
from bench.long_audio import _mandarin
from tests.speech import realistic_recording, scored_characters
from transcripts.engine import Engine, EngineConfig, TranscribeOptions
from transcripts.engine.audio import wav_bytes
from transcripts.engine.result import UNSURE_AVG_LOGPROB

DEFAULT_CONSTRUCTIONS = "-60:3,-50:3,-45:3,digital:3,-60:4,digital:4"
WRONG_SHARE = 0.5


def segment_errors(hypotheses: list[str], reference: str) -> list[float]:
    """Each hypothesis segment's share of wrong characters, from one alignment of them all."""
    joined = "".join(hypotheses)
    owner = [index for index, text in enumerate(hypotheses) for _ in text]
    edits = np.zeros(len(hypotheses))
    if owner:
        for op in Levenshtein.editops(joined, reference):
            # replace/delete touch a hypothesis character; insert (a reference character missing)
            # is charged to the segment where it is missing
            edits[owner[min(op.src_pos, len(owner) - 1)]] += 1
    return [edits[i] / max(len(text), 1) for i, text in enumerate(hypotheses)]


def _auc(scores: np.ndarray, wrong: np.ndarray) -> float:
    """Probability that a wrong segment scores lower than a right one (ties count half)."""
    low, high = scores[wrong], scores[~wrong]
    if not len(low) or not len(high):
        return float("nan")
    return float(np.mean((low[:, None] < high[None, :]) + 0.5 * (low[:, None] == high[None, :])))


def main() -> None:
    engine = Engine(EngineConfig(cache_dir=CACHE_DIR, device="cpu"))
    options = TranscribeOptions(language="zh")
    clips = _mandarin()
    scores, errors, names = [], [], []
    for spec in os.environ.get("ASR_BENCH_UNSURE", DEFAULT_CONSTRUCTIONS).split(","):
        noise, seed = spec.split(":")
        recording = realistic_recording(clips, seed=int(seed), noise_dbfs=None if noise == "digital" else float(noise),
                                        target_s=180)
        result = engine.transcribe(wav_bytes(recording.samples), options)
        kept = [s for s in result.segments if s.avg_logprob is not None]
        scores += [s.avg_logprob for s in kept]
        errors += segment_errors([scored_characters(s.text) for s in kept], scored_characters(recording.reference))
        names += [spec] * len(kept)
    score, error, name = np.array(scores), np.array(errors), np.array(names)
    wrong = error >= WRONG_SHARE
    print(f"\n== Unsure text ({len(score)} segments, {wrong.mean():.0%} with half their characters or more wrong; "
          f"AUC of avg_logprob {_auc(score, wrong):.3f})")
    for threshold in (UNSURE_AVG_LOGPROB + 0.1, UNSURE_AVG_LOGPROB, UNSURE_AVG_LOGPROB - 0.1):
        marked = score < threshold
        print(f"avg_logprob < {threshold:.1f}: marks {marked.mean():.0%}, recall {marked[wrong].mean():.2f}, "
              f"precision {wrong[marked].mean() if marked.any() else float('nan'):.2f}, error of marked "
              f"{error[marked].mean() if marked.any() else float('nan'):.2f} against "
              f"{error[~marked].mean() if (~marked).any() else float('nan'):.2f}")
    for spec in dict.fromkeys(names):
        mine = name == spec
        print(f"  {spec}: {mine.sum()} segments, {(score[mine] < UNSURE_AVG_LOGPROB).mean():.0%} marked")
