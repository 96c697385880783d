"""The audio store stays under its limit without losing text or queued work."""
import pytest

from transcripts import services
from transcripts.engine import TranscribeOptions
from transcripts.models import Status, Transcript


def upload(teams, clip):
    return services.transcript_create(team=teams["a"], user=teams["bob"], data=clip.path.read_bytes(),
                                      filename=clip.path.name, options=TranscribeOptions())


@pytest.mark.django_db
def test_oldest_finished_audio_makes_room_and_keeps_its_text(teams, clips, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clip = clips["IT0011W0001.wav"]
    size = clip.path.stat().st_size
    settings.ASR_AUDIO_STORE_BYTES = 2 * size + size // 2
    old, newer = upload(teams, clip), upload(teams, clip)
    Transcript.objects.filter(id__in=[old.id, newer.id]).update(status=Status.DONE, text="换一首歌")
    third = upload(teams, clip)
    old.refresh_from_db(), newer.refresh_from_db()
    assert old.audio_purged and not services.audio_path(old).exists() and old.text == "换一首歌"
    assert not newer.audio_purged and services.audio_path(newer).exists()
    assert services.audio_path(third).exists()


@pytest.mark.django_db
def test_queued_audio_is_never_dropped_the_upload_is_refused_instead(teams, clips, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clip = clips["IT0011W0001.wav"]
    settings.ASR_AUDIO_STORE_BYTES = clip.path.stat().st_size * 3 // 2
    queued = upload(teams, clip)
    with pytest.raises(services.AudioStoreFullError, match="ASR_AUDIO_STORE_MB"):
        upload(teams, clip)
    assert list(Transcript.objects.values_list("id", flat=True)) == [queued.id]
    assert services.audio_path(queued).exists()
