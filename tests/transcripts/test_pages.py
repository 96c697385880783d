"""The pages so far: log in, recognise a file, find it again, and nothing of another team."""
import re

import pytest

from accounts.current import SESSION_KEY
from transcripts.models import Status, Transcript

PAGES = ["/recognize/", "/history/"]


@pytest.fixture
def done(teams):
    """A finished transcript in each team."""
    rows = {}
    for key in ("a", "b"):
        rows[key] = Transcript.objects.create(
            team=teams[key], source_name=f"{key}-call.wav", status=Status.DONE, text=f"{key} 的文本",
            itn_text=f"{key} 的文本", language="zh", duration=2.0, options={},
            segments=[{"start": 0.0, "end": 2.0, "text": f"{key} 的文本", "itn_text": f"{key} 的文本", "channel": None,
                       "words": []}],
        )
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_pages_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_login_page_logs_in(client, teams):
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": "bob", "password": "x" * 12})
    assert response.status_code == 302 and response["Location"] == "/recognize/"


@pytest.mark.django_db
def test_each_user_sees_exactly_their_teams_rows(client, teams, done):
    for user, mine, theirs in (("bob", "a-call.wav", "b-call.wav"), ("carol", "b-call.wav", "a-call.wav")):
        client.force_login(teams[user])
        page = client.get("/history/").content.decode()
        assert mine in page and theirs not in page


@pytest.mark.django_db
def test_guessed_urls_of_another_teams_transcript_answer_404(client, teams, done):
    client.force_login(teams["carol"])
    assert client.get(f"/transcripts/{done['a'].pk}/").status_code == 404
    assert client.get(f"/transcripts/{done['a'].pk}/download/srt/").status_code == 404
    assert client.get(f"/transcripts/{done['b'].pk}/").status_code == 200


@pytest.mark.django_db
def test_switching_to_a_team_you_are_not_in_is_refused(client, teams):
    client.force_login(teams["bob"])
    assert client.post("/team/switch/", {"team_id": teams["b"].id}).status_code == 404
    assert client.session.get(SESSION_KEY) is None


@pytest.mark.django_db
def test_download_srt_parses(client, teams, done):
    client.force_login(teams["bob"])
    response = client.get(f"/transcripts/{done['a'].pk}/download/srt/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert re.search(r"00:00:00,000 --> 00:00:02,000\na 的文本", response.content.decode())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_upload_on_the_page_is_recognised(client, teams, clips):
    client.force_login(teams["bob"])
    with open(clips["IT0011W0001.wav"].path, "rb") as audio:
        response = client.post("/recognize/", {"audio": audio, "language": "zh", "itn": "on",
                                               "chinese_script": "simplified"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "换一首歌" in page and 'data-status="done">已完成<' in page


@pytest.mark.django_db(transaction=True)
def test_a_corrupt_upload_is_an_error_in_place_and_nothing_is_stored(client, teams, tmp_path):
    client.force_login(teams["bob"])
    bad = tmp_path / "x.mp3"
    bad.write_bytes(b"ID3" + b"\x00" * 300)
    with open(bad, "rb") as audio:
        response = client.post("/recognize/", {"audio": audio, "language": "auto", "chinese_script": "simplified"})
    assert response.status_code == 400
    assert "无法把这个文件读取为音频或视频" in response.content.decode()
    assert Transcript.objects.count() == 0


@pytest.mark.django_db
def test_forms_carry_csrf_protection(teams):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(teams["bob"])
    assert client.post("/recognize/", {}).status_code == 403


DIARISED = [
    {"start": 0.0, "end": 1.0, "text": "你好。", "itn_text": "你好。", "speaker": "S1", "language": "zh"},
    {"start": 1.2, "end": 2.0, "text": "在吗？", "itn_text": "在吗？", "speaker": "S2", "language": "zh"},
]


@pytest.mark.django_db
def test_speakers_are_coloured_named_and_moved_on_the_detail_page(client, teams, done):
    from accounts.models import Membership

    Transcript.objects.filter(pk=done["a"].pk).update(segments=DIARISED)
    client.force_login(teams["bob"])
    page = client.get(f"/transcripts/{done['a'].pk}/").content.decode()
    assert 'class="speaker spk-1">S1<' in page and 'class="speaker spk-2">S2<' in page
    assert 'name="speaker-1"' in page and "RTTM" in page and 'contenteditable="plaintext-only"' in page
    response = client.post(f"/transcripts/{done['a'].pk}/edit/",
                           {"name-S1": "张经理", "name-S2": "", "speaker-0": "S1", "speaker-1": "S3"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'value="张经理"' in page and "S3" in page and 'id="edited"' in page
    txt = client.get(f"/transcripts/{done['a'].pk}/download/txt/").content.decode()
    assert txt == "张经理: 你好。\nS3: 在吗？\n"
    Membership.objects.filter(user=teams["bob"]).update(role=Membership.Role.VIEWER)
    page = client.get(f"/transcripts/{done['a'].pk}/").content.decode()
    assert "张经理" in page and 'name="speaker-1"' not in page and "editor-form" not in page
    assert "contenteditable" not in page and "Revert" not in page and "恢复" not in page
    assert client.post(f"/transcripts/{done['a'].pk}/edit/", {"name-S1": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_corrected_segment_is_saved_shown_as_edited_and_reverted(client, teams, done):
    client.force_login(teams["bob"])
    url = f"/transcripts/{done['a'].pk}/"
    client.post(f"{url}edit/", {"text-0": "a 的 正确文本"})
    page = client.get(url).content.decode()
    assert "a 的 正确文本" in page and "bob" in page and 'id="edited"' in page
    assert client.get("/history/", {"q": "正确文本"}).content.decode().count(f'href="{url}"') == 1
    client.post(f"{url}restore/0/")
    page = client.get(url).content.decode()
    table = page.split('id="segments"')[1]
    assert "正确文本" not in table and "a 的文本" in table
    assert Transcript.objects.get(pk=done["a"].pk).revisions.count() == 3
    empty = client.post(f"{url}edit/", {"text-0": "  "}, follow=True).content.decode()
    assert "第 0 段会变成空的" in empty


@pytest.mark.django_db
def test_text_the_recogniser_was_unsure_of_is_marked_until_a_person_corrects_it(client, teams, done):
    transcript = done["a"]
    scores = [-1.2, -0.3, None]  # under UNSURE_AVG_LOGPROB, over it, none (a FunASR model's)
    transcript.segments = [{"start": float(i), "end": i + 1.0, "text": f"第{i}段", "itn_text": f"第{i}段",
                            "avg_logprob": score} for i, score in enumerate(scores)]
    transcript.save()
    client.force_login(teams["bob"])
    url = f"/transcripts/{transcript.pk}/"
    page = client.get(url).content.decode()
    assert page.count('class="unsure"') == 1 and "1 个分段识别把握不大" in page
    rows = page.split('id="segments"')[1].split("<tr")[2:]
    assert [' class="unsure"' in row for row in rows] == [True, False, False]
    client.post(f"{url}edit/", {"text-0": "第零段"})
    page = client.get(url).content.decode()
    assert 'class="unsure"' not in page and "把握不大" not in page


@pytest.mark.django_db
def test_impossible_speaker_counts_are_form_errors(client, teams, clips):
    client.force_login(teams["bob"])
    with open(clips["IT0011W0001.wav"].path, "rb") as audio:
        response = client.post("/recognize/", {"audio": audio, "language": "zh", "chinese_script": "simplified",
                                               "min_speakers": "4", "max_speakers": "2"})
    assert "不能少于最少说话人数。" in response.content.decode()
    assert Transcript.objects.count() == 0


@pytest.mark.django_db
def test_upload_pages_name_languages_and_offer_model_vad_and_speakers(client, teams):
    client.force_login(teams["bob"])
    for url in ("/recognize/", "/batch/"):
        page = client.get(url).content.decode()
        assert '<option value="auto" selected>自动检测</option>' in page
        assert '<option value="zh">中文</option>' in page and '<option value="ja">日本語</option>' in page
        assert '<option value="en">English</option>' in page
        assert '<textarea name="hotwords"' in page and 'name="model"' in page and 'name="vad"' in page
        assert 'name="diarize"' in page and 'name="num_speakers"' in page and "js/upload.js" in page
