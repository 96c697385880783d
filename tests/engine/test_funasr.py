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


def test_windows_are_decoded_in_one_batch_in_their_order(engine, clips, tiny_model):
    """A recording's speech windows reach generate() together (FunASR batches them), and each
    window's text comes back to it: the same text as decoding it alone, timed inside it."""
    from tests.speech import MANDARIN, realistic_recording
    from transcripts.engine.audio import decode_audio, wav_bytes

    options = TranscribeOptions(model=str(tiny_model), language="zh")
    recognizer = engine.models.get(options.model)
    calls = []
    plain_generate = recognizer.model.generate

    def counted(input, **kwargs):  # the real generate, counted
        calls.append(len(input) if isinstance(input, list) else 1)
        return plain_generate(input=input, **kwargs)

    recognizer.model.generate = counted
    try:
        mandarin = {name: (decode_audio(clips[name].path).samples, clips[name].text) for name in MANDARIN}
        recording = realistic_recording(mandarin, seed=3, noise_dbfs=-50, target_s=25)
        windows = [recording.samples[int(start * 16000):int(end * 16000)] for start, end, _ in recording.timeline[:4]]
        batched = recognizer.recognize_windows(windows, options)
        assert calls == [len(windows)]
        alone = [recognizer.recognize_windows([window], options)[0] for window in windows]
        # Random weights sit near ties, so padding may change a late token; the windows may not swap.
        same = sum([s.text for s in a.segments] == [s.text for s in b.segments] for a, b in zip(batched, alone))
        assert same >= len(windows) - 1
        for window, decoded in zip(windows, batched):
            assert decoded.segments and all(s.end <= len(window) / 16000 + 1e-3 for s in decoded.segments)

        calls.clear()
        result = engine.transcribe(wav_bytes(recording.samples), options)
        assert max(calls) > 1  # the engine's windows go through in batches
        assert len(result.segments) >= len(recording.timeline) - 1
    finally:
        recognizer.model.generate = plain_generate


def test_a_broken_funasr_directory_is_a_clear_error(engine, clips, tmp_path):
    (tmp_path / "config.yaml").write_text("model: NoSuchModel\n")
    with pytest.raises(BrokenModelError, match="could not be loaded"):
        engine.transcribe(clips["IT0011W0001.wav"].path, TranscribeOptions(model=str(tmp_path)))


def test_sensevoice_tags_become_plain_text_and_the_segments_language():
    """SenseVoice's rich text, as its generate() returns it: a language, emotion, event and ITN tag
    before each part. The words stay, the tags and the emoji FunASR writes for them go."""
    from transcripts.engine.funasr_output import output_segments, plain_text

    assert plain_text("<|zh|><|NEUTRAL|><|Speech|><|woitn|>欢迎大家来体验达摩院推出的语音识别模型") == (
        "欢迎大家来体验达摩院推出的语音识别模型", "zh")
    assert plain_text("<|en|><|HAPPY|><|Speech|><|withitn|>Hello there.") == ("Hello there.", "en")
    assert plain_text("<|yue|><|NEUTRAL|><|BGM|><|woitn|>早晨") == ("早晨", "zh")
    assert plain_text("<|nospeech|><|Event_UNK|>") == ("", None)
    assert plain_text("今天天气不错") == ("今天天气不错", None)
    segments = output_segments([{"key": "a", "text": "<|ja|><|NEUTRAL|><|Speech|><|woitn|>こんにちは"}], duration=2.0)
    assert [(s.text, s.language, s.start, s.end) for s in segments] == [("こんにちは", "ja", 0.0, 2.0)]


def test_timed_sentences_become_one_segment_each():
    """Paraformer with a punctuation model times each sentence (sentence_info, in ms); otherwise a
    segment runs from its first token's start to its last token's end."""
    from transcripts.engine.funasr_output import output_segments

    sentences = [{"text": "第一句。", "start": 120, "end": 1880}, {"text": "第二句？", "start": 2300, "end": 4100}]
    found = output_segments([{"text": "第一句。第二句？", "timestamp": [[120, 400], [3900, 4100]],
                              "sentence_info": sentences}], duration=5.0)
    assert [(s.text, s.start, s.end) for s in found] == [("第一句。", 0.12, 1.88), ("第二句？", 2.3, 4.1)]
    tokens = output_segments([{"text": "你好", "timestamp": [[300, 500], [500, 9000]]}], duration=5.0)
    assert [(s.text, s.start, s.end) for s in tokens] == [("你好", 0.3, 5.0)]  # clamped to the clip


def test_funasr_notices_are_dropped_without_quieting_anyone_else(caplog):
    import logging

    from transcripts.engine.funasr_runtime import quiet_funasr

    funasr_record = logging.LogRecord("root", logging.INFO, "/x/site-packages/funasr/auto/auto_model.py", 1,
                                      "Loading pretrained params", None, None)
    ours = logging.LogRecord("root", logging.INFO, "/x/transcripts/services.py", 1, "ours", None, None)
    with quiet_funasr():
        root = logging.getLogger()
        assert not root.filter(funasr_record) and root.filter(ours)
        assert logging.root.manager.disable == logging.NOTSET  # logging stays on for every other thread
