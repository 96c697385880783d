from pathlib import Path

from transcripts.outputs import output_paths


def names(*inputs):
    return [p.name for p in output_paths([Path(i) for i in inputs], Path("out"), "srt")]


def test_distinct_stems_keep_short_names():
    assert names("a/meeting.m4a", "b/lecture.mp3") == ["meeting.srt", "lecture.srt"]


def test_same_stem_different_extension_keeps_the_extension():
    assert names("talk.wav", "talk.mp3") == ["talk.wav.srt", "talk.mp3.srt"]


def test_same_name_in_two_folders_gets_a_counter():
    assert names("a/talk.wav", "b/talk.wav") == ["talk.srt", "talk-2.srt"]


def test_every_output_name_is_unique():
    inputs = ["a/x.wav", "b/x.wav", "x.mp3", "c/x.mp3", "x"]
    assert len(set(names(*inputs))) == len(inputs)
