import pytest

from transcripts.engine.device import cuda_device_count, resolve_device
from transcripts.engine.errors import DeviceError


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
