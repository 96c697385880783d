"""Our engine against plain faster-whisper `WhisperModel.transcribe`: same audio, model, options, run.

The engine adds decoding through our audio module, Chinese script conversion, ITN and the result
object; this measures what that costs. Target: ratio <= 1.05.

Whisper's temperature fallback samples at random, and on noisy audio one run can take twice as
long as the next; each timed run resets CTranslate2's seed so both sides decode the same way and
the ratio measures our overhead, not the dice.
"""
from __future__ import annotations

import ctranslate2

from bench.common import CACHE_DIR, SPEECH_DIR, WORK_DIR, interleaved, manifest, write_wav
from tests.speech import MANDARIN, realistic_recording
from transcripts.engine import Engine, EngineConfig, TranscribeOptions
from transcripts.engine.audio import decode_audio


def main(repeats: int = 3) -> list[dict]:
    engine = Engine(EngineConfig(cache_dir=CACHE_DIR, device="cpu"))
    # VAD off on both sides: this compares the engine's own cost with faster-whisper's, not our
    # VAD + packed batching pipeline (bench/long_audio.py measures that).
    options = TranscribeOptions(language="auto", vad="none").validated()
    recognizer = engine.models.get(options.model)  # the same loaded model serves both sides
    # Mandarin only: with English mixed in, Whisper falls back to random sampling on the clips in
    # the other language and run times scatter by 2x between identical runs.
    texts = {e["audio"]: e["text"] for e in manifest()}
    clips = {name: (decode_audio(SPEECH_DIR / name).samples, texts[name]) for name in MANDARIN}
    recording = realistic_recording(clips, seed=3, noise_dbfs=-50, target_s=180)
    joined = write_wav(WORK_DIR / "mandarin-3min-realistic.wav", recording.samples)
    inputs = [SPEECH_DIR / e["audio"] for e in manifest() if e["audio"] != "stereo_diarization.wav"] + [joined]
    rows = []
    print(f"\n== Engine overhead vs plain faster-whisper (whisper-base, cpu int8, beam 5, median of {repeats})")
    print(f"{'input':<46} {'audio s':>8} {'ours s':>8} {'plain s':>8} {'ratio':>6} {'RTF':>6}")
    total = {"ours": 0.0, "plain": 0.0}
    for path in inputs:
        kwargs = recognizer.transcribe_kwargs(options, None)

        def plain():
            ctranslate2.set_random_seed(0)
            segments, _info = recognizer.model.transcribe(str(path), **kwargs)
            return [s.text for s in segments]

        def ours():
            ctranslate2.set_random_seed(0)
            return engine.transcribe(path, options)

        duration = engine.transcribe(path, options).duration  # warm-up, and the duration
        times = interleaved({"ours": ours, "plain": plain}, repeats)
        total["ours"] += times["ours"]
        total["plain"] += times["plain"]
        row = {"input": path.name, "audio_s": duration, **times, "ratio": times["ours"] / times["plain"]}
        rows.append(row)
        print(f"{path.name[:46]:<46} {duration:8.1f} {times['ours']:8.2f} {times['plain']:8.2f} "
              f"{row['ratio']:6.3f} {times['ours'] / duration:6.3f}")
    print(f"{'all inputs':<46} {'':>8} {total['ours']:8.2f} {total['plain']:8.2f} {total['ours'] / total['plain']:6.3f}")
    return rows


if __name__ == "__main__":
    main()
