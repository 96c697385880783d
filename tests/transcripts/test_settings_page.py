"""系统设置: team defaults that every recognition starts from, and the staff-only system panel."""
import time

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from transcripts import services
from transcripts.engine import TranscribeOptions
from transcripts.models import HotwordLibrary, Status, Transcript

DEFAULTS = {"defaults": "1", "language": "zh", "chinese_script": "traditional", "vad": "silero",
            "max_segment_ms": "20000", "model": "whisper-base"}


@pytest.mark.django_db
def test_team_admins_set_defaults_that_uploads_start_from(client, teams, clips):
    library = HotwordLibrary.objects.create(team=teams["a"], name="产品", terms="通义千问")
    client.force_login(teams["alice"])
    response = client.post("/settings/", {**DEFAULTS, "libraries": [str(library.id)]})
    assert response.status_code == 302
    teams["a"].refresh_from_db()
    assert teams["a"].recognition_defaults["language"] == "zh" and teams["a"].recognition_defaults["itn"] is False
    assert 'value="zh" selected' in client.get("/recognize/").content.decode()

    token = Token.objects.create(user=teams["bob"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with clips["IT0011W0001.wav"].path.open("rb") as audio:
        created = api.post("/api/transcripts/", {"file": audio, "itn": "true"}, format="multipart").json()
    options = Transcript.objects.get(id=created["id"]).options
    assert (options["language"], options["chinese_script"], options["vad"], options["max_segment_ms"]) == \
        ("zh", "traditional", "silero", 20000)
    assert options["itn"] is True and options["hotwords"] == ["通义千问"]  # the request's own choice wins


@pytest.mark.django_db
def test_members_see_the_defaults_but_cannot_change_them(client, teams):
    client.force_login(teams["bob"])
    page = client.get("/settings/").content.decode()
    assert "disabled" in page and 'name="defaults"' not in page and 'id="system-panel"' not in page
    client.post("/settings/", DEFAULTS)
    teams["a"].refresh_from_db()
    assert teams["a"].recognition_defaults == {}


@pytest.mark.django_db
def test_bad_defaults_are_shown_in_place(client, teams):
    client.force_login(teams["alice"])
    response = client.post("/settings/", {**DEFAULTS, "max_segment_ms": "99999", "model": "/etc"})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    teams["a"].refresh_from_db()
    assert teams["a"].recognition_defaults == {}


@pytest.mark.django_db
def test_site_staff_see_the_system_panel_and_purge_finished_audio(client, teams, clips):
    done = services.transcript_create(team=teams["a"], user=teams["bob"], data=clips["IT0011W0001.wav"].path.read_bytes(),
                                      filename="a.wav", options=TranscribeOptions(), enqueue=False)
    theirs = services.transcript_create(team=teams["b"], user=teams["carol"], data=clips["IT0011W0001.wav"].path.read_bytes(),
                                        filename="c.wav", options=TranscribeOptions(), enqueue=False)
    waiting = services.transcript_create(team=teams["a"], user=teams["bob"], data=clips["IT0011W0001.wav"].path.read_bytes(),
                                         filename="b.wav", options=TranscribeOptions(), enqueue=False)
    Transcript.objects.filter(id__in=[done.id, theirs.id]).update(status=Status.DONE)
    teams["alice"].is_staff = True
    teams["alice"].save()
    client.force_login(teams["alice"])
    page = client.get("/settings/").content.decode()
    assert 'id="system-panel"' in page and "whisper-base" in page and "CPU" in page
    client.post("/settings/", {"system": "purge_audio"})
    assert Transcript.objects.get(id=done.id).audio_purged and not services.audio_path(done).exists()
    assert services.audio_path(waiting).exists()  # queued audio is never purged
    assert services.audio_path(theirs).exists()  # nor another team's: alice administers only Alpha
    unloaded = client.post("/settings/", {"system": "unload"}, follow=True).content.decode()
    # says exactly what it did: the web process's models now, the workers' on their next look (issue 17)
    assert "已从本 Web 进程卸载" in unloaded and "已通知工作进程卸载" in unloaded and 'id="worker-models"' in unloaded
    from django.core.cache import cache

    from transcripts.worker_models import _UNLOAD_KEY

    assert cache.get(_UNLOAD_KEY) > time.time() - 60  # the request the workers look for
    client.force_login(teams["bob"])
    client.post("/settings/", {"system": "purge_audio"})  # not staff: ignored
    assert services.audio_path(waiting).exists()


@pytest.mark.django_db
def test_live_sessions_start_from_the_team_defaults(client, teams):
    from transcripts.services.live_sessions import live_options

    teams["a"].recognition_defaults = {"language": "zh", "itn": False, "chinese_script": "traditional"}
    teams["a"].save()
    options, _ = live_options(team=teams["a"], data={})
    assert (options.language, options.itn, options.chinese_script) == ("zh", False, "traditional")
    options, _ = live_options(team=teams["a"], data={"language": "en", "itn": True})
    assert (options.language, options.itn) == ("en", True)
    client.force_login(teams["bob"])
    assert '<option value="zh" selected>' in client.get("/live/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("data,word", [
    ({"itn": "false"}, "itn"), ({"save": 1}, "save"), ({"language": 7}, "language"),
    ({"language": {"nested": "zh"}}, "language"), ({"model": ["whisper-base"]}, "model"),
    ({"libraries": [2**64]}, "libraries"), ({"libraries": [True, "1"]}, "libraries"),
])
def test_live_options_of_the_wrong_type_are_refused_with_a_message(teams, data, word):
    from transcripts.engine.errors import InvalidOptionError
    from transcripts.services.live_sessions import live_options

    with pytest.raises(InvalidOptionError) as refused:
        live_options(team=teams["a"], data=data)
    assert word in refused.value.message
    options, save = live_options(team=teams["a"], data={"itn": False, "save": True})
    assert options.itn is False and save is True
