"""Who spoke when (issue 14): accuracy on real meetings and joined conversations, and what it costs.

1. The shared meeting excerpts (AMI, `../shared/data/diarization/`): DER per file and overall
   (pyannote.metrics, no collar, overlap scored), with the automatic count and with the true one.
2. Conversations joined from the four Mandarin speakers of `../shared/data/speech/` (random order,
   0.8-2.5 s pauses, noise floors of -60/-50/-45 dBFS and digital silence): the same figures.
3. Cost: a 10-minute realistic Mandarin recording recognised with and without `diarize`,
   interleaved in one process (the ratio is the figure; the issue's target is under 1.15), and the
   diarisation stage's own seconds.
4. Memory: the stage alone (VAD, embeddings, clustering) on 60 minutes streamed from a file, in a
   child process, against VAD alone on the same file: peak resident memory of each.

ASR_BENCH_PART=accuracy, cost or memory runs one part.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import warnings

from bench.common import CACHE_DIR, REPO, WORK_DIR, interleaved, write_wav
from tests.diarization import (
    MEETINGS_DIR,
    error_rate,
    hypothesis,
    mandarin_conversation,
    meeting_references,
    turns_of,
)
from tests.speech import MANDARIN, realistic_recording
from transcripts.engine import Engine, EngineConfig, TranscribeOptions, speakers
from transcripts.engine.audio import decode_audio

CONVERSATIONS = [(1, -60.0), (2, -50.0), (3, -45.0), (4, None), (5, -50.0), (6, -45.0)]


def _scored(name: str, items: list[tuple[str, object, object]]) -> dict:
    """items: (uri, reference, samples). DER per file and overall, automatic and true count."""
    print(f"\n== {name}: DER (no collar, overlap scored)")
    print(f"{'file':<16} {'true':>4} {'auto':>4} {'DER auto':>9} {'DER true-count':>15}")
    automatic, known = error_rate(), error_rate()
    rows = []
    for uri, reference, samples in items:
        true_count = len(reference.labels())
        turns = turns_of(samples)
        found = len({t.speaker for t in turns})
        der = automatic(reference, hypothesis(uri, turns))
        der_known = known(reference, hypothesis(uri, turns_of(samples, num_speakers=true_count)))
        rows.append({"file": uri, "true": true_count, "auto": found, "der": der, "der_true_count": der_known})
        print(f"{uri:<16} {true_count:>4} {found:>4} {der:9.3f} {der_known:15.3f}")
    overall = {"der": abs(automatic), "der_true_count": abs(known),
               "count_within_one": all(abs(r["auto"] - r["true"]) <= 1 for r in rows)}
    print(f"{'overall':<16} {'':>4} {'':>4} {overall['der']:9.3f} {overall['der_true_count']:15.3f}"
          f"   automatic count within one of the truth on every file: {overall['count_within_one']}")
    return {"files": rows, **overall}


def accuracy() -> dict:
    meetings = [(uri, reference, decode_audio(MEETINGS_DIR / f"{uri}.wav").samples)
                for uri, reference in meeting_references().items()]
    conversations = []
    for seed, floor in CONVERSATIONS:
        recording, reference = mandarin_conversation(seed, floor)
        conversations.append((f"conv-{seed}@{'silence' if floor is None else int(floor)}", reference,
                              recording.samples))
    return {"meetings": _scored("Shared meeting excerpts (AMI, English, far-field)", meetings),
            "conversations": _scored("Joined Mandarin conversations (4 speakers, 60 s)", conversations)}


def cost(repeats: int = 2) -> dict:
    engine = Engine(EngineConfig(cache_dir=CACHE_DIR, device="cpu"))
    clips = {name: (decode_audio(REPO.parent / "shared" / "data" / "speech" / name).samples, "") for name in MANDARIN}
    recording = realistic_recording(clips, seed=10, noise_dbfs=-50, target_s=600)
    path = write_wav(WORK_DIR / "mandarin-10min-realistic.wav", recording.samples)
    plain, diarised = TranscribeOptions(language="zh"), TranscribeOptions(language="zh", diarize=True)
    engine.transcribe(path, diarised)  # models (recogniser, VAD, speaker encoder) loaded before timing
    stage = {"seconds": 0.0}
    add, turns = speakers.SpeakerEmbeddings.add, speakers.SpeakerEmbeddings.turns

    def timed(method):
        def run(*args, **kwargs):
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                stage["seconds"] += time.perf_counter() - started
        return run

    speakers.SpeakerEmbeddings.add, speakers.SpeakerEmbeddings.turns = timed(add), timed(turns)
    try:
        times = interleaved({"plain": lambda: engine.transcribe(path, plain),
                             "diarised": lambda: engine.transcribe(path, diarised)}, repeats)
    finally:
        speakers.SpeakerEmbeddings.add, speakers.SpeakerEmbeddings.turns = add, turns
    ratio = times["diarised"] / times["plain"]
    stage_seconds = stage["seconds"] / repeats
    print(f"\n== Cost on {len(recording.samples) / 16000 / 60:.1f} min of realistic Mandarin (whisper-base, cpu, "
          f"median of {repeats}, interleaved)")
    print(f"recognition {times['plain']:.1f} s, with diarize {times['diarised']:.1f} s: ratio {ratio:.3f} "
          f"(target < 1.15); the stage itself {stage_seconds:.1f} s = {stage_seconds / times['plain']:.1%} "
          f"of recognition")
    return {**times, "ratio": ratio, "stage_seconds": stage_seconds}


_CHILD = """
import json, resource, sys, warnings
warnings.filterwarnings("ignore")
from pathlib import Path
from tests.diarization import turns_of
from transcripts.engine.vad import VadOptions, detect_speech
path = Path(sys.argv[2])  # streamed, as the engine reads a file
if sys.argv[1] == "vad":
    detect_speech(path, VadOptions())
    count = 0
else:
    count = len({t.speaker for t in turns_of(path)})
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "speakers": count}))
"""


def memory() -> dict:
    clips = {name: (decode_audio(REPO.parent / "shared" / "data" / "speech" / name).samples, "") for name in MANDARIN}
    recording = realistic_recording(clips, seed=60, noise_dbfs=-50, target_s=3600)
    path = write_wav(WORK_DIR / "mandarin-60min-realistic.wav", recording.samples)
    figures = {}
    for part in ("vad", "diarize"):
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-c", _CHILD, part, str(path)], cwd=REPO, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(REPO)}, check=True)
        figures[part] = {**json.loads(run.stdout.strip().splitlines()[-1]), "seconds": time.perf_counter() - started}
    print(f"\n== Memory on {len(recording.samples) / 16000 / 60:.0f} min (the samples themselves: "
          f"{recording.samples.nbytes / 2**20:.0f} MB)")
    print(f"VAD alone: peak {figures['vad']['peak_mb']:.0f} MB in {figures['vad']['seconds']:.0f} s; VAD + speakers: "
          f"peak {figures['diarize']['peak_mb']:.0f} MB in {figures['diarize']['seconds']:.0f} s, "
          f"{figures['diarize']['speakers']} speakers")
    return figures


def main() -> dict:
    warnings.filterwarnings("ignore", module="pyannote")
    part = os.environ.get("ASR_BENCH_PART", "")
    results = {}
    for name, run in (("accuracy", accuracy), ("cost", cost), ("memory", memory)):
        if not part or part == name:
            results[name] = run()
    return results
