"""The operator commands, run as a user runs them: `python manage.py ...` in a subprocess."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parent.parent


def manage(*args: str, stdin: str | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    return subprocess.run([sys.executable, str(REPO / "manage.py"), *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def test_itn_with_an_argument():
    run = manage("itn", "--language", "zh", "二零二五年三月五号")
    assert run.returncode == 0 and run.stdout.strip() == "2025年3月5号"


def test_itn_reads_lines_from_stdin():
    run = manage("itn", stdin="百分之十八\n二零二五年\n\n")
    assert run.returncode == 0
    assert run.stdout.splitlines() == ["18%", "2025年", ""]


def test_itn_unknown_language_fails_cleanly():
    run = manage("itn", "--language", "xx-yy", "text")
    assert run.returncode != 0 and "Unknown language" in run.stderr and "Traceback" not in run.stderr


def test_asrmodels_lists_models():
    run = manage("asrmodels")
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert lines[0].split()[:4] == ["MODEL", "READY", "SIZE", "LANGUAGES"]
    assert any(line.startswith("whisper-base") and " yes " in line for line in lines)
    assert any(line.startswith("whisper-tiny.en") for line in lines)


@pytest.mark.slow
def test_transcribe_writes_one_file_per_input_and_survives_a_bad_one(tmp_path, clips):
    wav = clips["IT0011W0001.wav"].path
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "talk.wav", tmp_path / "b" / "talk.wav"
    first.write_bytes(wav.read_bytes())
    second.write_bytes(clips["BAC009S0764W0121.wav"].path.read_bytes())
    bad = tmp_path / "broken.mp3"
    bad.write_bytes(b"ID3" + b"\x00" * 500)
    terms = tmp_path / "terms.txt"
    terms.write_text("# domain terms\n停滞 20\n")
    out = tmp_path / "out"
    run = manage("transcribe", str(first), str(bad), str(second), "--language", "zh", "--hotwords-file", str(terms),
                 "--format", "srt", "--output", str(out))
    assert run.returncode != 0  # one file failed ...
    assert "broken.mp3: error:" in run.stderr and "Traceback" not in run.stderr
    written = sorted(p.name for p in out.iterdir())
    assert written == ["talk-2.srt", "talk.srt"]  # ... the two others were written, neither overwritten
    texts = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    assert "换一首歌" in texts["talk.srt"] and "00:00:0" in texts["talk.srt"]
    assert "停滞" in texts["talk-2.srt"]  # misheard as 停制 without the hotword
    summaries = [line for line in run.stdout.splitlines() if "RTF" in line]
    assert len(summaries) == 2 and "language zh" in summaries[0]


@pytest.mark.slow
def test_transcribe_same_stem_different_extension(tmp_path, clips):
    source = clips["IT0011W0001.wav"].path
    (tmp_path / "talk.wav").write_bytes(source.read_bytes())
    (tmp_path / "talk.flac").write_bytes(clips["jfk.flac"].path.read_bytes())
    run = manage("transcribe", str(tmp_path / "talk.wav"), str(tmp_path / "talk.flac"), "--format", "json",
                 "--output", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    results = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "out").iterdir()}
    assert set(results) == {"talk.wav.json", "talk.flac.json"}
    assert results["talk.wav.json"]["language"] == "zh" and results["talk.flac.json"]["language"] == "en"


def test_transcribe_unknown_model_fails_before_any_file(tmp_path, clips):
    run = manage("transcribe", str(clips["IT0011W0001.wav"].path), "--model", "nope", "--output", str(tmp_path))
    assert run.returncode != 0 and "Unknown model 'nope'" in run.stderr and "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_transcribe_missing_file(tmp_path):
    run = manage("transcribe", str(tmp_path / "missing.wav"), "--output", str(tmp_path / "out"))
    assert run.returncode != 0 and "No such audio file" in run.stderr and "Traceback" not in run.stderr


def test_check_passes_on_the_defaults():
    run = manage("check")
    assert run.returncode == 0, run.stderr


def test_settings_are_safe_by_default():
    assert settings.DEBUG is False
    # pytest-django adds "testserver" for its test client; nothing else may be there.
    assert [h for h in settings.ALLOWED_HOSTS if h != "testserver"] == ["127.0.0.1", "localhost", "[::1]"]
    key_file = Path(settings.DATA_DIR) / "secret_key"
    assert key_file.read_text().strip() == settings.SECRET_KEY
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("model", ["fsmn", "silero"])
def test_vad_prints_segments_as_json(clips, model):
    run = manage("vad", str(clips["jfk.flac"].path), "--vad", model, "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["options"]["model"] == model and data["duration_ms"] == 11000
    assert data["segments"] and all(s["end_ms"] - s["start_ms"] == s["duration_ms"] for s in data["segments"])


def test_vad_prints_csv_with_the_parameters_on_stderr(clips):
    import csv
    import io

    run = manage("vad", str(clips["multilingual.mp3"].path), "--format", "csv", "--max-segment-ms", "5000")
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert len(rows) >= 8 and all(int(r["duration_ms"]) <= 5000 for r in rows)
    assert "max_segment_ms=5000" in run.stderr


def test_vad_bad_input_fails_cleanly(tmp_path):
    bad = tmp_path / "x.wav"
    bad.write_bytes(b"nonsense" * 10)
    run = manage("vad", str(bad))
    assert run.returncode != 0 and "could not be read" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.slow
def test_transcribe_diarises_into_rttm_and_refuses_impossible_counts(tmp_path):
    from tests.diarization import mandarin_conversation
    from transcripts.engine.audio import wav_bytes

    recording, reference = mandarin_conversation(5, -50.0, seconds=25)
    talk = tmp_path / "talk.wav"
    talk.write_bytes(wav_bytes(recording.samples))
    speakers = len(reference.labels())
    run = manage("transcribe", str(talk), "--language", "zh", "--diarize", "--num-speakers", str(speakers),
                 "--format", "rttm", "--output", str(tmp_path))
    assert run.returncode == 0, run.stderr
    lines = (tmp_path / "talk.rttm").read_text(encoding="utf-8").splitlines()
    assert lines and all(line.startswith("SPEAKER audio 1 ") for line in lines)
    assert {line.split()[7] for line in lines} <= {f"S{i}" for i in range(1, speakers + 1)}
    assert len({line.split()[7] for line in lines}) >= 2
    bad = manage("transcribe", str(talk), "--min-speakers", "3", "--max-speakers", "2")
    assert bad.returncode != 0 and "min_speakers (3) is more than max_speakers (2)" in bad.stderr
    assert "Traceback" not in bad.stderr
