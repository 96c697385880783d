import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from transcripts.engine import Engine, EngineConfig

SPEECH_DIR = Path(os.environ.get("ASR_TEST_SPEECH_DIR", Path(__file__).resolve().parents[2] / "shared" / "data" / "speech"))


@dataclass(frozen=True)
class Clip:
    path: Path
    language: str
    text: str | None
    entry: dict


def _manifest() -> dict[str, Clip]:
    clips = {}
    for line in (SPEECH_DIR / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            clips[entry["audio"]] = Clip(SPEECH_DIR / entry["audio"], entry["language"], entry["text"], entry)
    return clips


@pytest.fixture(scope="session")
def clips() -> dict[str, Clip]:
    if not (SPEECH_DIR / "manifest.jsonl").is_file():
        pytest.fail(f"The shared recordings are missing: {SPEECH_DIR} (set ASR_TEST_SPEECH_DIR)")
    return _manifest()


@pytest.fixture(scope="session")
def engine() -> Engine:
    """One engine for the session: the model loads once, as in a worker process."""
    return Engine(EngineConfig(cache_dir=Path(settings.ASR_MODEL_CACHE), device="cpu"))
