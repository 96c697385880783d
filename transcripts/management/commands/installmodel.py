"""manage.py installmodel SOURCE: bring a model in, from a directory or an archive (an air-gapped
site carries models in on a disk). It is checked, then copied into the first of ASR_MODEL_DIRS
under its name; from then on asrmodels, the pages, /v1/models and the team defaults offer it."""
from __future__ import annotations

import re
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from transcripts.engine import EngineError
from transcripts.engine.models import CATALOGUE, NOT_A_MODEL, model_problem
from transcripts.recognition import engine_config, model_catalogue

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def _unpack(source: Path, into: Path) -> None:
    """A directory is copied; a tar or zip archive is extracted, refusing members that would land
    outside the staging directory."""
    if source.is_dir():
        shutil.copytree(source, into / source.name, symlinks=False)
    elif tarfile.is_tarfile(source):
        with tarfile.open(source) as archive:
            archive.extractall(into, filter="data")  # no absolute paths, no "..", no devices
    elif zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            for member in archive.namelist():
                if not (into / member).resolve().is_relative_to(into.resolve()):
                    raise CommandError(f"{source.name} holds a file that would land outside the model directory "
                                       f"({member}); it is not installed.")
            archive.extractall(into)
    else:
        raise CommandError(f"{source} is neither a directory nor a .tar(.gz) or .zip archive.")


def _model_root(staging: Path) -> Path:
    """The directory holding the model files: the top of what was unpacked, or a single folder
    inside it (archives usually wrap the model in one), up to two levels down."""
    candidate = staging
    for _ in range(3):
        if model_problem(candidate)[0] is not None:
            return candidate
        children = [p for p in candidate.iterdir() if not p.name.startswith(".")]
        if len(children) != 1 or not children[0].is_dir():
            break
        candidate = children[0]
    raise CommandError(f"No model found in it: {NOT_A_MODEL}.")


class Command(BaseCommand):
    help = "Install a model from a directory or a .tar(.gz)/.zip archive into ASR_MODEL_DIRS."

    def add_arguments(self, parser):
        parser.add_argument("source", help="a model directory, or an archive holding one")
        parser.add_argument("--name", help="the name people choose it by (default: the model directory's name)")
        parser.add_argument("--replace", action="store_true", help="replace an installed model of that name")
        parser.add_argument("--load", action="store_true", help="also load it once, to prove the weights work")

    def handle(self, *args, source: str, name: str | None, replace: bool, load: bool, **options):
        source_path = Path(source).expanduser()
        if not source_path.exists():
            raise CommandError(f"{source_path} does not exist.")
        if not settings.ASR_MODEL_DIRS:
            raise CommandError("ASR_MODEL_DIRS is empty: name a directory for the models people bring.")
        target_dir = settings.ASR_MODEL_DIRS[0]
        target_dir.mkdir(parents=True, exist_ok=True)
        # Staged beside the target, so the final step is a rename on one file system.
        with tempfile.TemporaryDirectory(dir=target_dir, prefix=".installing-") as staging_name:
            staging = Path(staging_name) / "unpacked"  # never the temporary directory itself: it is moved
            staging.mkdir()
            _unpack(source_path, staging)
            root = _model_root(staging)
            kind, problem = model_problem(root)
            if problem:
                raise CommandError(f"This {kind} model cannot be used: {problem}. Nothing was installed.")
            name = name or (source_path.name if root == staging else root.name)
            name = re.sub(r"\.(tar\.gz|tgz|tar|zip)$", "", name)
            if not _NAME.fullmatch(name):
                raise CommandError(f"{name!r} cannot name a model: use letters, digits, '.', '_' and '-' (--name).")
            if name in CATALOGUE:
                raise CommandError(f"{name} is a built-in model's name; choose another with --name.")
            target = target_dir / name
            if target.exists() and not replace:
                raise CommandError(f"A model named {name} is already installed in {target_dir}; "
                                   "use --replace to replace it, or --name to install it beside it.")
            if load:
                self._load(root, kind)
            if target.exists():
                shutil.rmtree(target)
            root.rename(target)
        status = next(s for s in model_catalogue() if s.name == name)
        self.stdout.write(f"Installed {name}: {status.kind}, {status.languages}, {status.size_bytes / 2**20:.1f} MB, "
                          f"in {target}. People can choose it now (pages, /api/, /v1/models, team defaults).")

    def _load(self, root: Path, kind: str | None) -> None:
        from transcripts.engine.manager import ModelManager

        config = engine_config()
        manager = ModelManager(config.cache_dir, config.device, config.threads, gpu_workers=config.gpu_workers)
        try:
            manager.get(str(root))
        except EngineError as e:
            raise CommandError(f"The {kind} model did not load: {e.message} Nothing was installed.") from None
        self.stdout.write(f"Loaded it once on {manager.device.label}: the weights work.")
