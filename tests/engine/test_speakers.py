"""Who spoke when (issue 14): the diarisation stage measured on real meetings and on joined
Mandarin conversations, the rules that turn speaker turns into labelled cues, and the exports."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.diarization import (
    MEETINGS_DIR,
    annotation,
    error_rate,
    hypothesis,
    mandarin_conversation,
    meeting_references,
    turns_of,
)
from transcripts.engine import TranscribeOptions
from transcripts.engine.audio import decode_audio, wav_bytes
from transcripts.engine.errors import InvalidOptionError
from transcripts.engine.formats import render
from transcripts.engine.result import Segment, TranscriptResult, Word
from transcripts.engine.speakers import (
    MAX_CLUSTERED,
    SpeakerTurn,
    cluster,
    labelled_segments,
    speaker_turns,
    speech_windows,
)

# Measured with the default threshold (README: Diarization). The shared AMI meeting excerpts:
# overall DER 0.258 with the automatic count, 0.203 with the true count; the target is
# 0.30, which leaves a margin of 0.04. Per file the automatic count was within one of the truth.
MEETINGS_DER_MAX = 0.30
MEETINGS_TRUE_COUNT_DER_MAX = 0.25
# Joined Mandarin conversations (four speakers, 0.8-2.5 s pauses, noise floors below): overall
# DER 0.081 over seeds 1-4 with the automatic count (per seed 0.06-0.12); target 0.10 overall.
CONVERSATION_DER_MAX = 0.10
CONVERSATIONS = [(1, -50.0), (2, -45.0), (3, None), (4, -60.0)]


@pytest.fixture(scope="module")
def meetings():
    return {uri: (decode_audio(MEETINGS_DIR / f"{uri}.wav").samples, reference)
            for uri, reference in meeting_references().items()}


@pytest.mark.slow
def test_meetings_automatic_count_within_one_and_der_under_target(meetings):
    metric = error_rate()
    for uri, (samples, reference) in meetings.items():
        turns = turns_of(samples)
        found = len({turn.speaker for turn in turns})
        assert abs(found - len(reference.labels())) <= 1, (uri, found)
        metric(reference, hypothesis(uri, turns))
    assert abs(metric) <= MEETINGS_DER_MAX


@pytest.mark.slow
def test_meetings_with_the_true_count(meetings):
    metric = error_rate()
    for uri, (samples, reference) in meetings.items():
        metric(reference, hypothesis(uri, turns_of(samples, num_speakers=len(reference.labels()))))
    assert abs(metric) <= MEETINGS_TRUE_COUNT_DER_MAX


@pytest.mark.slow
def test_joined_mandarin_conversations():
    metric = error_rate()
    for seed, floor in CONVERSATIONS:
        recording, reference = mandarin_conversation(seed, floor)
        turns = turns_of(recording.samples)
        assert abs(len({t.speaker for t in turns}) - len(reference.labels())) <= 1, seed
        metric(reference, hypothesis(reference.uri, turns))
    assert abs(metric) <= CONVERSATION_DER_MAX


@pytest.mark.slow
def test_transcribe_labels_cues_and_exports_them(engine, tmp_path):
    recording, reference = mandarin_conversation(2, -45.0, seconds=40)
    path = tmp_path / "conversation.wav"
    path.write_bytes(wav_bytes(recording.samples))
    result = engine.transcribe(path, TranscribeOptions(language="zh", diarize=True))
    assert result.speakers[0] == "S1" and all(s.speaker for s in result.segments)
    assert abs(len(result.speakers) - len(reference.labels())) <= 1
    # The cues scored as turns, where there are cues (recognition's own misses are issue 12's):
    # measured 0.028 on this recording; the margin allows a cue boundary or two off by a second.
    cues = annotation("c", ((s.start, s.end, s.speaker) for s in result.segments))
    assert error_rate()(reference, cues, uem=cues.get_timeline().support()) <= 0.08
    rttm = render(result, "rttm").splitlines()
    assert len(rttm) == len(result.segments) and rttm[0].startswith("SPEAKER audio 1 ")
    assert render(result, "txt").startswith("S1: ")
    plain = engine.transcribe(path, TranscribeOptions(language="zh"))
    assert not plain.speakers and "S1" not in render(plain, "txt")


@pytest.mark.slow
def test_split_channels_are_speakers(engine, clips):
    result = engine.transcribe(clips["stereo_diarization.wav"].path, TranscribeOptions(language="en", split_channels=True))
    by_channel = {s.channel: s.speaker for s in result.segments}
    assert by_channel == {"left": "S1", "right": "S2"} or by_channel == {"left": "S2", "right": "S1"}
    assert result.segments[0].speaker == "S1"
    assert "<v S" in render(result, "vtt") and ",S1" in render(result, "csv") + render(result, "csv").replace("\t", ",")


@pytest.mark.parametrize("options, message", [
    (dict(num_speakers=0), "num_speakers"), (dict(max_speakers=21), "max_speakers"),
    (dict(min_speakers=3, max_speakers=2), "more than"), (dict(num_speakers=2, max_speakers=3), "not both"),
    (dict(min_speakers=True), "whole number"),
])
def test_bad_speaker_counts_are_refused(options, message):
    with pytest.raises(InvalidOptionError, match=message):
        TranscribeOptions(**options).validated()


def test_a_speaker_count_turns_diarisation_on():
    assert TranscribeOptions(num_speakers=2).validated().diarize
    assert not TranscribeOptions().validated().diarize


def test_windows_cover_a_clip_and_skip_crumbs():
    assert speech_windows(1600) == []  # 0.1 s
    assert speech_windows(16000) == [(0, 16000)]
    windows = speech_windows(16000 * 5)
    assert windows[0][0] == 0 and windows[-1][1] == 16000 * 5
    assert all(b - a == 24000 for a, b in windows)


def test_counts_fixed_or_bounded():
    rng = np.random.default_rng(0)
    centres = np.eye(4, 16)
    vectors = np.concatenate([c + 0.05 * rng.standard_normal((10, 16)) for c in centres])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert len(set(cluster(vectors))) == 4
    assert len(set(cluster(vectors, num_speakers=2))) == 2
    assert len(set(cluster(vectors, max_speakers=3))) == 3
    assert len(set(cluster(vectors, min_speakers=4, max_speakers=4))) == 4


def test_long_recordings_cluster_a_bounded_sample():
    rng = np.random.default_rng(1)
    centres = np.eye(2, 16)
    vectors = np.concatenate([c + 0.05 * rng.standard_normal((MAX_CLUSTERED, 16)) for c in centres])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = cluster(vectors)
    assert len(labels) == 2 * MAX_CLUSTERED
    assert len(set(labels[:MAX_CLUSTERED])) == 1 and len(set(labels[MAX_CLUSTERED:])) == 1
    assert labels[0] != labels[-1]


def test_turns_split_overlapping_windows_at_their_midpoints():
    windows = [(0.0, 1.5), (0.75, 2.25), (1.5, 3.0), (5.0, 6.0)]
    turns = speaker_turns(windows, np.array([0, 0, 1, 1]))
    assert turns == [SpeakerTurn(0.0, 1.875, 0), SpeakerTurn(1.875, 3.0, 1), SpeakerTurn(5.0, 6.0, 1)]


def test_words_take_the_speaker_who_holds_them_and_segments_split_there():
    words = [Word(0.0, 0.5, " Hello"), Word(0.5, 1.0, " there."), Word(1.2, 1.6, " Hi"), Word(1.6, 2.0, " back.")]
    segment = Segment(0.0, 2.0, "Hello there. Hi back.", words=words)
    turns = [SpeakerTurn(0.0, 1.1, 5), SpeakerTurn(1.1, 2.0, 2)]
    first, second = labelled_segments([segment], turns)
    assert (first.text, first.speaker, first.end) == ("Hello there.", "S1", 1.0)
    assert (second.text, second.speaker, second.start) == ("Hi back.", "S2", 1.2)


def test_without_words_a_short_overlap_does_not_split():
    segment = Segment(0.0, 6.0, "一二三四五六")
    assert [s.speaker for s in labelled_segments([segment], [SpeakerTurn(0, 5.5, 0), SpeakerTurn(5.5, 6, 1)])] == ["S1"]
    halves = labelled_segments([segment], [SpeakerTurn(0, 3.0, 1), SpeakerTurn(3.0, 6, 0)])
    assert [(s.text, s.speaker) for s in halves] == [("一二三", "S1"), ("四五六", "S2")]


@given(st.lists(st.text(alphabet="ab 中文", min_size=1, max_size=30), min_size=1, max_size=6),
       st.lists(st.tuples(st.floats(0, 30), st.floats(0.1, 8), st.integers(0, 3)), min_size=1, max_size=8))
def test_labelling_keeps_every_character_in_order(texts, raw_turns):
    segments = [Segment(i * 5.0, i * 5.0 + 4.0, text) for i, text in enumerate(texts)]
    turns = sorted((SpeakerTurn(s, s + d, k) for s, d, k in raw_turns), key=lambda t: t.start)
    labelled = labelled_segments(segments, turns)
    assert "".join(s.text for s in labelled).replace(" ", "") == "".join(texts).replace(" ", "")
    assert all(s.speaker for s in labelled)
    order = list(dict.fromkeys(s.speaker for s in labelled))
    assert order == [f"S{i}" for i in range(1, len(order) + 1)]


def test_exports_name_speakers():
    segments = [Segment(0.0, 1.0, "你好。", itn_text="你好。", speaker="S1", language="zh"),
                Segment(1.0, 2.0, "在吗？", itn_text="在吗？", speaker="S1", language="zh"),
                Segment(2.5, 4.0, "在。", itn_text="在。", speaker="S2", language="zh")]
    result = TranscriptResult("", "", "zh", 1.0, 4.0, segments, "m", "cpu", {}, speaker_names={"S2": "张 经理"})
    assert render(result, "txt") == "S1: 你好。在吗？\n张 经理: 在。\n"
    assert "1\n00:00:00,000 --> 00:00:01,000\nS1: 你好。\n" in render(result, "srt")
    assert "<v 张 经理>在。" in render(result, "vtt")
    assert render(result, "rttm").splitlines()[-1] == "SPEAKER audio 1 2.500 1.500 <NA> <NA> 张_经理 <NA> <NA>"
    assert render(result, "csv").splitlines()[0].endswith("itn_text,speaker")
    assert render(result, "tsv").splitlines()[-1].endswith("\t张 经理")
    assert '"speaker": "S2"' in render(result, "json") and '"speakers": [' in render(result, "json")


@pytest.mark.slow
def test_diarisation_finds_the_speech_itself_when_recognition_runs_without_vad(engine, tmp_path):
    # At -60 dBFS: at -50 Whisper's whole-recording decode falls back to sampling, whose text (and
    # so how many speakers its segments meet) moved with what the process had sampled before.
    recording, reference = mandarin_conversation(7, -60.0, seconds=20)
    path = tmp_path / "conversation.wav"
    path.write_bytes(wav_bytes(recording.samples))
    result = engine.transcribe(path, TranscribeOptions(language="zh", vad="none", num_speakers=len(reference.labels())))
    assert result.segments and all(s.speaker for s in result.segments)
    assert len(result.speakers) >= 2
