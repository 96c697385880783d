"""What readable transcripts cost (issue 13): each text step against the whole recognition, on a
long realistic recording.

One 3-minute recording (the shared Mandarin clips in random order, random pauses, -50 dBFS
noise floor) is recognised once; then each step that turns the recogniser's segments into
readable text runs again on a copy of those segments, median of several runs, and is shown as
a share of the recognition's wall time. jieba's dictionary load, once per process, is shown
apart. Target: each step under 5%.
"""
from __future__ import annotations

import copy
import re
import subprocess
import sys
import time

from bench.common import CACHE_DIR, median_seconds
from bench.long_audio import _mandarin
from tests.speech import character_error_rate, realistic_recording
from transcripts.engine import Engine, EngineConfig, TranscribeOptions, pipeline
from transcripts.engine.audio import wav_bytes
from transcripts.engine.cues import joined_clauses, line_limit, split_into_cues
from transcripts.engine.formats import render
from transcripts.engine.itn import inverse_normalize
from transcripts.engine.typeset import punctuated_chinese, sentence_ends

TARGET = 0.05


def main(minutes: float = 3.0, repeats: int = 5) -> list[dict]:
    engine = Engine(EngineConfig(cache_dir=CACHE_DIR, device="cpu"))
    options = TranscribeOptions(language="zh")
    recording = realistic_recording(_mandarin(), seed=7, noise_dbfs=-50, target_s=minutes * 60)
    data = wav_bytes(recording.samples)
    engine.transcribe(wav_bytes(recording.samples[: 16000 * 5]), options)  # models loaded before timing

    recognised = []
    finish = pipeline.finish_segments

    def keep_raw(segments, *args):  # the recogniser's own segments, before the text steps
        recognised.extend(copy.deepcopy(segments))
        return finish(segments, *args)

    pipeline.finish_segments = keep_raw
    try:
        started = time.perf_counter()
        result = engine.transcribe(data, options)
        total = time.perf_counter() - started
    finally:
        pipeline.finish_segments = finish

    jieba_load = float(subprocess.run(
        [sys.executable, "-c", "import time, jieba; jieba.setLogLevel(30); t = time.perf_counter(); "
                               "jieba.initialize(); print(time.perf_counter() - t)"],
        capture_output=True, text=True, check=True).stdout)

    def punctuate():
        segments = copy.deepcopy(recognised)
        for segment, ends in zip(segments, sentence_ends(segments)):
            segment.text = punctuated_chinese(segment.text, ends)
        return segments

    punctuated = punctuate()
    split = [cue for s in punctuated for cue in split_into_cues(s, options.max_cue_seconds, line_limit("zh"))]
    steps = {
        "punctuation (typeset.py)": punctuate,
        "cue splitting (split_into_cues)": lambda: [
            split_into_cues(s, options.max_cue_seconds, line_limit("zh")) for s in copy.deepcopy(punctuated)],
        "clause joining (joined_clauses)": lambda: joined_clauses(copy.deepcopy(split), options.max_cue_seconds,
                                                                  line_limit),
        "ITN of every cue (itn.py)": lambda: [inverse_normalize(c.text, "zh", cache_dir=CACHE_DIR) for c in split],
        "SRT with wrapped lines": lambda: render(result, "srt"),
    }
    print(f"\n== Readable transcripts: what each text step costs ({minutes:g} min realistic recording, -50 dBFS; "
          f"recognition {total:.1f} s; median of {repeats}; target under {TARGET:.0%} each)")
    print(f"{'step':<34} {'ms':>8} {'share':>7}")
    rows = []
    for name, run in steps.items():
        seconds = median_seconds(run, repeats)
        rows.append({"step": name, "seconds": seconds, "share": seconds / total})
        print(f"{name:<34} {seconds * 1000:8.1f} {seconds / total:7.2%}")
    print(f"{'jieba dictionary, once per process':<34} {jieba_load * 1000:8.1f} {jieba_load / total:7.2%}")
    print(f"segments from the recogniser: {len(recognised)}; cues: {len(result.segments)}; longest cue "
          f"{max(s.end - s.start for s in result.segments):.1f} s")
    prompted_punctuation(engine)
    return rows


PROMPT = "以下是普通话的句子。"
_PUNCTUATION = re.compile(r"[，。？！、；：,.?!;:]")


def prompted_punctuation(engine: Engine) -> None:
    """Whisper's own punctuation, which we measured and left off: plain faster-whisper
    `transcribe` (beam 5, zh) with and without a punctuated prompt, on the shared Mandarin clips one
    by one and on two realistic 2-minute recordings, with and without hotwords."""
    model = engine.models.get("whisper-base").model
    clips = _mandarin()
    recordings = {f"{noise or 'digital'} dBFS": realistic_recording(clips, seed=3, noise_dbfs=noise, target_s=120)
                  for noise in (-50, None)}
    print(f"\n== Whisper's own punctuation: plain transcribe with initial_prompt={PROMPT!r} or none "
          "(CER scored without punctuation; marks = punctuation marks written)")
    print(f"{'input':<26} {'prompt':<7} {'hotwords':<9} {'CER':>6} {'marks':>6} {'wall s':>7}")
    for hotwords in (None, "销售问题 商场"):
        for prompt in (None, PROMPT):
            def run(audio):
                pieces, _ = model.transcribe(audio, language="zh", beam_size=5, initial_prompt=prompt,
                                             hotwords=hotwords, vad_filter=False)
                return "".join(piece.text for piece in pieces)

            started = time.perf_counter()
            texts = [run(samples) for samples, _ in clips.values()]
            cer = character_error_rate([text for _, text in clips.values()], texts)
            marks = sum(len(_PUNCTUATION.findall(t)) for t in texts)
            print(f"{'shared clips one by one':<26} {'yes' if prompt else 'no':<7} {'yes' if hotwords else 'no':<9} "
                  f"{cer:6.3f} {marks:6d} {time.perf_counter() - started:7.1f}")
            if hotwords:
                continue
            for name, recording in recordings.items():
                started = time.perf_counter()
                text = run(recording.samples)
                print(f"{name:<26} {'yes' if prompt else 'no':<7} {'no':<9} "
                      f"{character_error_rate([recording.reference], [text]):6.3f} "
                      f"{len(_PUNCTUATION.findall(text)):6d} {time.perf_counter() - started:7.1f}")


if __name__ == "__main__":
    main()
