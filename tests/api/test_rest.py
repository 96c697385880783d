"""/api/: token auth, team scoping, transcripts, jobs, hotword libraries, VAD, teams, system."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership
from tests.speech import zero_channel_wav
from transcripts import services
from transcripts.engine import TranscribeOptions
from transcripts.models import HotwordLibrary, Job, Status, Transcript


def upload(clip, name=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or clip.path.name, clip.path.read_bytes(), content_type="audio/wav")


def stored(teams, clips, team="a", user="bob", name="BAC009S0764W0121.wav", **fields) -> Transcript:
    transcript = services.transcript_create(team=teams[team], user=teams[user], data=clips[name].path.read_bytes(),
                                            filename=name, options=TranscribeOptions(language="zh"), enqueue=False)
    Transcript.objects.filter(id=transcript.id).update(**fields)
    transcript.refresh_from_db()
    return transcript


@pytest.mark.django_db
def test_calls_without_a_valid_token_are_401(client_of, teams):
    from rest_framework.test import APIClient

    anonymous, wrong = APIClient(), APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert anonymous.get("/api/transcripts/").status_code == 401
    response = wrong.get("/api/transcripts/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401 and "token" in response.json()["detail"].lower()
    assert wrong.get("/api/transcripts/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["detail"] == "认证令牌无效。"
    assert client_of("bob").get("/api/transcripts/").status_code == 200


@pytest.mark.django_db
def test_a_path_under_api_that_nothing_answers_is_a_json_404(client_of, client):
    response = client_of("bob").get("/api/nothing-here/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert "<html" in client.get("/nothing-here/").content.decode()  # pages keep the site's page

@pytest.mark.django_db
@pytest.mark.urls("tests.api.failing_urls")
def test_a_server_error_reaches_each_caller_in_its_shape(client):
    client.raise_request_exception = False  # as a real server answers: the handler's response
    api = client.get("/api/fails/")
    assert api.status_code == 500 and "log" in api.json()["detail"]
    openai = client.get("/v1/fails")
    assert openai.status_code == 500 and openai.json()["error"]["type"] == "server_error"
    assert "<html" in client.get("/fails/").content.decode()

@pytest.mark.django_db
def test_an_api_client_that_names_no_language_gets_english(client_of):
    """curl and scripts send no Accept-Language: DRF's messages then match the API's own English
    ones instead of the pages' default, Chinese; a client that asks for Chinese gets it."""
    bob = client_of("bob")
    def empty() -> dict:
        return {"file": SimpleUploadedFile("empty.wav", b"")}

    assert bob.post("/api/transcripts/", empty(), format="multipart").json()["file"] == ["The submitted file is empty."]
    assert bob.post("/api/transcripts/", empty(), format="multipart",
                    HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").json()["file"] == ["提交的是空文件。"]


@pytest.mark.django_db(transaction=True)
def test_upload_is_queued_for_the_callers_team(client_of, teams, clips):
    response = client_of("bob").post("/api/transcripts/", {"file": upload(clips["BAC009S0764W0121.wav"]),
                                                           "language": "zh", "hotwords": "交易, 房地产"},
                                     format="multipart")
    assert response.status_code == 202, response.content
    body = response.json()
    transcript = Transcript.objects.get(id=body["id"])
    assert transcript.team == teams["a"] and transcript.created_by == teams["bob"]
    assert body["status"] in ("queued", "done")  # tests run tasks synchronously
    assert transcript.options["hotwords"] == ["交易", "房地产"] and transcript.options["language"] == "zh"
    assert response["Location"] == f"/api/transcripts/{transcript.id}/"


@pytest.mark.django_db
def test_another_teams_objects_are_404(client_of, teams, clips):
    theirs = stored(teams, clips, team="b", user="carol", status=Status.DONE, text="secret")
    job = Job.objects.create(team=teams["b"], created_by=teams["carol"])
    library = HotwordLibrary.objects.create(team=teams["b"], name="theirs", terms="机密")
    carol_in_b = Membership.objects.get(user=teams["carol"]).id
    bob = client_of("bob")
    for url in (f"/api/transcripts/{theirs.id}/", f"/api/transcripts/{theirs.id}/download/txt/",
                f"/api/jobs/{job.id}/", f"/api/jobs/{job.id}/results/", f"/api/hotword-libraries/{library.id}/",
                f"/api/teams/{teams['b'].id}/members/"):
        assert bob.get(url).status_code == 404, url
    assert bob.delete(f"/api/transcripts/{theirs.id}/").status_code == 404
    assert bob.post(f"/api/jobs/{job.id}/cancel/").status_code == 404
    assert client_of("alice").delete(f"/api/teams/{teams['a'].id}/members/{carol_in_b}/").status_code == 404
    assert bob.get("/api/transcripts/", {"team": teams["b"].id}).status_code == 404  # not bob's team
    assert Transcript.objects.filter(id=theirs.id).exists() and Job.objects.filter(id=job.id, status="queued").exists()
    assert "secret" not in bob.get("/api/transcripts/", {"q": "secret"}).content.decode()


@pytest.mark.django_db
def test_list_searches_filters_and_pages(client_of, teams, clips):
    for i in range(3):
        stored(teams, clips, status=Status.DONE, text=f"第{i}次 交易 会议", language="zh")
    stored(teams, clips, status=Status.DONE, text="weather report", language="en")
    bob = client_of("bob")
    page = bob.get("/api/transcripts/", {"q": "交易", "page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert bob.get("/api/transcripts/", {"language": "en"}).json()["count"] == 1
    assert bob.get("/api/transcripts/", {"from": "yesterday"}).status_code == 400
    detail = bob.get(f"/api/transcripts/{page['results'][0]['id']}/").json()
    assert "segments" in detail and "options" in detail


@pytest.mark.django_db
def test_downloads_in_each_format_and_409_until_done(client_of, teams, clips):
    segments = [{"start": 0.0, "end": 1.5, "text": "二零二五年", "itn_text": "2025年", "channel": None, "words": []}]
    done = stored(teams, clips, status=Status.DONE, text="二零二五年", itn_text="2025年", language="zh",
                  duration=1.5, segments=segments)
    queued = stored(teams, clips)
    bob = client_of("bob")
    srt = bob.get(f"/api/transcripts/{done.id}/download/srt/")
    assert srt.status_code == 200 and "00:00:00,000 --> 00:00:01,500\n2025年" in srt.content.decode()
    assert bob.get(f"/api/transcripts/{done.id}/download/vtt/").content.decode().startswith("WEBVTT")
    assert "2025年" in bob.get(f"/api/transcripts/{done.id}/download/csv/").content.decode()
    assert bob.get(f"/api/transcripts/{done.id}/download/txt/").content.decode() == "2025年\n"
    assert bob.get(f"/api/transcripts/{done.id}/download/json/").json()["itn_text"] == "2025年"
    assert bob.get(f"/api/transcripts/{done.id}/download/docx/").status_code == 404
    assert bob.get(f"/api/transcripts/{queued.id}/download/txt/").status_code == 409


DIARISED = [
    {"start": 0.0, "end": 1.0, "text": "你好。", "itn_text": "你好。", "speaker": "S1", "language": "zh"},
    {"start": 1.2, "end": 2.0, "text": "在吗？", "itn_text": "在吗？", "speaker": "S2", "language": "zh",
     "avg_logprob": -0.42, "no_speech_prob": 0.01, "compression_ratio": 0.8, "temperature": 0.0},
    {"start": 2.5, "end": 3.0, "text": "在。", "itn_text": "在。", "speaker": "S1", "language": "zh"},
]


@pytest.mark.django_db
def test_speakers_are_named_and_moved_and_every_download_uses_them(client_of, teams, clips):
    done = stored(teams, clips, status=Status.DONE, language="zh", duration=3.0, segments=DIARISED)
    bob = client_of("bob")
    response = bob.patch(f"/api/transcripts/{done.id}/",
                         {"speaker_names": {"S1": "张经理"}, "segments": {"2": {"speaker": "S2"}}}, format="json")
    assert response.status_code == 200 and response.json()["speaker_names"] == {"S1": "张经理"}
    assert [s["speaker"] for s in response.json()["segments"]] == ["S1", "S2", "S2"]
    txt = bob.get(f"/api/transcripts/{done.id}/download/txt/").content.decode()
    assert txt == "张经理: 你好。\nS2: 在吗？在。\n"
    rttm = bob.get(f"/api/transcripts/{done.id}/download/rttm/").content.decode().splitlines()
    assert rttm[0] == "SPEAKER audio 1 0.000 1.000 <NA> <NA> 张经理 <NA> <NA>" and len(rttm) == 3
    assert "<v 张经理>你好。" in bob.get(f"/api/transcripts/{done.id}/download/vtt/").content.decode()
    # S1 no longer speaks once its last segment moves, and its name goes with it
    assert bob.patch(f"/api/transcripts/{done.id}/", {"segments": {"0": {"speaker": "S2"}}},
                     format="json").json()["speaker_names"] == {}


@pytest.mark.django_db
def test_corrections_are_revisions_used_everywhere_and_the_original_comes_back(client_of, teams, clips):
    done = stored(teams, clips, status=Status.DONE, language="zh", duration=3.0, segments=DIARISED,
                  text="你好。在吗？在。", itn_text="你好。在吗？在。")
    bob = client_of("bob")
    assert bob.get(f"/api/transcripts/{done.id}/").json()["edited"] is None
    edited = bob.patch(f"/api/transcripts/{done.id}/", {"segments": {"1": {"text": "在 吗？ 张经理"}}},
                       format="json").json()
    assert edited["segments"][1]["text"] == edited["segments"][1]["itn_text"] == "在 吗？ 张经理"
    # the decoder's scores were of the recogniser's text, not of the correction
    assert edited["segments"][1]["avg_logprob"] is None and edited["segments"][1]["temperature"] is None
    assert edited["itn_text"] == "你好。在 吗？ 张经理在。" and edited["edited"]["by"] == "bob"
    assert edited["edited"]["revisions"] == 1
    assert "张经理" in bob.get(f"/api/transcripts/{done.id}/download/srt/").content.decode()
    assert [t["id"] for t in bob.get("/api/transcripts/?q=张经理").json()["results"]] == [done.id]
    revisions = bob.get(f"/api/transcripts/{done.id}/revisions/").json()
    assert [r["number"] for r in revisions] == [1, 0] and revisions[1]["itn_text"] == "你好。在吗？在。"
    assert revisions[1]["created_by"] is None  # the recogniser's output
    restored = bob.post(f"/api/transcripts/{done.id}/revisions/0/restore/").json()
    assert restored["itn_text"] == "你好。在吗？在。" and restored["segments"] == DIARISED
    assert restored["edited"]["restored"] == 0 and restored["edited"]["revisions"] == 2
    assert bob.get("/api/transcripts/?q=张经理").json()["count"] == 0
    # the same text again records nothing
    assert bob.patch(f"/api/transcripts/{done.id}/", {"segments": {"0": {"text": "你好。"}}},
                     format="json").json()["edited"]["revisions"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize("body, message", [
    ({"speaker_names": {"S9": "x"}}, "does not speak"),
    ({"speaker_names": {"Bob": "x"}}, "labelled S1 to S20"),
    ({"segments": {"7": {"speaker": "S1"}}}, "no segment"),
    ({"segments": {"0": {"speaker": "S21"}}}, "labelled S1 to S20"),
    ({"segments": {"0": {"text": "   "}}}, "'text'"),
    ({"segments": {"0": {"text": "x" * 2001}}}, "2000"),
    ({"segments": {"0": {"text": "ok"}, "1": {"speaker": "S0"}}}, "labelled S1 to S20"),
    ({"speaker_names": {"S1": "x" * 61}}, "60"),
    ({}, "segments, speaker_names"),
])
def test_bad_corrections_are_400_and_change_nothing(client_of, teams, clips, body, message):
    done = stored(teams, clips, status=Status.DONE, segments=DIARISED, speaker_names={"S2": "李"})
    response = client_of("bob").patch(f"/api/transcripts/{done.id}/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and message in str(response.json())
    done.refresh_from_db()
    assert done.segments == DIARISED and done.speaker_names == {"S2": "李"} and not done.revisions.exists()


@pytest.mark.django_db
def test_viewers_cannot_correct_and_other_teams_cannot_see(client_of, teams, clips):
    done = stored(teams, clips, status=Status.DONE, segments=DIARISED)
    theirs = stored(teams, clips, team="b", user="carol", status=Status.DONE, segments=DIARISED)
    bob = client_of("bob")
    assert bob.patch(f"/api/transcripts/{theirs.id}/", {"speaker_names": {"S1": "x"}}, format="json").status_code == 404
    assert bob.get(f"/api/transcripts/{theirs.id}/revisions/").status_code == 404
    assert bob.post(f"/api/transcripts/{theirs.id}/revisions/0/restore/").status_code == 404
    assert bob.post(f"/api/transcripts/{done.id}/revisions/0/restore/").status_code == 400  # never edited
    Membership.objects.filter(user=teams["bob"]).update(role=Membership.Role.VIEWER)
    assert bob.patch(f"/api/transcripts/{done.id}/", {"speaker_names": {"S1": "x"}}, format="json").status_code == 403
    done.refresh_from_db()
    assert done.speaker_names == {}
    queued = stored(teams, clips)
    assert client_of("alice").patch(f"/api/transcripts/{queued.id}/", {"segments": {"0": {"text": "x"}}},
                                    format="json").status_code in (400, 404)


@pytest.mark.django_db
def test_delete_removes_the_row_and_its_audio_and_viewers_cannot(client_of, teams, clips):
    transcript = stored(teams, clips)
    path = services.audio_path(transcript)
    Membership.objects.filter(user=teams["bob"]).update(role=Membership.Role.VIEWER)
    assert client_of("bob").delete(f"/api/transcripts/{transcript.id}/").status_code == 403
    assert path.exists()
    assert client_of("alice").delete(f"/api/transcripts/{transcript.id}/").status_code == 204
    assert not path.exists() and not Transcript.objects.filter(id=transcript.id).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("payload, field", [
    ({}, "file"),
    ({"language": "klingon"}, "language"),
    ({"model": "/etc"}, "model"),
    ({"chinese_script": "cyrillic"}, "chinese_script"),
    ({"vad": "magic"}, "vad"),
    ({"libraries": "x"}, "libraries"),
    ({"max_cue_seconds": "0.5"}, "max_cue_seconds"),
    ({"max_line_chars": "4"}, "max_line_chars"),
    ({"max_line_chars": "abc"}, "max_line_chars"),
    ({"num_speakers": "0"}, "num_speakers"),
    ({"max_speakers": "21"}, "max_speakers"),
    ({"min_speakers": "3", "max_speakers": "2"}, "max_speakers"),
    ({"num_speakers": "2", "min_speakers": "1"}, "num_speakers"),
    ({"diarize": "perhaps"}, "diarize"),
])
def test_invalid_options_are_400_with_the_field(client_of, teams, clips, payload, field):
    data = {"file": upload(clips["IT0011W0001.wav"]), **payload} if field != "file" else payload
    response = client_of("bob").post("/api/transcripts/", data, format="multipart")
    assert response.status_code == 400 and field in response.json()
    assert not Transcript.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("content, status, code", [
    (b"", 400, None),                                      # DRF: "The submitted file is empty."
    (b"\x00garbage" * 500, 415, "undecodable_audio"),
    (b"%PDF-1.4\n" + b"x" * 4000, 415, "undecodable_audio"),
    (zero_channel_wav(), 400, "damaged_audio"),            # a damaged header, refused before it is stored
])
def test_bad_uploads_are_refused_with_a_message(client_of, teams, content, status, code):
    response = client_of("bob").post("/api/transcripts/", {"file": SimpleUploadedFile("a.wav", content)},
                                     format="multipart")
    assert response.status_code == status, response.content
    body = response.json()
    message = body.get("detail") or body.get("file")[0]
    assert message and "Traceback" not in str(body)
    assert not Transcript.objects.exists()


@pytest.mark.django_db
def test_upload_over_the_size_limit_is_413(client_of, teams, clips, settings):
    settings.ASR_MAX_UPLOAD_BYTES = 1000
    response = client_of("bob").post("/api/transcripts/", {"file": upload(clips["IT0011W0001.wav"])},
                                     format="multipart")
    assert response.status_code == 413 and "limit" in response.json()["detail"]


@pytest.mark.django_db  # in a test transaction nothing is handed to the queue: the files stay queued
def test_job_with_several_files_progress_results_and_cancel(client_of, teams, clips):
    bob = client_of("bob")
    response = bob.post("/api/jobs/", {"files": [upload(clips["IT0011W0001.wav"]), upload(clips["BAC009S0764W0121.wav"]),
                                                 SimpleUploadedFile("broken.mp3", b"not audio")],
                                       "language": "zh"}, format="multipart")
    assert response.status_code == 202, response.content
    snapshot = response.json()
    assert (snapshot["total"], snapshot["done"]) == (3, 1)  # the broken file failed on arrival
    job_id = snapshot["job"]
    assert bob.get(f"/api/jobs/{job_id}/").json()["files"][2]["status"] == "failed"
    assert bob.post(f"/api/jobs/{job_id}/cancel/").json() == {"cancelled": 2}
    results = bob.get(f"/api/jobs/{job_id}/results/").json()
    assert [r["status"] for r in results] == ["cancelled", "cancelled", "failed"]
    assert bob.get(f"/api/jobs/{job_id}/export/")["Content-Type"] == "application/zip"
    assert bob.get("/api/jobs/").json()["count"] == 1


@pytest.mark.django_db
def test_hotword_libraries_admins_write_members_read(client_of, teams):
    alice, bob = client_of("alice"), client_of("bob")
    created = alice.post("/api/hotword-libraries/", {"name": "产品", "terms": "退费流程 20\n会员卡"}, format="json")
    assert created.status_code == 201, created.content
    library_id = created.json()["id"]
    assert bob.get("/api/hotword-libraries/").json()["results"][0]["name"] == "产品"
    assert bob.post("/api/hotword-libraries/", {"name": "x", "terms": "y"}, format="json").status_code == 403
    assert bob.patch(f"/api/hotword-libraries/{library_id}/", {"terms": "z"}, format="json").status_code == 403
    duplicate = alice.post("/api/hotword-libraries/", {"name": "产品", "terms": "a"}, format="json")
    assert duplicate.status_code == 400 and "already" in str(duplicate.json()["name"])
    bad_weight = alice.patch(f"/api/hotword-libraries/{library_id}/", {"terms": "退费 500"}, format="json")
    assert bad_weight.status_code == 400
    assert alice.patch(f"/api/hotword-libraries/{library_id}/", {"terms": "会员卡"}, format="json").status_code == 200
    assert HotwordLibrary.objects.get(id=library_id).terms == "会员卡"
    assert alice.delete(f"/api/hotword-libraries/{library_id}/").status_code == 204


@pytest.mark.django_db
def test_vad_on_an_upload(client_of, teams, clips):
    response = client_of("bob").post("/api/vad/", {"file": upload(clips["BAC009S0764W0121.wav"]), "model": "fsmn"},
                                     format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["segments"] and all(s["end_ms"] - s["start_ms"] == s["duration_ms"] > 0 for s in body["segments"])
    assert body["segments"][-1]["end_ms"] <= body["duration_ms"]
    assert client_of("bob").post("/api/vad/", {"file": upload(clips["IT0011W0001.wav"]), "threshold": 2},
                                 format="multipart").status_code == 400
    damaged = client_of("bob").post("/api/vad/", {"file": SimpleUploadedFile("a.wav", zero_channel_wav())},
                                    format="multipart")
    assert damaged.status_code == 400 and "damaged" in str(damaged.json())


@pytest.mark.django_db
def test_team_admins_manage_members(client_of, teams):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("dave", password="x" * 12)
    alice, bob, team = client_of("alice"), client_of("bob"), teams["a"].id
    assert [t["role"] for t in bob.get("/api/teams/").json()] == ["member"]
    assert bob.get(f"/api/teams/{team}/members/").status_code == 404
    added = alice.post(f"/api/teams/{team}/members/", {"username": "dave", "role": "viewer"}, format="json")
    assert added.status_code == 201 and added.json()["role"] == "viewer"
    assert alice.post(f"/api/teams/{team}/members/", {"username": "nobody"}, format="json").status_code == 400
    member = added.json()["id"]
    assert alice.patch(f"/api/teams/{team}/members/{member}/", {"role": "member"}, format="json").json()["role"] == "member"
    alice_id = Membership.objects.get(user=teams["alice"]).id
    last_admin = alice.patch(f"/api/teams/{team}/members/{alice_id}/", {"role": "member"}, format="json",
                             HTTP_ACCEPT_LANGUAGE="en")
    assert last_admin.status_code == 400 and "at least one admin" in last_admin.json()["detail"]
    in_chinese = alice.patch(f"/api/teams/{team}/members/{alice_id}/", {"role": "member"}, format="json",
                             HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert in_chinese.json()["detail"] == "团队至少需要一位管理员：请先把其他人设为管理员。"
    assert alice.delete(f"/api/teams/{team}/members/{member}/").status_code == 204
    assert [m["username"] for m in alice.get(f"/api/teams/{team}/members/").json()] == ["alice", "bob"]


@pytest.mark.django_db
def test_system_info_and_cache_clearing_for_site_admins(client_of, teams):
    info = client_of("bob").get("/api/system/").json()
    assert info["device"]["in_use"] == "cpu" and info["devices_present"]["cpu_cores"] >= 1 and info["default_model"]
    assert {"queued", "running"} <= set(info["queue"])
    assert any(m["name"] == "whisper-base" for m in info["models"])
    assert client_of("bob").post("/api/system/clear-cache/").status_code == 403
    teams["alice"].is_staff = True
    teams["alice"].save()
    assert "unloaded_models" in client_of("alice").post("/api/system/clear-cache/").json()


@pytest.mark.django_db
def test_requests_over_the_rate_get_429(client_of, teams, settings):
    settings.ASR_API_RATE = "3/min"
    bob = client_of("bob")
    assert [bob.get("/api/teams/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client_of("alice").get("/api/teams/").status_code == 200  # counted per token


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/transcripts/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower() and "https://" not in docs


@pytest.mark.django_db
def test_malformed_bodies_are_400_with_a_message(client_of, teams, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [SimpleUploadedFile(f"{i}.wav", b"x") for i in range(3)]
    too_many = client_of("bob").post("/api/jobs/", {"files": files}, format="multipart")
    assert too_many.status_code == 400 and "could not be read" in too_many.json()["detail"]
    broken = client_of("bob").generic("POST", "/api/transcripts/", b"--XX\r\nnonsense",
                                      content_type="multipart/form-data; boundary=")
    assert broken.status_code == 400 and broken.json()["detail"]


@pytest.mark.django_db
def test_the_token_page_creates_replaces_and_deletes_the_users_token(client, teams):
    from rest_framework.authtoken.models import Token

    client.force_login(teams["bob"])
    assert "创建令牌" in client.get("/account/token/").content.decode()
    client.post("/account/token/", {"action": "create"})
    first = Token.objects.get(user=teams["bob"]).key
    assert first in client.get("/account/token/").content.decode()
    client.post("/account/token/", {"action": "rotate"})
    second = Token.objects.get(user=teams["bob"]).key
    assert second != first
    from rest_framework.test import APIClient
    old = APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert old.get("/api/teams/").status_code == 401
    client.post("/account/token/", {"action": "delete"})
    assert not Token.objects.filter(user=teams["bob"]).exists()


@pytest.mark.django_db
def test_drf_create_token_makes_a_token_the_api_accepts(teams, capsys):
    from django.core.management import call_command
    from rest_framework.test import APIClient

    call_command("drf_create_token", "bob")
    key = capsys.readouterr().out.split()[2]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert [t["name"] for t in client.get("/api/teams/").json()] == ["Alpha"]


@pytest.mark.django_db
def test_system_info_hides_paths_and_other_teams_queues_from_non_staff(client_of, teams):
    from transcripts.models import Transcript

    Transcript.objects.create(team=teams["b"], source_name="beta.wav", options={}, status="queued")
    mine = client_of("bob").get("/api/system/").json()
    assert mine["queue"]["queued"] == 0  # Beta's queued file is not his business
    assert all("path" not in model for model in mine["models"])
    assert client_of("carol").get("/api/system/").json()["queue"]["queued"] == 1


@pytest.mark.django_db
def test_ids_and_dates_no_database_can_hold_are_clear_400s_not_500s(client_of, teams, clips):
    huge = str(2**64)
    bob, alice = client_of("bob"), client_of("alice")
    team = teams["a"].id
    assert bob.get("/api/transcripts/", {"owner": huge}).status_code == 400
    assert "owner" in bob.get("/api/transcripts/", {"owner": huge}).json()
    impossible = bob.get("/api/transcripts/", {"from": "2025-13-45"})
    assert impossible.status_code == 400 and "YYYY-MM-DD" in str(impossible.json()["from"])
    assert bob.get("/api/transcripts/", HTTP_X_TEAM=huge).status_code == 400
    assert alice.get(f"/api/teams/{huge}/members/").status_code == 404
    assert alice.delete(f"/api/teams/{team}/members/{huge}/").status_code == 404
    refused = bob.post("/api/transcripts/", {"file": upload(clips["IT0011W0001.wav"]), "libraries": [huge]})
    assert refused.status_code == 400 and "libraries" in refused.json()
    many_words = " ".join(f"w{i}" for i in range(2000))  # each word was one more SQL condition: a 500
    searched = bob.get("/api/transcripts/", {"q": many_words})
    assert searched.status_code == 400 and "at most 20 words" in str(searched.json()["q"])
    assert bob.get("/api/transcripts/", {"q": " ".join(["交易"] * 20)}).status_code == 200
    nested = "[" * 100_000 + "]" * 100_000  # json raised RecursionError: a 500
    for url in ("/api/hotword-libraries/", f"/api/teams/{team}/members/"):
        response = alice.generic("POST", url, nested, content_type="application/json")
        assert response.status_code == 400 and "nested too deeply" in response.json()["detail"], url


@pytest.mark.django_db
def test_pages_answer_bad_ids_dates_and_roles_with_a_400(client, teams):
    huge = str(2**64)
    client.force_login(teams["alice"])
    for params in ({"owner": huge}, {"from": "2025-13-45"}, {"to": "tomorrow"},
                   {"q": " ".join(f"w{i}" for i in range(2000))}):
        response = client.get("/history/", params)
        assert response.status_code == 400 and b"Traceback" not in response.content, params
    assert client.get("/history/export.csv", {"id": huge}).status_code == 200  # no such id: nothing exported
    assert client.post("/team/members/", {"username": "carol", "role": "abc"}).status_code == 400
    assert client.post("/team/members/", {"remove": huge}).status_code == 400
