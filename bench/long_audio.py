"""Long recordings built the way real ones sound: our engine against plain faster-whisper, and memory.

1. Realistic constructions (issue 12): the shared Mandarin clips in random order with repeats,
   random pauses of 0.8-2.5 s, under white noise at -60, -50 and -45 dBFS, and once with digital
   silence, at several seeds. Per construction, in one run with one loaded model: CER and wall
   time of (a) our engine, (b) the same clips cut from the recording and recognised one by one by
   plain faster-whisper (0.5 s around each), run YARDSTICK_RUNS times because its temperature
   fallback samples (their mean, and their spread: max - min), and once with each of
   OTHER_PADS_S around each clip, because its text moves with where a clip is cut, and once with
   each cut moved by up to YARDSTICK_SHIFT_S, as a cut made by VAD falls, (c) faster-whisper's sequential
   `transcribe` on the whole recording and (d) its `BatchedInferencePipeline`. (b)-(d) run on the
   model as faster-whisper loads it by default (WhisperModel(path, "cpu", compute_type="int8"));
   (e) plain `transcribe` again on one single-threaded worker, the layout our engine gives each of
   its workers (`device.cpu_layout`), so the part of our speed that is only the thread layout
   shows, and (f) plain `transcribe` on each of the stretches our engine reads (VAD's segments
   with the engine's lead-in), one by one: the yardstick cut where a VAD can cut, so the engine's
   gap to (b) splits into what its decoding loses (against f) and what knowing where each clip
   starts is worth (f against b). Then multilingual.mp3 (English, then German), a real continuous recording: the
   languages each pipeline gives its parts, and its time.
2. Sixty minutes of a realistic construction: our engine in a child process; its peak resident
   memory and real-time factor.

ASR_BENCH_SEEDS (default "1,2") and ASR_BENCH_MINUTES (default 3) change the constructions;
ASR_BENCH_PART=realistic or 60 runs one part. ASR_BENCH_CLIPS=perturbed builds them from five
copies of each clip played at 0.9-1.1x speed (pitch moving with it, as Kaldi's speed perturbation
does): four clips are few draws of Whisper's swing from clip to clip, twenty are more.
ASR_BENCH_MANDARIN_DIR=<folder> builds them from other recordings instead: the folder's
manifest.jsonl, one JSON object a line with "audio" (a file name in the folder), "language" and
"text" (the reference), and every "zh" line a clip (`bench.common.mandarin_clips`).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel
from scipy.signal import resample_poly

from bench.common import CACHE_DIR, REPO, SPEECH_DIR, WORK_DIR, mandarin_clips, simplified, timed, write_wav
from tests.speech import MANDARIN, character_error_rate, clips_one_by_one, realistic_recording
from transcripts.engine import Engine, EngineConfig, TranscribeOptions
from transcripts.engine.asr import is_quiet
from transcripts.engine.audio import wav_bytes
from transcripts.engine.clips import array_chunks
from transcripts.engine.models import locate_model
from transcripts.engine.pipeline import cut_for_recognition, recognition_spans
from transcripts.engine.vad import SpeechMap, detect_speech

NOISE_FLOORS = [-60, -50, -45, None]  # dBFS of white noise; None: digital silence between clips
# The one-by-one yardstick's temperature fallback samples under noise, and CTranslate2's sampling
# cannot be made repeatable (set_random_seed does not reset it: OpenNMT/CTranslate2#1757): the same
# clips gave a CER of 0.665, 0.683 and 0.791 in three processes at -45 dBFS (runs in one process
# differ less). So it runs this many times, and the engine is compared with the mean.
YARDSTICK_RUNS = 3
# The yardstick's text also moves with where each clip is cut: at -60 dBFS (no fallback, so no
# sampling) seeds 1-3 gave 0.200/0.200/0.163/0.198/0.183, 0.274/0.278/0.244/0.281/0.226 and
# 0.221/0.216/0.199/0.207/0.173 with pads of 0.3/0.4/0.5/0.6/0.7 s (2026-11-27). So it runs once
# more with each of these pads, and the engine is compared with the mean over the pads as well.
YARDSTICK_PAD_S = 0.5
OTHER_PADS_S = (0.3, 0.7)
# And it is cut where the clip is, which the engine cannot know: VAD places a segment's start
# 0.1-0.5 s off the clip's. At -60 dBFS, seeds 1-3, the yardstick's cuts each moved by a random
# amount within +-0.15 s (our first decoding, 2026-11-27) gave 0.201-0.225, 0.249-0.270 and
# 0.231-0.253 against 0.174, 0.246 and 0.216 in place. So it runs once more that way too.
YARDSTICK_SHIFT_S = 0.15


# Speeds of ASR_BENCH_CLIPS=perturbed, as (up, down) resampling factors: 0.9, 0.95, 1, 1.05, 1.1x.
PERTURBED_SPEEDS = ((10, 9), (20, 19), (1, 1), (20, 21), (10, 11))


def _mandarin() -> dict:
    clips = mandarin_clips(Path(os.environ.get("ASR_BENCH_MANDARIN_DIR", SPEECH_DIR)))
    if os.environ.get("ASR_BENCH_CLIPS") != "perturbed":
        return clips
    return {f"{name}@{down / up:.2f}x": (resample_poly(samples, up, down).astype(np.float32), text)
            for name, (samples, text) in clips.items() for up, down in PERTURBED_SPEEDS}


def _one_by_one_cer(model, recording, pad_s: float, shift_s: float = 0.0) -> float:
    texts = clips_one_by_one(model, recording, "zh", pad_s=pad_s, shift_s=shift_s)
    return character_error_rate(recording.references, [simplified(t) for t in texts])


def _vad_cuts_cer(model, recording, speech: SpeechMap, options: TranscribeOptions) -> float:
    """Plain `transcribe` on each stretch our engine reads, cut as the engine cuts it (`speech`:
    VAD's map of the recording)."""
    cuts = cut_for_recognition(array_chunks(recording.samples), speech.segments, recognition_spans(speech))
    text = "".join(piece.text for _, cut in cuts
                   for piece in model.transcribe(cut, language=options.language, beam_size=5)[0])
    return character_error_rate([recording.reference], [simplified(text)])


def _background(speech: SpeechMap) -> str:
    """The recording's background level as the engine measures it, and so how it reads it."""
    level = speech.background_dbfs
    if level is None:
        return "background unknown (read stretched)"
    return f"background {level:.1f} dBFS (read {'without the stretch' if is_quiet(level) else 'stretched'})"


def _construction(noise: float | None) -> str:
    return "digital" if noise is None else str(noise)


@dataclass(frozen=True)
class _Compared:
    """One construction's summary: the engine's CER minus the yardstick's, and its speed ratios."""

    noise: float | None
    vs_alone: float  # against one by one with YARDSTICK_PAD_S, the mean of its runs
    vs_pads: float  # against the mean over YARDSTICK_PAD_S and OTHER_PADS_S
    vs_shifted: float  # against one run with each cut moved within YARDSTICK_SHIFT_S
    vs_vad_cuts: float  # against plain transcribe on the engine's own cuts (_vad_cuts_cer)
    vad_cuts_vs_alone: float  # what knowing where each clip starts is worth to plain transcribe
    vs_plain: float
    vs_one_thread: float


def realistic(seeds: list[int], minutes: float) -> None:
    engine = Engine(EngineConfig(cache_dir=CACHE_DIR, device="cpu"))
    options = TranscribeOptions(language="zh")
    path = str(locate_model(options.model, CACHE_DIR).path)
    model = WhisperModel(path, device="cpu", compute_type="int8", local_files_only=True)  # faster-whisper's defaults
    one_thread = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=1, local_files_only=True)
    batched = BatchedInferencePipeline(model)
    clips = _mandarin()
    # Load the models, and jieba's dictionary for cue lines, before timing.
    warm_up = realistic_recording(clips, seed=0, noise_dbfs=-60, target_s=30).samples
    engine.transcribe(wav_bytes(warm_up), options)
    for baseline in (model, one_thread):
        list(baseline.transcribe(warm_up, language="zh")[0])
    print(f"\n== Realistic recordings ({minutes:g} min each; whisper-base, cpu int8, beam 5, language zh; "
          "speed = plain transcribe's time (faster-whisper's defaults) / this pipeline's)")
    print(f"{'construction':<22} {'pipeline':<36} {'wall s':>7} {'speed':>6} {'CER':>6}")
    summary = []
    for noise in NOISE_FLOORS:
        for seed in seeds:
            recording = realistic_recording(clips, seed=seed, noise_dbfs=noise, target_s=minutes * 60)
            data = wav_bytes(recording.samples)
            ours, ours_s = timed(lambda: engine.transcribe(data, options))
            alone_runs = []
            for _ in range(YARDSTICK_RUNS):
                cer, alone_s = timed(lambda: _one_by_one_cer(model, recording, YARDSTICK_PAD_S))
                alone_runs.append(cer)
            alone_cer = sum(alone_runs) / len(alone_runs)
            padded = [_one_by_one_cer(model, recording, pad) for pad in OTHER_PADS_S]
            shifted = _one_by_one_cer(model, recording, YARDSTICK_PAD_S, YARDSTICK_SHIFT_S)
            speech = detect_speech(recording.samples, options.vad_options())
            vad_cuts = _vad_cuts_cer(model, recording, speech, options)
            pads_mean = (alone_cer + sum(padded)) / (1 + len(padded))
            plain, plain_s = timed(lambda: "".join(
                s.text for s in model.transcribe(recording.samples, language="zh", beam_size=5)[0]))
            single, single_s = timed(lambda: "".join(
                s.text for s in one_thread.transcribe(recording.samples, language="zh", beam_size=5)[0]))
            fast, fast_s = timed(lambda: "".join(s.text for s in batched.transcribe(
                recording.samples, language="zh", beam_size=5, batch_size=engine.config.batch_size)[0]))
            rows = [
                ("asrplatform", ours_s, character_error_rate([recording.reference], [ours.text])),
                (f"clips one by one (plain, {YARDSTICK_PAD_S:g} s pads)", alone_s, alone_cer),
                ("faster-whisper transcribe", plain_s, character_error_rate([recording.reference], [simplified(plain)])),
                ("faster-whisper BatchedInference", fast_s, character_error_rate([recording.reference], [simplified(fast)])),
                ("faster-whisper transcribe, 1 thread", single_s,
                 character_error_rate([recording.reference], [simplified(single)])),
            ]
            name = f"{'digital silence' if noise is None else f'{noise} dBFS'}, seed {seed}"
            for pipeline, seconds, cer in rows:
                print(f"{name:<22} {pipeline:<36} {seconds:7.1f} {plain_s / seconds:5.2f}x {cer:6.3f}")
                name = ""
            print(f"{'':<22} one by one, each run: {', '.join(f'{c:.3f}' for c in alone_runs)} "
                  f"(spread {max(alone_runs) - min(alone_runs):.3f}); with "
                  + ", ".join(f"{pad:g} s pads {cer:.3f}" for pad, cer in zip(OTHER_PADS_S, padded))
                  + f"; each cut moved within +-{YARDSTICK_SHIFT_S:g} s {shifted:.3f}"
                  + f"; plain on the engine's cuts {vad_cuts:.3f}"
                  + f"; dropped segments reported: {len(ours.dropped)}; {_background(speech)}")
            summary.append(_Compared(noise, rows[0][2] - alone_cer, rows[0][2] - pads_mean, rows[0][2] - shifted,
                                     rows[0][2] - vad_cuts, vad_cuts - alone_cer, plain_s / ours_s, single_s / ours_s))
    print("\njoined CER minus one-by-one mean CER (target <= 0.02): "
          + ", ".join(f"{_construction(c.noise)}: {c.vs_alone:+.3f}" for c in summary))
    pads = ", ".join(f"{pad:g}" for pad in sorted((YARDSTICK_PAD_S, *OTHER_PADS_S)))
    print(f"joined CER minus one-by-one mean over pads of {pads} s: "
          + ", ".join(f"{_construction(c.noise)}: {c.vs_pads:+.3f}" for c in summary))
    print(f"joined CER minus one by one with each cut moved within +-{YARDSTICK_SHIFT_S:g} s: "
          + ", ".join(f"{_construction(c.noise)}: {c.vs_shifted:+.3f}" for c in summary))
    print("joined CER minus plain transcribe on the engine's own cuts (what our decoding loses): "
          + ", ".join(f"{_construction(c.noise)}: {c.vs_vad_cuts:+.3f}" for c in summary))
    print("plain transcribe on the engine's cuts minus one by one (what cutting at each clip's start is worth): "
          + ", ".join(f"{_construction(c.noise)}: {c.vad_cuts_vs_alone:+.3f}" for c in summary))
    print("speed vs plain transcribe (target >= 2.5x): " + ", ".join(f"{c.vs_plain:.2f}x" for c in summary))
    print("speed vs plain transcribe on 1 thread: " + ", ".join(f"{c.vs_one_thread:.2f}x" for c in summary))
    multilingual(engine, model, batched)


def multilingual(engine: Engine, model, batched) -> None:
    path = SPEECH_DIR / "multilingual.mp3"
    ours, ours_s = timed(lambda: engine.transcribe(path, TranscribeOptions()))
    plain, plain_s = timed(lambda: list(model.transcribe(str(path), beam_size=5)[0]))
    fast, fast_s = timed(lambda: list(batched.transcribe(str(path), beam_size=5, batch_size=engine.config.batch_size)[0]))

    def runs(languages: list[str]) -> str:
        return " → ".join(dict.fromkeys(languages)) if languages else "-"

    print("\n== multilingual.mp3 (English, then German), language auto")
    print(f"{'asrplatform':<34} {ours_s:6.1f} s  languages by segment: {runs([s.language for s in ours.segments])}; "
          f"German half starts: {next((s.text[:40] for s in ours.segments if s.language == 'de'), '-')!r}")
    info_language = model.transcribe(str(path), beam_size=5)[1].language
    print(f"{'faster-whisper transcribe':<34} {plain_s:6.1f} s  one language for all: {info_language}; "
          f"second half starts: {next((s.text[:40] for s in plain if s.start > 30), '-')!r}")
    print(f"{'faster-whisper BatchedInference':<34} {fast_s:6.1f} s  "
          f"second half starts: {next((s.text[:40] for s in fast if s.start > 30), '-')!r}")


def sixty_minutes() -> None:
    recording = realistic_recording(_mandarin(), seed=60, noise_dbfs=-50, target_s=3600)
    path = write_wav(WORK_DIR / "realistic-60min.wav", recording.samples)
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
        " 'seconds': result.processing_seconds, 'segments': len(result.segments), 'dropped': len(result.dropped)}))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    if run.returncode:
        print(run.stderr[-2000:])
        return
    data = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"\n== Sixty minutes, realistic (-50 dBFS floor; {data['duration'] / 60:.1f} min, whisper-base, cpu int8)")
    print(f"peak RSS {data['peak_kb'] / 1024:.0f} MB (after loading the models and one short clip: "
          f"{data['loaded_kb'] / 1024:.0f} MB; target < 1536 MB), real-time factor "
          f"{data['seconds'] / data['duration']:.3f}, {data['segments']} segments, {data['dropped']} dropped")


def main() -> None:
    part = os.environ.get("ASR_BENCH_PART")
    if part in (None, "realistic"):
        seeds = [int(s) for s in os.environ.get("ASR_BENCH_SEEDS", "1,2").split(",")]
        realistic(seeds, float(os.environ.get("ASR_BENCH_MINUTES", "3")))
    if part in (None, "60"):
        sixty_minutes()


if __name__ == "__main__":
    main()
