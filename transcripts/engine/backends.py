"""The recogniser backends, in one registry: each says which model directories are its own, what
one of its directories needs to load, what it recognises, and how to load it. The model catalogue
(models.py) and the loader (manager.py) ask the registry instead of branching per backend; a new
backend is one more entry here and its recogniser class.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transcripts.engine.asr import Recognizer
    from transcripts.engine.device import DeviceChoice

WHISPER = "whisper"
FUNASR = "funasr"


@dataclass(frozen=True)
class ModelLocation:
    name: str
    kind: str
    path: Path
    english_only: bool = False


@dataclass(frozen=True)
class Backend:
    kind: str
    layout: str  # the files that make a directory one of this backend's, as people are told
    claims: Callable[[Path], bool]
    problem: Callable[[Path], str]  # what is missing for it to load, "" when nothing
    languages: Callable[[Path], str]
    load: Callable[[ModelLocation, DeviceChoice, int], Recognizer]


def _whisper_problem(path: Path) -> str:
    has_vocabulary = (path / "tokenizer.json").is_file() or any(path.glob("vocabulary.*"))
    return "" if has_vocabulary else "tokenizer.json (or vocabulary.json) is missing"


def _load_whisper(location: ModelLocation, device: DeviceChoice, threads: int) -> Recognizer:
    from transcripts.engine.asr import WhisperRecognizer  # faster-whisper loads only when a model does

    return WhisperRecognizer(location, device, threads)


def _funasr_problem(path: Path) -> str:
    if not any((path / name).is_file() for name in ("model.pt", "model.pb", "model.onnx")):
        return "model.pt is missing next to config.yaml"
    return ""


# FunASR's config.yaml names the architecture; what it recognises follows from it.
_FUNASR_LANGUAGES = {"SenseVoiceSmall": "zh, en, yue, ja, ko", "Paraformer": "zh", "SeacoParaformer": "zh",
                     "BiCifParaformer": "zh", "ContextualParaformer": "zh"}


def _funasr_languages(path: Path) -> str:
    for line in (path / "config.yaml").read_text(errors="replace").splitlines():
        if line.startswith("model:"):
            return _FUNASR_LANGUAGES.get(line.split(":", 1)[1].strip(), "see the model's card")
    return "see the model's card"


def _load_funasr(location: ModelLocation, device: DeviceChoice, threads: int) -> Recognizer:
    from transcripts.engine.asr import FunASRRecognizer

    return FunASRRecognizer(location, device, threads)


BACKENDS: tuple[Backend, ...] = (
    Backend(WHISPER, "model.bin + config.json (CTranslate2 Whisper)",
            claims=lambda path: (path / "model.bin").is_file() and (path / "config.json").is_file(),
            problem=_whisper_problem,
            languages=lambda path: "en" if path.name.endswith(".en") else "multilingual (99)",
            load=_load_whisper),
    Backend(FUNASR, "config.yaml + model.pt (FunASR)",
            claims=lambda path: (path / "config.yaml").is_file(),
            problem=_funasr_problem, languages=_funasr_languages, load=_load_funasr),
)
NOT_A_MODEL = "expected " + " or ".join(backend.layout for backend in BACKENDS)


def backend_for(path: Path) -> Backend | None:
    """The backend whose model directory this is, or None."""
    return next((backend for backend in BACKENDS if backend.claims(path)), None)


def backend_named(kind: str) -> Backend:
    return next(backend for backend in BACKENDS if backend.kind == kind)
