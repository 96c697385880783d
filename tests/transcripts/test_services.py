"""Upload → queued → done through the django-q2 task (run synchronously), and its failure modes."""
import pytest
from django.db import IntegrityError

from accounts.models import Membership
from transcripts import services
from transcripts.engine import TranscribeOptions
from transcripts.engine.errors import AudioDecodeError, EmptyAudioError
from transcripts.models import HotwordLibrary, Status, Transcript
from transcripts.selectors import hotwords_for
from transcripts.services import transcripts as lifecycle


def create(teams, clip_path, name=None, **options):
    return services.transcript_create(team=teams["a"], user=teams["bob"], data=clip_path.read_bytes(),
                                      filename=name or clip_path.name, options=TranscribeOptions(**options))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_upload_is_queued_then_recognised_by_the_task(teams, clips):
    transcript = create(teams, clips["IT0011W0001.wav"].path, language="zh")
    transcript.refresh_from_db()
    assert transcript.status == Status.DONE and transcript.text == "换一首歌。"
    assert transcript.language == "zh" and transcript.progress == 1.0 and transcript.attempts == 1
    assert transcript.segments and transcript.segments[0]["text"] == "换一首歌。"
    assert services.audio_path(transcript).read_bytes() == clips["IT0011W0001.wav"].path.read_bytes()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_hotword_library_gives_comfyui(teams, clips):
    library = HotwordLibrary.objects.create(team=teams["a"], name="产品", terms="# products\nComfyUI 20\n")
    hotwords = hotwords_for(team=teams["a"], library_ids=[library.id])
    transcript = create(teams, clips["hotwords.mp3"].path, language="en", hotwords=hotwords)
    transcript.refresh_from_db()
    assert "ComfyUI" in transcript.text


@pytest.mark.django_db
def test_hotwords_from_libraries_and_typed_ones_come_heaviest_first(teams):
    """Weights are priorities: Whisper reads hotwords from the front and keeps about 220 tokens."""
    meetings = HotwordLibrary.objects.create(team=teams["a"], name="会议", terms="季度复盘 5\n工单编号\n通义千问 60")
    assert hotwords_for(team=teams["a"], library_ids=[meetings.id], extra="ComfyUI 90, 季度复盘 70") == (
        "ComfyUI", "季度复盘", "通义千问", "工单编号")


@pytest.mark.django_db(transaction=True)
def test_an_unexpected_error_fails_the_file_at_once_and_finishes_its_job(teams, clips):
    """It used to leave the file "running" for two task timeouts (3 h each)."""
    from transcripts.models import Job

    job = Job.objects.create(team=teams["a"], created_by=teams["bob"])
    transcript = services.transcript_create(team=teams["a"], user=teams["bob"], job=job, enqueue=False,
                                            data=clips["IT0011W0001.wav"].path.read_bytes(), filename="a.wav",
                                            options=TranscribeOptions())
    Transcript.objects.filter(id=transcript.id).update(status=Status.QUEUED, options={"hotwords": 5})  # a broken row
    services.transcript_run(transcript_id=transcript.id)
    transcript.refresh_from_db()
    assert transcript.status == Status.FAILED and transcript.error_code == "internal_error"
    assert "TypeError" in transcript.error_message and transcript.finished_at
    job.refresh_from_db()
    assert job.finished_at is not None


def test_other_teams_libraries_are_not_applied(teams):
    other = HotwordLibrary.objects.create(team=teams["b"], name="secret", terms="机密词\n")
    assert hotwords_for(team=teams["a"], library_ids=[other.id], extra="ad hoc") == ("ad hoc",)


@pytest.mark.django_db(transaction=True)
def test_a_corrupt_upload_is_refused_before_anything_is_stored(teams, tmp_path):
    bad = tmp_path / "meeting.mp3"
    bad.write_bytes(b"ID3" + b"\x00" * 400)
    with pytest.raises(AudioDecodeError):
        create(teams, bad)
    with pytest.raises(EmptyAudioError):
        services.transcript_create(team=teams["a"], user=teams["bob"], data=b"", filename="x.wav",
                                   options=TranscribeOptions())
    assert Transcript.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_audio_that_fails_in_the_worker_becomes_a_failed_transcript_with_a_reason(teams, clips):
    transcript = Transcript.objects.create(team=teams["a"], source_name="gone.wav", options={})
    services.transcript_run(transcript_id=transcript.id)  # its stored audio does not exist
    transcript.refresh_from_db()
    assert transcript.status == Status.FAILED
    assert transcript.error_code == "audio_not_found" and "No such audio file" in transcript.error_message


@pytest.mark.django_db
def test_uploaded_names_never_become_paths(teams, clips, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    transcript = create(teams, clips["IT0011W0001.wav"].path, name="../../etc/passwd")
    assert transcript.source_name == "passwd"
    assert services.audio_path(transcript).parent == tmp_path / "audio"
    assert services.audio_path(transcript).name == str(transcript.audio_key)


@pytest.mark.django_db
def test_a_claimed_transcript_is_not_run_twice(teams):
    transcript = Transcript.objects.create(team=teams["a"], source_name="x.wav", options={})
    assert lifecycle._claim(transcript.id) is True
    assert lifecycle._claim(transcript.id) is False  # a second worker gets nothing


@pytest.mark.django_db
def test_a_running_transcript_whose_worker_died_is_claimed_again(teams, settings):
    from datetime import timedelta

    from django.utils import timezone

    transcript = Transcript.objects.create(team=teams["a"], source_name="x.wav", options={}, status=Status.RUNNING,
                                           started_at=timezone.now() - timedelta(seconds=settings.ASR_TASK_TIMEOUT + 1))
    assert lifecycle._claim(transcript.id) is True
    transcript.refresh_from_db()
    assert transcript.attempts == 1


@pytest.mark.django_db
def test_upload_size_limit(teams, clips, settings):
    settings.ASR_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(services.UploadTooLargeError, match="limit"):
        create(teams, clips["IT0011W0001.wav"].path)


@pytest.mark.django_db
def test_one_membership_per_user_and_team(teams):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=teams["bob"], team=teams["a"], role=Membership.Role.VIEWER)
