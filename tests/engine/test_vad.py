"""Both real VAD models on the shared recordings and on a file with known speech positions."""
import numpy as np
import pytest

from tests.speech import MANDARIN, white_noise
from transcripts.engine.audio import decode_audio, wav_bytes
from transcripts.engine.errors import EmptyAudioError, InvalidOptionError
from transcripts.engine.formats import render_speech_segments
from transcripts.engine.segments import Span
from transcripts.engine.vad import SILENT_DBFS, VadOptions, detect_speech, probabilities_to_spans

MODELS = ["fsmn", "silero"]
CLIPS = MANDARIN + ["jfk.flac"]
GAPS_S = [2.0, 1.5, 3.0, 2.5, 4.0]
TOLERANCE_MS = 300


@pytest.fixture(scope="module")
def known_file(clips):
    pieces, truth, position = [], [], 0
    for name, gap in zip(CLIPS, GAPS_S):
        # The shared clips are cut at utterance boundaries (with a little room), so a clip's ends
        # are its speech's true ends.
        speech = decode_audio(clips[name].path).samples
        silence = np.zeros(int(gap * 16000), np.float32)
        pieces += [silence, speech]
        position += len(silence)
        truth.append((position // 16, (position + len(speech)) // 16))
        position += len(speech)
    pieces.append(np.zeros(32000, np.float32))
    return wav_bytes(np.concatenate(pieces)), truth


@pytest.mark.parametrize("model", MODELS)
def test_each_clip_found_within_300_ms(known_file, model):
    data, truth = known_file
    speech = detect_speech(data, VadOptions(model=model))
    for start, end in truth:  # the padded segments: what the recogniser is handed
        inside = [s for s in speech.segments if s.end_ms > start - TOLERANCE_MS and s.start_ms < end + TOLERANCE_MS]
        assert inside, f"no speech found in {start}-{end} ms"
        assert abs(inside[0].start_ms - start) <= TOLERANCE_MS, (model, start, inside[0])
        assert abs(inside[-1].end_ms - end) <= TOLERANCE_MS, (model, end, inside[-1])


@pytest.mark.parametrize("model", MODELS)
def test_speech_found_in_every_shared_clip(clips, model):
    for name in CLIPS + ["hotwords.mp3", "multilingual.mp3"]:
        speech = detect_speech(clips[name].path, VadOptions(model=model))
        covered = sum(s.duration_ms for s in speech.segments)
        assert covered >= 0.5 * speech.duration_ms, name
        assert all(s.duration_ms <= 30_000 for s in speech.segments)


@pytest.mark.parametrize("floor_dbfs", [-70, -60, -45])
def test_the_background_level_is_the_noise_floor_between_the_speech(clips, floor_dbfs):
    """The clips joined with pauses, under white noise: the level outside the speech is the noise
    floor's, whatever the speech's own level (the clips differ by over 20 dB)."""
    speech = [decode_audio(clips[name].path).samples for name in MANDARIN]
    pause = np.zeros(int(1.5 * 16000), np.float32)
    joined = np.concatenate([piece for clip in speech for piece in (pause, clip)] + [pause])
    found = detect_speech(joined + white_noise(len(joined) / 16000, floor_dbfs))
    assert abs(found.background_dbfs - floor_dbfs) <= 1.5
    assert detect_speech(joined).background_dbfs == SILENT_DBFS  # digital silence between the clips


def test_a_muted_stretch_does_not_make_a_noisy_recording_quiet(clips):
    """Exact zeros for a fifth of what is outside the speech (a microphone muted for a while), a
    -50 dBFS floor for the rest: the background is the floor's."""
    speech = decode_audio(clips[MANDARIN[0]].path).samples
    noisy = np.concatenate([np.zeros(16000, np.float32), speech, np.zeros(16000, np.float32)])
    noisy = noisy + white_noise(len(noisy) / 16000, -50)
    muted = np.zeros(int(0.5 * 16000), np.float32)
    assert abs(detect_speech(np.concatenate([muted, noisy])).background_dbfs + 50) <= 1.5


def test_the_background_level_is_unknown_with_too_little_audio_outside_the_speech(clips):
    meeting = decode_audio(clips["TEST_MEETING_T0000000001_S00000.wav"].path).samples  # speech nearly end to end
    found = detect_speech(meeting[16000:96000])
    assert found.segments and found.background_dbfs is None


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("kind", ["silence", "noise"])
def test_no_speech_in_silence_or_noise(model, kind):
    samples = np.zeros(16000 * 60, np.float32) if kind == "silence" else white_noise(60, -30)
    speech = detect_speech(wav_bytes(samples), VadOptions(model=model))
    assert speech.segments == [] and speech.duration_ms == 60_000


@pytest.mark.parametrize("model", MODELS)
def test_max_segment_length_is_respected(clips, model):
    speech = detect_speech(clips["multilingual.mp3"].path, VadOptions(model=model, max_segment_ms=5000))
    assert len(speech.segments) >= 8
    assert all(s.duration_ms <= 5000 for s in speech.segments)


def test_progress_follows_the_audio_position(clips):
    positions = []
    detect_speech(clips["multilingual.mp3"].path, VadOptions(model="silero"), lambda done, _: positions.append(done))
    assert positions == sorted(positions) and positions[-1] == pytest.approx(59.9, abs=0.05)


def test_invalid_vad_options():
    for bad in [VadOptions(model="webrtc"), VadOptions(threshold=1.5), VadOptions(max_segment_ms=45_000),
                VadOptions(pad_ms=-1)]:
        with pytest.raises(InvalidOptionError):
            bad.validated()


def test_empty_audio_is_a_user_error():
    with pytest.raises(EmptyAudioError):
        detect_speech(wav_bytes(np.zeros(0, np.float32)))


def test_hysteresis_of_probabilities():
    probabilities = np.array([0.1, 0.9, 0.9, 0.4, 0.9, 0.1, 0.1, 0.1, 0.1, 0.9])
    assert probabilities_to_spans(probabilities, frame_ms=100, threshold=0.5, min_silence_ms=300) == [
        Span(100, 500), Span(900, 1000)
    ]


def test_vad_segments_render_as_csv_and_json():
    import csv
    import io
    import json

    segments = [Span(0, 1500), Span(2000, 2500)]
    rendered = render_speech_segments(segments, fmt="csv", duration_ms=3000, options={})
    rows = list(csv.DictReader(io.StringIO(rendered.lstrip("\ufeff"))))
    assert rows == [{"start_ms": "0", "end_ms": "1500", "duration_ms": "1500"},
                    {"start_ms": "2000", "end_ms": "2500", "duration_ms": "500"}]
    data = json.loads(render_speech_segments(segments, fmt="json", duration_ms=3000, options={"model": "fsmn"}))
    assert data["options"] == {"model": "fsmn"} and data["segments"][1]["duration_ms"] == 500


def test_default_padding_per_model_and_explicit_padding():
    assert VadOptions(model="fsmn").padding() == (0, 100)
    assert VadOptions(model="silero").padding() == (300, 300)
    assert VadOptions(model="silero", pad_ms=100).padding() == (100, 100)
    assert VadOptions().as_dict()["pad_after_ms"] == 300  # silero, the default


def test_no_partial_is_offered_once_open_speech_has_gone_quiet(clips):
    """Its final is due within min_silence_ms; decoding a partial first would delay it (live latency)."""
    from transcripts.engine.streaming import StreamSettings, UtteranceCutter

    speech = decode_audio(clips["BAC009S0764W0121.wav"].path).samples
    cutter = UtteranceCutter(StreamSettings(partial_every_ms=100))  # a partial would be due at every step
    closed = cutter.feed(np.concatenate([white_noise(0.5, -60), speech[:16000 * 3]]))
    assert not closed and cutter.partial() is not None  # someone is speaking: partials
    finals, offered_while_pausing, paused = [], [], False
    for _ in range(20):  # quiet, 100 ms at a time, until the utterance closes
        finals += cutter.feed(white_noise(0.1, -60))
        if finals:
            break
        if cutter.detector.pausing:
            paused = True
            offered_while_pausing.append(cutter.partial())
    assert len(finals) == 1 and paused and offered_while_pausing == [None] * len(offered_while_pausing)


def test_a_pause_offers_the_final_ahead_once_and_only_a_real_end_confirms_it(clips):
    """Live finals are decoded from the start of a pause (bench/live_latency.py): the tentative
    utterance is offered once per pause, matches the final VAD closes when the speaker stays
    quiet, and does not when the speaker goes on after a short pause."""
    from transcripts.engine.streaming import StreamSettings, UtteranceCutter, is_final_of

    speech = decode_audio(clips["BAC009S0764W0121.wav"].path).samples
    cutter = UtteranceCutter(StreamSettings(tentative_after_ms=100))  # well inside min_silence_ms (500)
    assert not cutter.feed(np.concatenate([white_noise(0.5, -60), speech[: 16000 * 3]]))  # cut while speaking

    def quiet_until_closed(limit_s: float):
        offered, closed = [], []
        for _ in range(int(limit_s * 10)):
            closed += cutter.feed(white_noise(0.1, -60))
            if closed:
                break
            offered += [t for t in [cutter.tentative()] if t is not None]
        return offered, closed

    offered, closed = quiet_until_closed(0.4)  # a short pause: offered, not closed
    assert len(offered) == 1 and not closed
    short_pause = offered[0]
    assert offered[0].end_ms - offered[0].start_ms > 2000 and len(offered[0].samples) > 16000 * 2
    assert not cutter.feed(speech[int(16000 * 0.6): 16000 * 3])  # the speaker goes on (the clip's words)
    offered, closed = quiet_until_closed(2.0)
    assert len(offered) == 1 and len(closed) == 1  # once for this pause, however long it lasts
    assert is_final_of(offered[0], closed[0]) and not is_final_of(short_pause, closed[0])
    assert closed[0].end_ms - closed[0].start_ms > 4500
