from datetime import timedelta

import pytest
from django.utils import timezone

from transcripts import services
from transcripts.models import Status, Transcript


def stuck(teams, settings, attempts):
    return Transcript.objects.create(team=teams["a"], source_name="x.wav", options={}, status=Status.RUNNING,
                                     attempts=attempts,
                                     started_at=timezone.now() - timedelta(seconds=settings.ASR_TASK_TIMEOUT + 5))


@pytest.mark.django_db(transaction=True)
def test_a_transcript_whose_worker_died_is_run_again_then_failed_with_a_reason(teams, settings):
    once, twice = stuck(teams, settings, 1), stuck(teams, settings, 2)
    fresh = Transcript.objects.create(team=teams["a"], source_name="y.wav", options={}, status=Status.RUNNING,
                                      attempts=1, started_at=timezone.now())
    requeued, failed = services.transcripts_recover_stale()
    assert (requeued, failed) == (1, 1)
    once.refresh_from_db(), twice.refresh_from_db(), fresh.refresh_from_db()
    # Requeued and run by the (synchronous) task: its audio is gone, so it fails with that reason.
    assert once.status == Status.FAILED and once.error_code == "audio_not_found" and once.attempts == 2
    assert twice.status == Status.FAILED and twice.error_code == "worker_lost" and "stopped twice" in twice.error_message
    assert fresh.status == Status.RUNNING  # a live worker's row is left alone
    assert Transcript.objects.count() == 3  # never a second row for the same file


@pytest.mark.django_db
def test_a_worker_that_stopped_reporting_is_taken_for_dead_long_before_the_task_timeout(teams, settings, monkeypatch):
    from transcripts import heartbeats

    monkeypatch.setenv("ASR_CLUSTER_ID", "c1")
    minutes_ago = timezone.now() - timedelta(seconds=heartbeats.HEARTBEAT_SECONDS + 30)

    def running(name, *, beating):
        row = Transcript.objects.create(team=teams["a"], source_name=name, options={}, status=Status.RUNNING,
                                        attempts=1, started_at=minutes_ago)
        if beating:
            heartbeats.beat(row.id)
        return row

    silent, alive, of_dead_cluster = running("a", beating=False), running("b", beating=True), running("c", beating=True)
    Transcript.objects.filter(id=of_dead_cluster.id).update(started_at=timezone.now())  # just started
    assert services.transcripts_recover_stale()[0] == 1  # the silent one only (its worker is gone)
    assert services.transcripts_recover_stale(dead_cluster="c2")[0] == 0  # another cluster's files stay
    assert services.transcripts_recover_stale(dead_cluster="c1")[0] == 2  # runplatform saw c1 die
    assert set(Transcript.objects.filter(status=Status.RUNNING)) == set()
    assert {silent.id, alive.id, of_dead_cluster.id} == set(Transcript.objects.values_list("id", flat=True))


@pytest.mark.django_db
def test_audio_playback_is_scoped(client, teams, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    transcript = Transcript.objects.create(team=teams["a"], source_name="x.wav", options={})
    services.audio_path(transcript).parent.mkdir(parents=True)
    services.audio_path(transcript).write_bytes(b"RIFF-audio")
    client.force_login(teams["bob"])
    assert b"".join(client.get(f"/transcripts/{transcript.pk}/audio/").streaming_content) == b"RIFF-audio"
    client.force_login(teams["carol"])
    assert client.get(f"/transcripts/{transcript.pk}/audio/").status_code == 404


@pytest.mark.django_db
def test_recovery_runs_on_a_schedule_in_the_cluster():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="transcripts.services.transcripts_recover_stale")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 10, -1)
