"""Output file names for a batch of inputs: one per input, never two inputs on one name."""
from __future__ import annotations

from collections import Counter
from pathlib import Path


def output_paths(inputs: list[Path], output_dir: Path, fmt: str) -> list[Path]:
    """`talk.wav` → `out/talk.srt`; when two inputs share a stem (talk.wav, talk.mp3) each keeps its
    extension (`talk.wav.srt`, `talk.mp3.srt`); the same name twice (a/talk.wav, b/talk.wav) gets a
    counter (`talk.srt`, `talk-2.srt`)."""
    stems = Counter(p.stem for p in {p.name: p for p in inputs}.values())
    used: set[Path] = set()
    paths = []
    for source in inputs:
        base = source.stem if stems[source.stem] == 1 else source.name
        candidate = output_dir / f"{base}.{fmt}"
        counter = 2
        while candidate in used:
            candidate = output_dir / f"{base}-{counter}.{fmt}"
            counter += 1
        used.add(candidate)
        paths.append(candidate)
    return paths
