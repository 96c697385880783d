"""Long recordings: our VAD + packed batched pipeline against plain faster-whisper, and memory.

1. Ten minutes of Mandarin built from the shared clips with gaps: wall time and character error
   rate of (a) our engine, (b) faster-whisper's sequential `transcribe` (beam 5, no VAD), and
   (c) its `BatchedInferencePipeline` (its own VAD, our batch size, beam 5), one run each, same model.
2. Sixty minutes: our engine in a child process; its peak resident memory and real-time factor.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from faster_whisper import BatchedInferencePipeline

from bench.common import CACHE_DIR, REPO, SPEECH_DIR, WORK_DIR, joined_recording
from tests.speech import MANDARIN, character_error_rate
from transcripts.engine import Engine, EngineConfig, TranscribeOptions
from transcripts.engine.text import convert_chinese_script



def _cer(reference: str, text: str) -> float:
    return character_error_rate([reference], [convert_chinese_script(text, "simplified")])


def ten_minutes() -> None:
    path, reference = joined_recording(MANDARIN, gap_s=3.0, target_s=600, path=WORK_DIR / "mandarin-10min.wav")
    engine = Engine(EngineConfig(cache_dir=CACHE_DIR, device="cpu"))
    options = TranscribeOptions(language="zh")
    recognizer = engine.models.get(options.model)
    engine.transcribe(SPEECH_DIR / MANDARIN[0], options)  # load the models before timing
    rows = []

    started = time.perf_counter()
    ours = engine.transcribe(path, options)
    rows.append(("asrplatform (FSMN VAD, packed, batched)", time.perf_counter() - started, _cer(reference, ours.text)))

    started = time.perf_counter()
    segments, _ = recognizer.model.transcribe(str(path), language="zh", beam_size=5)
    text = "".join(s.text for s in segments)
    plain = time.perf_counter() - started
    rows.append(("faster-whisper transcribe (sequential)", plain, _cer(reference, text)))

    started = time.perf_counter()
    segments, _ = BatchedInferencePipeline(recognizer.model).transcribe(str(path), language="zh", beam_size=5,
                                                                       batch_size=engine.config.batch_size)
    text = "".join(s.text for s in segments)
    rows.append(("faster-whisper BatchedInferencePipeline", time.perf_counter() - started, _cer(reference, text)))

    print(f"\n== Ten minutes of Mandarin ({ours.duration:.0f} s, whisper-base, cpu int8, beam 5, one run each)")
    print(f"{'pipeline':<42} {'wall s':>8} {'vs plain':>9} {'CER':>7}")
    for name, seconds, cer in rows:
        print(f"{name:<42} {seconds:8.1f} {plain / seconds:8.2f}x {cer:7.3f}")


def sixty_minutes() -> None:
    path, _ = joined_recording(MANDARIN + ["jfk.flac"], gap_s=2.0, target_s=3600, path=WORK_DIR / "mixed-60min.wav")
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec.
    code = (
        "import json, re, sys, time\n"
        "from pathlib import Path\n"
        "def hwm():\n"
        "    return int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
        "from transcripts.engine import Engine, EngineConfig, TranscribeOptions\n"
        f"engine = Engine(EngineConfig(cache_dir=Path({str(CACHE_DIR)!r}), device='cpu'))\n"
        "engine.models.get('whisper-base')\n"
        "engine.transcribe(" + repr(str(SPEECH_DIR / MANDARIN[0])) + ", TranscribeOptions(language='zh'))\n"
        "loaded = hwm()\n"
        f"result = engine.transcribe({str(path)!r}, TranscribeOptions(language='zh'))\n"
        "peak = hwm()\n"
        "print(json.dumps({'loaded_kb': loaded, 'peak_kb': peak, 'duration': result.duration,"
        " 'seconds': result.processing_seconds, 'segments': len(result.segments)}))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    if run.returncode:
        print(run.stderr[-2000:])
        return
    data = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"\n== Sixty minutes ({data['duration'] / 60:.1f} min, whisper-base, cpu int8)")
    print(f"peak RSS {data['peak_kb'] / 1024:.0f} MB (after loading the models and one short clip: "
          f"{data['loaded_kb'] / 1024:.0f} MB; "
          f"target < 1536 MB), real-time factor {data['seconds'] / data['duration']:.3f}, "
          f"{data['segments']} segments")


def main() -> None:
    if os.environ.get("ASR_BENCH_PART") != "60":
        ten_minutes()
    if os.environ.get("ASR_BENCH_PART") != "10":
        sixty_minutes()


if __name__ == "__main__":
    main()
