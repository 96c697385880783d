"""Many short files: does letting segments of several files share a batch pay on this device?

Each of 16 short Mandarin clips (2-12 s, one speech segment each) is decoded (a) in a batch of its
own, as the engine does file by file, and (b) in batches taken from different files, formed the way
the engine batches one recording's segments (`pipeline._batches`). Same loaded model, same options,
median of interleaved runs; the texts are compared too, since a shared batch must not change what a
file says.
"""
from __future__ import annotations

from bench.common import CACHE_DIR, SPEECH_DIR, interleaved
from tests.speech import MANDARIN
from transcripts.engine import Engine, EngineConfig, TranscribeOptions
from transcripts.engine.audio import decode_audio
from transcripts.engine.coverage import Decoded
from transcripts.engine.pipeline import _batches
from transcripts.engine.segments import Span


def main(repeats: int = 3) -> dict:
    engine = Engine(EngineConfig(cache_dir=CACHE_DIR, device="cpu"))
    options = TranscribeOptions(language="zh").validated()
    recognizer = engine.models.get(options.model)
    clips = [decode_audio(SPEECH_DIR / name).samples for name in MANDARIN * 4]
    size = engine.config.batch_size

    def texts(found: list[Decoded]) -> list[str]:
        return ["".join(segment.text for segment in decoded.segments) for decoded in found]

    def file_by_file() -> list[str]:
        return texts([recognizer.recognize_windows([clip], options)[0] for clip in clips])

    def shared() -> list[str]:
        spans = [(Span(index, index + 1), clip) for index, clip in enumerate(clips)]
        found: dict[Span, Decoded] = {}
        for batch in _batches(iter(spans), size, recognizer.input_seconds):
            found.update(zip([span for span, _ in batch], recognizer.recognize_windows([c for _, c in batch], options)))
        return texts([found[span] for span, _ in spans])

    file_by_file()  # warm-up
    times = interleaved({"file by file": file_by_file, "shared": shared}, repeats)
    same = sum(a == b for a, b in zip(file_by_file(), shared()))
    ratio = times["file by file"] / times["shared"]
    seconds = sum(len(clip) for clip in clips) / 16000
    print(f"\n== {len(clips)} short files ({seconds:.0f} s of Mandarin, whisper-base, cpu int8, beam 5, "
          f"median of {repeats})")
    print(f"one batch per file {times['file by file']:.1f} s; batches across files {times['shared']:.1f} s "
          f"({ratio:.2f}x); same text for {same} of {len(clips)} files")
    return {**times, "ratio": ratio, "same": same}


if __name__ == "__main__":
    main()
