import pytest

from transcripts.engine.errors import UnknownModelError
from transcripts.engine.models import (
    _WHISPER_BASE_SIZE,
    FUNASR,
    WHISPER,
    assemble_whisper_base,
    locate_model,
    model_statuses,
)


def test_whisper_base_is_assembled_from_the_two_packages(tmp_path):
    path = assemble_whisper_base(tmp_path)
    assert (path / "model.bin").stat().st_size == _WHISPER_BASE_SIZE
    assert {p.name for p in path.iterdir()} == {"model.bin", "config.json", "tokenizer.json", "vocabulary.json"}


def test_an_interrupted_first_run_is_repaired(tmp_path):
    target = tmp_path / "whisper-base"
    target.mkdir()
    (target / ".model.bin.leftover").write_bytes(b"x" * 1000)  # what a killed assembly leaves
    (target / "model.bin").write_bytes(b"truncated")
    assemble_whisper_base(tmp_path)
    assert (target / "model.bin").stat().st_size == _WHISPER_BASE_SIZE
    # Nothing half-written is left under a name a loader would read.
    assert not [p for p in target.iterdir() if p.name.startswith(".model.bin.") and p.name != ".model.bin.leftover"]


def test_catalogue_models_locate(tmp_path):
    assert locate_model("whisper-base", tmp_path).kind == WHISPER
    tiny = locate_model("whisper-tiny.en", tmp_path)
    assert tiny.english_only and (tiny.path / "model.bin").is_file()


def test_a_local_ctranslate2_directory_is_a_whisper_model(tmp_path):
    base = assemble_whisper_base(tmp_path)
    location = locate_model(str(base), tmp_path / "other")
    assert (location.kind, location.path) == (WHISPER, base)


def test_a_local_funasr_directory_is_recognised(tmp_path):
    (tmp_path / "config.yaml").write_text("model: Paraformer\n")
    assert locate_model(str(tmp_path), tmp_path).kind == FUNASR


def test_unknown_model_lists_the_known_ones(tmp_path):
    with pytest.raises(UnknownModelError, match="whisper-base"):
        locate_model("whisper-enormous", tmp_path)


def test_a_directory_that_is_no_model(tmp_path):
    with pytest.raises(UnknownModelError, match="not a model directory"):
        locate_model(str(tmp_path), tmp_path)


def test_statuses_report_readiness_size_and_languages(tmp_path):
    statuses = {s.name: s for s in model_statuses(tmp_path)}
    assert statuses["whisper-base"].ready and statuses["whisper-base"].size_bytes == _WHISPER_BASE_SIZE
    assert "on first use" in statuses["whisper-base"].detail
    assert statuses["whisper-tiny.en"].languages == "en"


def test_the_backend_registry_knows_each_layout_and_loads_through_one_door(tmp_path):
    """models.py and manager.py ask the registry (engine/backends.py) instead of branching."""
    from transcripts.engine.backends import BACKENDS, backend_for, backend_named

    assert [b.kind for b in BACKENDS] == [WHISPER, FUNASR]
    funasr_dir = tmp_path / "sensevoice"
    funasr_dir.mkdir()
    (funasr_dir / "config.yaml").write_text("model: SenseVoiceSmall\n")
    backend = backend_for(funasr_dir)
    assert backend is backend_named(FUNASR) and backend.languages(funasr_dir) == "zh, en, yue, ja, ko"
    assert backend.problem(funasr_dir) == "model.pt is missing next to config.yaml"
    (funasr_dir / "model.pt").write_bytes(b"")
    assert backend.problem(funasr_dir) == ""
    assert backend_for(tmp_path) is None
    base = assemble_whisper_base(tmp_path / "cache")
    assert backend_for(base) is backend_named(WHISPER) and backend_named(WHISPER).problem(base) == ""
