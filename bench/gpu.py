"""Long recordings on a CUDA GPU: our engine against faster-whisper on the same GPU, in one process.

The CPU benchmark (bench/long_audio.py) answers issue 12's targets on a 2-core CPU; this one says
what the same engine does where `ASR_DEVICE=cuda` puts it. Realistic constructions as there (the
shared Mandarin clips in random order with repeats, pauses of 0.8-2.5 s, white noise at -60 and
-50 dBFS, and digital silence), ASR_BENCH_MINUTES long (default 3), seed ASR_BENCH_SEEDS (default
1). Per construction: CER and wall time of our engine (float16, its default GPU_WORKERS workers with its
batch of 6 shared between them, the same with a batch of 12, and on one worker as before
2026-11-28), of the clips one by one (plain `transcribe`, 0.5 s pads), of plain `transcribe` on the whole
recording and of `BatchedInferencePipeline` (batch 16), all on one loaded model per pipeline.
Then multilingual.mp3 with language auto, and a long construction (ASR_BENCH_LONG_MINUTES,
default 20) for the engine's real-time factor, on its workers and on one.

ITN is off for every pipeline (plain faster-whisper has none), so the CERs compare decoding only.
Without a GPU CTranslate2 can compute on, this prints why and stops: CI has none.
"""
from __future__ import annotations

import os
from dataclasses import replace

from faster_whisper import BatchedInferencePipeline, WhisperModel

from bench.common import CACHE_DIR, SPEECH_DIR, mandarin_clips, simplified, timed
from tests.speech import character_error_rate, clips_one_by_one, realistic_recording
from transcripts.engine import Engine, EngineConfig, TranscribeOptions
from transcripts.engine.audio import wav_bytes
from transcripts.engine.device import cuda_device_count, resolve_device
from transcripts.engine.models import locate_model

NOISE_FLOORS = [-60, -50, None]  # dBFS of white noise; None: digital silence between clips
WIDE_BATCH = 12  # a GPU's memory is not the limit a 2-core CPU's is (EngineConfig.batch_size)
PIPELINE_BATCH = 16  # BatchedInferencePipeline's own default


def main() -> None:
    device = os.environ.get("ASR_BENCH_DEVICE", "cuda")
    if device.startswith("cuda") and cuda_device_count() == 0:
        print("\n== GPU: skipped, CTranslate2 sees no CUDA GPU here (run `python -m bench gpu` on a GPU host)")
        return
    compute_type = resolve_device(device).compute_type
    seeds = [int(s) for s in os.environ.get("ASR_BENCH_SEEDS", "1").split(",")]
    minutes = float(os.environ.get("ASR_BENCH_MINUTES", "3"))
    options = TranscribeOptions(language="zh", itn=False)
    engine = Engine(EngineConfig(cache_dir=CACHE_DIR, device=device))
    wide = Engine(replace(engine.config, batch_size=WIDE_BATCH))
    one_worker = Engine(replace(engine.config, gpu_workers=1))  # the layout before 2026-11-28, as a baseline
    path = str(locate_model(options.model, CACHE_DIR).path)
    model = WhisperModel(path, device=device, compute_type=compute_type, local_files_only=True)
    batched = BatchedInferencePipeline(model)
    clips = mandarin_clips(SPEECH_DIR)
    warm_up = realistic_recording(clips, seed=0, noise_dbfs=-60, target_s=30)
    for ours in (engine, wide, one_worker):
        ours.transcribe(wav_bytes(warm_up.samples), options)
    list(model.transcribe(warm_up.samples, language="zh")[0])
    list(batched.transcribe(warm_up.samples, language="zh", batch_size=PIPELINE_BATCH)[0])

    print(f"\n== Realistic recordings on {device} ({minutes:g} min each; whisper-base {compute_type}, beam 5, "
          "language zh, ITN off; speed = plain transcribe's time / this pipeline's)")
    print(f"{'construction':<22} {'pipeline':<36} {'wall s':>7} {'speed':>6} {'CER':>6}")
    for noise in NOISE_FLOORS:
        for seed in seeds:
            recording = realistic_recording(clips, seed=seed, noise_dbfs=noise, target_s=minutes * 60)
            data = wav_bytes(recording.samples)

            def cer(text: str) -> float:
                return character_error_rate([recording.reference], [simplified(text)])

            ours, ours_s = timed(lambda: engine.transcribe(data, options))
            ours_wide, wide_s = timed(lambda: wide.transcribe(data, options))
            ours_one, one_s = timed(lambda: one_worker.transcribe(data, options))
            alone, alone_s = timed(lambda: clips_one_by_one(model, recording, "zh", pad_s=0.5))
            plain, plain_s = timed(lambda: "".join(
                s.text for s in model.transcribe(recording.samples, language="zh", beam_size=5)[0]))
            fast, fast_s = timed(lambda: "".join(s.text for s in batched.transcribe(
                recording.samples, language="zh", beam_size=5, batch_size=PIPELINE_BATCH)[0]))
            rows = [
                (f"asrplatform ({_layout(engine)})", ours_s, cer(ours.text)),
                (f"asrplatform ({_layout(wide)})", wide_s, cer(ours_wide.text)),
                (f"asrplatform ({_layout(one_worker)})", one_s, cer(ours_one.text)),
                ("clips one by one (plain, 0.5 s pads)", alone_s,
                 character_error_rate(recording.references, [simplified(t) for t in alone])),
                ("faster-whisper transcribe", plain_s, cer(plain)),
                (f"faster-whisper BatchedInference {PIPELINE_BATCH}", fast_s, cer(fast)),
            ]
            name = f"{'digital silence' if noise is None else f'{noise} dBFS'}, seed {seed}"
            for pipeline, seconds, score in rows:
                print(f"{name:<22} {pipeline:<36} {seconds:7.1f} {plain_s / seconds:5.2f}x {score:6.3f}")
                name = ""
    _multilingual(engine, model)
    _long((engine, one_worker), clips, options)


def _layout(engine: Engine) -> str:
    """How the engine's loaded model decodes: its workers, and the batch they share."""
    workers = engine.models.get(TranscribeOptions().model).parallel
    return f"{workers} worker{'s' if workers > 1 else ''}, batch {engine.config.batch_size}"


def _multilingual(engine: Engine, model: WhisperModel) -> None:
    path = SPEECH_DIR / "multilingual.mp3"
    ours, ours_s = timed(lambda: engine.transcribe(path, TranscribeOptions(itn=False)))
    plain, plain_s = timed(lambda: model.transcribe(str(path), beam_size=5))
    list(plain[0])
    languages = " → ".join(dict.fromkeys(s.language for s in ours.segments))
    print(f"\n== multilingual.mp3, language auto: asrplatform {ours_s:.1f} s, languages by segment: {languages}; "
          f"faster-whisper transcribe {plain_s:.1f} s, one language for all: {plain[1].language}")


def _long(engines: tuple[Engine, ...], clips: dict, options: TranscribeOptions) -> None:
    minutes = float(os.environ.get("ASR_BENCH_LONG_MINUTES", "20"))
    recording = realistic_recording(clips, seed=60, noise_dbfs=-50, target_s=minutes * 60)
    data = wav_bytes(recording.samples)
    print(f"\n== {minutes:g} minutes at -50 dBFS (seed 60)")
    for ours in engines:
        result, seconds = timed(lambda: ours.transcribe(data, options))
        score = character_error_rate([recording.reference], [simplified(result.text)])
        print(f"asrplatform ({_layout(ours)}): {seconds:.1f} s, real-time factor "
              f"{seconds / (minutes * 60):.4f}, CER {score:.3f}")
