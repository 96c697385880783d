"""Stored audio is served with byte ranges, so the player on the transcript page can seek."""
import pytest

from asrplatform.ranges import requested_range
from tests.api.test_rest import stored
from transcripts import services
from transcripts.models import Transcript


@pytest.mark.parametrize("header, expected", [
    ("bytes=0-99", (0, 99)), ("bytes=100-", (100, 999)), ("bytes=-100", (900, 999)), ("bytes=900-5000", (900, 999)),
    ("bytes=-5000", (0, 999)), ("", None), ("bytes=0-9,20-29", None), ("items=0-9", None), ("bytes=-", None),
])
def test_single_ranges_are_read_and_others_mean_the_whole_file(header, expected):
    assert requested_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5-4", "bytes=-0"])
def test_unsatisfiable_ranges_raise(header):
    with pytest.raises(ValueError):
        requested_range(header, 1000)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/transcripts/{id}/audio/", "/api/transcripts/{id}/audio/"])
def test_the_page_and_the_api_serve_ranges_with_the_real_media_type(client, teams, clips, url):
    transcript = stored(teams, clips, name="BAC009S0764W0121.wav")
    data = clips["BAC009S0764W0121.wav"].path.read_bytes()
    client.force_login(teams["bob"])
    address = url.format(id=transcript.id)
    whole = client.get(address)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes" and whole["Content-Type"] == "audio/wav"
    assert b"".join(whole.streaming_content) == data and whole["Content-Length"] == str(len(data))
    part = client.get(address, HTTP_RANGE="bytes=1000-1999")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 1000-1999/{len(data)}"
    assert b"".join(part.streaming_content) == data[1000:2000] and part["Content-Length"] == "1000"
    tail = client.get(address, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == data[-10:]
    beyond = client.get(address, HTTP_RANGE=f"bytes={len(data)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(data)}"


@pytest.mark.django_db
def test_mp3_is_audio_mpeg_and_purged_audio_is_404(client, teams, clips):
    transcript = stored(teams, clips, name="hotwords.mp3")
    client.force_login(teams["bob"])
    assert client.get(f"/api/transcripts/{transcript.id}/audio/")["Content-Type"] == "audio/mpeg"
    services.audio_path(transcript).unlink()
    Transcript.objects.filter(id=transcript.id).update(audio_purged=True)
    assert client.get(f"/api/transcripts/{transcript.id}/audio/").status_code == 404
    assert client.get(f"/transcripts/{transcript.id}/audio/").status_code == 404


@pytest.mark.django_db
def test_another_teams_audio_is_404(client, teams, clips):
    theirs = stored(teams, clips, team="b", user="carol")
    client.force_login(teams["bob"])
    assert client.get(f"/transcripts/{theirs.id}/audio/", HTTP_RANGE="bytes=0-9").status_code == 404
    assert client.get(f"/api/transcripts/{theirs.id}/audio/").status_code == 404
