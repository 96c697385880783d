"""Models users bring (issue 18, item 3): directories in ASR_MODEL_DIRS are listed with their
backend, languages and size, or as broken with the reason; `manage.py installmodel` checks one and
copies it in; from then on it is offered everywhere a model is chosen and it recognises."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.engine.tiny_funasr import TOKENS, build_tiny_paraformer
from transcripts.engine import TranscribeOptions
from transcripts.engine.errors import BrokenModelError
from transcripts.engine.models import locate_model, model_statuses

REPO = Path(__file__).resolve().parent.parent


def manage(*args: str, model_dirs: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "ASR_MODEL_DIRS": str(model_dirs)}
    return subprocess.run([sys.executable, str(REPO / "manage.py"), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return build_tiny_paraformer(tmp_path_factory.mktemp("brought") / "paraformer-tiny")


def test_model_directories_are_listed_ready_or_broken_with_the_reason(tmp_path, tiny):
    shutil.copytree(tiny, tmp_path / "paraformer-zh")
    whisper = tmp_path / "whisper-small.en"
    whisper.mkdir()
    (whisper / "model.bin").write_bytes(b"\0" * 10)
    (whisper / "config.json").write_text("{}")  # no tokenizer: broken, and said why
    (tmp_path / "holiday-photos").mkdir()
    (tmp_path / "holiday-photos" / "a.jpg").write_bytes(b"x")
    (tmp_path / "whisper-base").mkdir()  # a built-in model's name
    listed = model_statuses(tmp_path / "cache", (tmp_path,))
    statuses = {s.name: s for s in listed if s.path != str(tmp_path / "whisper-base")}
    brought = statuses["paraformer-zh"]
    assert brought.ready and (brought.kind, brought.languages) == ("funasr", "zh") and brought.size_bytes > 1000
    assert not statuses["whisper-small.en"].ready and "tokenizer.json" in statuses["whisper-small.en"].detail
    assert statuses["whisper-small.en"].languages == "en"
    assert not statuses["holiday-photos"].ready and "not a model directory" in statuses["holiday-photos"].detail
    assert statuses["whisper-base"].kind == "whisper"  # the catalogue's; the directory of that name is taken
    assert any(s.name == "whisper-base" and "already named" in s.detail for s in listed)
    assert locate_model("paraformer-zh", tmp_path / "cache", (tmp_path,)).path == tmp_path / "paraformer-zh"
    with pytest.raises(BrokenModelError, match="tokenizer.json"):
        locate_model("whisper-small.en", tmp_path / "cache", (tmp_path,))


def _tar(model: Path, out: Path, wrapped: bool = True) -> Path:
    with tarfile.open(out, "w:gz") as archive:
        archive.add(model, arcname=model.name if wrapped else ".")
    return out


def test_installmodel_checks_copies_and_offers_the_model(tmp_path, tiny, clips, settings):
    models = tmp_path / "models"
    archive = _tar(tiny, tmp_path / "paraformer-tiny.tar.gz")
    run = manage("installmodel", str(archive), "--name", "paraformer-meetings", model_dirs=models)
    assert run.returncode == 0, run.stderr
    assert "Installed paraformer-meetings: funasr, zh" in run.stdout
    assert (models / "paraformer-meetings" / "model.pt").is_file()
    assert not [p for p in models.iterdir() if p.name.startswith(".installing-")]  # staging cleaned up
    listed = manage("asrmodels", model_dirs=models).stdout
    assert "paraformer-meetings" in listed and "brought" in listed
    again = manage("installmodel", str(archive), "--name", "paraformer-meetings", model_dirs=models)
    assert again.returncode != 0 and "already installed" in again.stderr
    bare = manage("installmodel", str(_tar(tiny, tmp_path / "paraformer-bare.tgz", wrapped=False)), model_dirs=models)
    assert bare.returncode == 0, bare.stderr  # files at the archive's top: named after the archive
    assert (models / "paraformer-bare" / "config.yaml").is_file()

    settings.ASR_MODEL_DIRS = [models]
    from transcripts.recognition import get_engine
    from transcripts.request_options import requestable_models

    assert "paraformer-meetings" in requestable_models()
    from transcripts.engine import Engine, EngineConfig

    engine = Engine(EngineConfig(cache_dir=Path(settings.ASR_MODEL_CACHE), device="cpu", model_dirs=(models,)))
    result = engine.transcribe(clips["IT0011W0001.wav"].path, TranscribeOptions(model="paraformer-meetings",
                                                                                 language="zh"))
    assert result.model == "paraformer-meetings"
    assert set(result.text) <= set("".join(t for t in TOKENS if len(t) == 1)) | set("，。？")
    get_engine.cache_clear()


@pytest.mark.django_db(transaction=True)  # /v1/ is an async view: it reads the token on another connection
def test_a_brought_model_is_offered_on_the_pages_and_by_v1_models(client, teams, tmp_path, tiny, settings):
    shutil.copytree(tiny, tmp_path / "paraformer-zh")
    settings.ASR_MODEL_DIRS = [tmp_path]
    client.force_login(teams["bob"])
    assert '<option value="paraformer-zh"' in client.get("/recognize/").content.decode()
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=teams["bob"]).key
    listed = client.get("/v1/models", HTTP_AUTHORIZATION=f"Bearer {token}").json()["data"]
    assert "paraformer-zh" in [m["id"] for m in listed]


def test_installmodel_refuses_what_is_no_model_and_what_would_escape(tmp_path):
    models = tmp_path / "models"
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "readme.txt").write_text("not a model")
    run = manage("installmodel", str(notes), model_dirs=models)
    assert run.returncode != 0 and "No model found" in run.stderr and "config.yaml" in run.stderr
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../../escaped.txt", "x")
        archive.writestr("config.yaml", "model: Paraformer\n")
    run = manage("installmodel", str(evil), model_dirs=models)
    assert run.returncode != 0 and "outside the model directory" in run.stderr
    assert not (tmp_path / "escaped.txt").exists() and not [p for p in models.iterdir() if not p.name.startswith(".")]
    missing = tmp_path / "paraformer-nopt"
    missing.mkdir()
    (missing / "config.yaml").write_text("model: Paraformer\n")
    run = manage("installmodel", str(missing), model_dirs=models)
    assert run.returncode != 0 and "model.pt is missing" in run.stderr and not (models / "paraformer-nopt").exists()
    assert [p.name for p in models.iterdir() if not p.name.startswith(".")] == []
