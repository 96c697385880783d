"""Batch jobs: the page, the command, cancel, exports; the VAD and live pages."""
import csv
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.speech import SHORT_MANDARIN, zero_channel_wav
from transcripts import selectors, services
from transcripts.engine import TranscribeOptions
from transcripts.models import Job, Status, Transcript


def uploads(clips, names):
    return [SimpleUploadedFile(name, clips[name].path.read_bytes()) for name in names]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_batch_page_runs_a_job_and_a_corrupt_file_fails_alone(client, teams, clips):
    client.force_login(teams["bob"])
    files = uploads(clips, SHORT_MANDARIN[:2]) + [SimpleUploadedFile("broken.mp3", b"ID3" + b"\x00" * 500),
                                                  SimpleUploadedFile("empty.wav", b"")]
    response = client.post("/batch/", {"audio": files, "language": "zh", "itn": "on", "chinese_script": "simplified"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/batch/{job.id}/"
    snapshot = selectors.job_snapshot(job=job)
    assert snapshot["status"] == "done" and (snapshot["done"], snapshot["total"]) == (4, 4)
    statuses = {f["name"]: f["status"] for f in snapshot["files"]}
    assert statuses == {SHORT_MANDARIN[0]: "done", SHORT_MANDARIN[1]: "done", "broken.mp3": "failed",
                        "empty.wav": "failed"}
    errors = {f["name"]: f["error"] for f in snapshot["files"]}
    assert "audio" in errors["broken.mp3"].lower() and "empty" in errors["empty.wav"]
    Transcript.objects.filter(source_name="empty.wav").delete()

    exported = client.get(f"/batch/{job.id}/export.csv").content.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert [r["source_name"] for r in rows] == [SHORT_MANDARIN[0], SHORT_MANDARIN[1], "broken.mp3"]
    assert rows[1]["text"] == "换一首歌。"
    assert len(json.loads(client.get(f"/batch/{job.id}/export.json").content)) == 3
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/batch/{job.id}/export.zip").content))
    assert sorted(archive.namelist()) == sorted(f"{fmt}/{n[:-4]}.{fmt}"
                                                for n in SHORT_MANDARIN[:2] for fmt in ("txt", "srt"))
    assert "换一首歌" in archive.read("srt/IT0011W0001.srt").decode()
    page = client.get(f"/batch/{job.id}/").content.decode()
    assert f'data-socket="/ws/jobs/{job.id}/"' in page and "broken.mp3" in page


@pytest.mark.django_db
def test_job_pages_are_scoped_to_the_team(client, teams):
    job = Job.objects.create(team=teams["a"])
    client.force_login(teams["carol"])
    assert client.get(f"/batch/{job.id}/").status_code == 404
    assert client.get(f"/batch/{job.id}/export.csv").status_code == 404
    assert client.post(f"/batch/{job.id}/cancel/").status_code == 404


@pytest.mark.django_db
def test_cancel_stops_the_rest_and_keeps_what_finished(client, teams):
    job = Job.objects.create(team=teams["a"], status=Status.RUNNING)
    done = Transcript.objects.create(team=teams["a"], job=job, source_name="a.wav", status=Status.DONE, text="好")
    running = Transcript.objects.create(team=teams["a"], job=job, source_name="b.wav", status=Status.RUNNING)
    queued = Transcript.objects.create(team=teams["a"], job=job, source_name="c.wav")
    client.force_login(teams["bob"])
    client.post(f"/batch/{job.id}/cancel/")
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    statuses = dict(Transcript.objects.values_list("id", "status"))
    assert statuses == {done.id: Status.DONE, running.id: Status.CANCELLED, queued.id: Status.CANCELLED}
    from transcripts import services
    services.transcript_run(transcript_id=queued.id)  # a task that was already queued does nothing
    assert Transcript.objects.get(id=queued.id).status == Status.CANCELLED


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_batch_command_writes_one_file_per_input(teams, clips, tmp_path, capsys):
    listed = tmp_path / "list.txt"
    listed.write_text("\n".join(str(clips[n].path) for n in SHORT_MANDARIN[1:]), encoding="utf-8")
    call_command("batch", str(listed), "--team", "alpha", "--language", "zh", "--format", "srt",
                 "--output", str(tmp_path / "out"), "--poll", "0.1")
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["IT0011W0001.srt", "TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.srt"]
    assert "换一首歌" in (tmp_path / "out" / "IT0011W0001.srt").read_text(encoding="utf-8")
    assert Job.objects.get().transcripts.count() == 2 and "2/2 files" in capsys.readouterr().err


@pytest.mark.django_db
def test_batch_command_refuses_unknown_teams_and_missing_files(teams, tmp_path):
    with pytest.raises(CommandError, match="No team"):
        call_command("batch", str(tmp_path), "--team", "nope")
    with pytest.raises(CommandError, match="Not found"):
        call_command("batch", str(tmp_path / "gone.wav"), "--team", "alpha")


@pytest.mark.django_db
def test_job_create_records_refused_files_without_stopping(teams, clips):
    job = services.job_create(team=teams["a"], user=teams["bob"], options=TranscribeOptions(),
                          files=[("empty.wav", b""), ("ok.wav", clips["IT0011W0001.wav"].path.read_bytes())])
    rows = {t.source_name: t for t in job.transcripts.all()}
    assert rows["empty.wav"].status == Status.FAILED and rows["empty.wav"].error_code == "empty_audio"
    assert rows["ok.wav"].status == Status.QUEUED


@pytest.mark.django_db
def test_vad_page_draws_the_speech_and_lists_the_segments(client, teams, clips):
    client.force_login(teams["bob"])
    page = client.post("/vad/", {"audio": uploads(clips, ["BAC009S0764W0121.wav"])[0], "model": "silero",
                                 "threshold": 0.5, "min_speech_ms": 250, "min_silence_ms": 500,
                                 "max_segment_ms": 30000}).content.decode()
    assert 'id="vad-plot"' in page and 'id="vad-data"' in page and "data:text/csv" in page
    data = json.loads(page.split('id="vad-data" type="application/json">')[1].split("</script>")[0])
    assert len(data["peaks"]) == 800 and max(data["peaks"]) > 0.05
    assert len(data["segments"]) == 1 and 0 <= data["segments"][0][0] < 600 and data["segments"][0][1] > 3500
    bad = client.post("/vad/", {"audio": SimpleUploadedFile("x.wav", b"not audio"), "model": "fsmn", "threshold": 0.5,
                                "min_speech_ms": 250, "min_silence_ms": 500, "max_segment_ms": 30000})
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    damaged = client.post("/vad/", {"audio": SimpleUploadedFile("x.wav", zero_channel_wav()), "model": "silero",
                                    "threshold": 0.5, "min_speech_ms": 250, "min_silence_ms": 500,
                                    "max_segment_ms": 30000})
    assert damaged.status_code == 400 and "0 个声道" in damaged.content.decode()


@pytest.mark.django_db
def test_live_page_offers_the_microphone_with_the_caveats(client, teams):
    client.force_login(teams["bob"])
    page = client.get("/live/").content.decode()
    assert 'id="live-start"' in page and "pcm-worklet.js" in page and "实验功能" in page and "伪流式" in page


@pytest.mark.django_db
def test_vad_waits_for_no_one_when_the_web_process_is_busy(client, teams, clips, settings):
    """VAD runs in the web process, so it shares the bound on heavy work there (ASR_API_CONCURRENCY):
    past it, the page and the API say the server is busy instead of piling up (issue 17, fault 4)."""
    from transcripts.slots import RECOGNITION_SLOTS

    settings.ASR_API_CONCURRENCY = 1
    client.force_login(teams["bob"])
    fields = {"model": "silero", "threshold": 0.5, "min_speech_ms": 250, "min_silence_ms": 500, "max_segment_ms": 30000}
    assert RECOGNITION_SLOTS.try_take(1)
    try:
        page = client.post("/vad/", {"audio": uploads(clips, ["IT0011W0001.wav"])[0], **fields})
        assert page.status_code == 503 and "1 个识别任务正在运行" in page.content.decode()
        api = client.post("/api/vad/", {"file": uploads(clips, ["IT0011W0001.wav"])[0]}, HTTP_ACCEPT_LANGUAGE="en")
        assert api.status_code == 503 and "already running" in api.json()["detail"]
    finally:
        RECOGNITION_SLOTS.give_back()
    assert client.post("/vad/", {"audio": uploads(clips, ["IT0011W0001.wav"])[0], **fields}).status_code == 200
    assert RECOGNITION_SLOTS.busy == 0  # each run gave its slot back
