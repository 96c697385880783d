import pytest

from tests.conftest import SPEECH_DIR
from transcripts.checks import check_engine
from transcripts.engine import Engine
from transcripts.engine.asr import WhisperRecognizer
from transcripts.engine.audio import decode_audio
from transcripts.engine.device import GPU_WORKERS, DeviceChoice, cpu_layout, cuda_device_count, resolve_device, worker_layout
from transcripts.engine.errors import DeviceError
from transcripts.engine.manager import ModelManager
from transcripts.engine.models import locate_model
from transcripts.engine.options import TranscribeOptions


def test_cpu_uses_int8():
    choice = resolve_device("cpu")
    assert (choice.device, choice.compute_type, choice.label) == ("cpu", "int8", "cpu")


def test_auto_picks_cuda_only_when_present():
    choice = resolve_device("auto")
    assert choice.device == ("cuda" if cuda_device_count() else "cpu")


def test_mps_explains_and_falls_back_to_cpu():
    choice = resolve_device("mps")
    assert choice.device == "cpu" and "Metal" in choice.note


def test_missing_gpu_is_a_clear_error():
    with pytest.raises(DeviceError, match="not available"):
        resolve_device(f"cuda:{cuda_device_count() + 1}")


@pytest.mark.parametrize("bad", ["tpu", "cuda:x"])
def test_unknown_device(bad):
    with pytest.raises(DeviceError):
        resolve_device(bad)


@pytest.mark.gpu
@pytest.mark.skipif(cuda_device_count() == 0, reason="no CUDA GPU on this machine")
def test_cuda_uses_float16():
    choice = resolve_device("cuda")
    assert (choice.device, choice.compute_type, choice.label) == ("cuda", "float16", "cuda:0")


def test_a_gpu_decodes_several_batches_side_by_side_and_a_cpu_one_per_core():
    assert worker_layout(DeviceChoice("cuda", 0, "float16")).workers == GPU_WORKERS > 1
    assert worker_layout(DeviceChoice("cuda", 0, "float16", gpu_workers=2)).workers == 2
    assert worker_layout(DeviceChoice("cpu", 0, "int8", gpu_workers=2), threads=2) == cpu_layout(2)


def test_the_operator_sets_the_gpu_worker_count(settings):
    from transcripts.recognition import engine_config

    settings.ASR_GPU_WORKERS = 2
    config = engine_config()
    assert config.gpu_workers == 2
    assert Engine(config).models.gpu_workers == 2  # handed on to the model manager, which resolves the device
    with pytest.raises(DeviceError, match="ASR_GPU_WORKERS"):
        resolve_device("auto", gpu_workers=-1)
    settings.ASR_GPU_WORKERS = -1  # told at start-up (`manage.py check`), not at the first job
    assert [problem.id for problem in check_engine(None) if "ASR_GPU_WORKERS" in problem.msg] == ["transcripts.E002"]


@pytest.mark.gpu
@pytest.mark.skipif(cuda_device_count() == 0, reason="no CUDA GPU on this machine")
def test_a_model_on_the_gpu_serves_its_workers_at_once(tmp_path):
    recognizer = ModelManager(tmp_path, device="cuda").get("whisper-tiny.en")
    assert recognizer.parallel == GPU_WORKERS
    assert ModelManager(tmp_path, device="cuda", gpu_workers=2).get("whisper-tiny.en").parallel == 2
    jfk = decode_audio(SPEECH_DIR / "jfk.flac").samples
    assert "country" in " ".join(s.text for s in recognizer.recognize(jfk, TranscribeOptions(language="en"), "en"))


# What happens on a GPU that cannot run the model is real only where there is none that can.
without_a_gpu = pytest.mark.skipif(cuda_device_count() > 0, reason="this machine's GPU may well run the model")


@pytest.fixture
def whisper_tiny(tmp_path):
    return locate_model("whisper-tiny.en", tmp_path)


@without_a_gpu
def test_a_gpu_that_cannot_run_the_model_is_a_clear_error(whisper_tiny):
    with pytest.raises(DeviceError, match="cannot run the model .*use device cpu"):
        WhisperRecognizer(whisper_tiny, DeviceChoice("cuda", 0, "float16"))


def _seeing_a_gpu(monkeypatch):
    """As on a machine whose driver shows a GPU that CTranslate2 cannot compute on (here: none)."""
    monkeypatch.setattr("transcripts.engine.manager.resolve_device",
                        lambda requested, gpu_workers=0: DeviceChoice("cuda", 0, "float16"))


@without_a_gpu
def test_auto_gives_way_to_the_cpu_when_the_gpu_cannot_run_the_model(monkeypatch, tmp_path):
    _seeing_a_gpu(monkeypatch)
    manager = ModelManager(tmp_path, device="auto")
    recognizer = manager.get("whisper-tiny.en")
    assert recognizer.device.device == "cpu" and manager.device.label == "cpu"
    assert manager.device.note.startswith("Running on the CPU: cuda:0 cannot run the model")
    jfk = decode_audio(SPEECH_DIR / "jfk.flac").samples
    assert "country" in " ".join(s.text for s in recognizer.recognize(jfk, TranscribeOptions(language="en"), "en"))
    assert manager.get("whisper-tiny.en") is recognizer


@without_a_gpu
def test_a_gpu_asked_for_by_name_does_not_give_way(monkeypatch, tmp_path):
    _seeing_a_gpu(monkeypatch)
    with pytest.raises(DeviceError, match="cannot run the model"):
        ModelManager(tmp_path, device="cuda").get("whisper-tiny.en")
