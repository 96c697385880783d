"""The FunASR path, on a tiny Paraformer the test builds (real FunASR ASR weights are not obtainable here)."""
import pytest

from tests.engine.tiny_funasr import TOKENS, build_tiny_paraformer
from transcripts.engine import TranscribeOptions
from transcripts.engine.errors import BrokenModelError


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return build_tiny_paraformer(tmp_path_factory.mktemp("tiny-paraformer"))


def test_a_local_funasr_model_transcribes_through_the_engine(engine, clips, tiny_model):
    clip = clips["IT0011W0001.wav"]
    positions = []
    result = engine.transcribe(clip.path, TranscribeOptions(model=str(tiny_model), language="zh"),
                               lambda done, total, stage: positions.append((done, total)))
    assert result.model == str(tiny_model)
    assert result.duration == pytest.approx(1.992, abs=0.01)
    # Random weights give meaningless text, but only from the model's own vocabulary (and the
    # sentence punctuation every Chinese transcript gets).
    assert set(result.text) <= set("".join(t for t in TOKENS if len(t) == 1)) | set("，。？")
    assert result.text[-1] in "。？"
    assert result.text == "".join(s.text for s in result.segments)
    assert all(0 <= s.start <= s.end <= result.duration for s in result.segments)
    assert positions[-1] == (result.duration, result.duration)


def test_a_broken_funasr_directory_is_a_clear_error(engine, clips, tmp_path):
    (tmp_path / "config.yaml").write_text("model: NoSuchModel\n")
    with pytest.raises(BrokenModelError, match="could not be loaded"):
        engine.transcribe(clips["IT0011W0001.wav"].path, TranscribeOptions(model=str(tmp_path)))
