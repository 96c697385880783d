import csv
import io
import json

import pytest

from transcripts.models import Status, Transcript


@pytest.fixture
def history_rows(teams):
    make = lambda team, name, text, language: Transcript.objects.create(  # noqa: E731
        team=team, created_by=teams["bob"], source_name=name, status=Status.DONE, text=text, itn_text=text,
        language=language, options={}, segments=[])
    return {
        "zh": make(teams["a"], "meeting.wav", "甚至出现交易几乎停滞的情况", "zh"),
        "en": make(teams["a"], "speech.flac", "ask not what your country can do for you", "en"),
        "other": make(teams["b"], "secret.wav", "交易机密 country", "zh"),
    }


@pytest.mark.django_db
def test_search_finds_chinese_by_two_characters_and_english_by_a_word(client, teams, history_rows):
    client.force_login(teams["bob"])
    page = client.get("/history/", {"q": "交易"}).content.decode()
    assert "meeting.wav" in page and "speech.flac" not in page and "secret.wav" not in page
    page = client.get("/history/", {"q": "country"}).content.decode()
    assert "speech.flac" in page and "meeting.wav" not in page and "secret.wav" not in page


@pytest.mark.django_db
def test_filters(client, teams, history_rows):
    client.force_login(teams["bob"])
    page = client.get("/history/", {"language": "en"}).content.decode()
    assert "speech.flac" in page and "meeting.wav" not in page


@pytest.mark.django_db
def test_export_csv_and_json_parse_back(client, teams, history_rows):
    client.force_login(teams["bob"])
    body = client.get("/history/export.csv").content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert {r["source_name"] for r in rows} == {"meeting.wav", "speech.flac"}
    data = json.loads(client.get("/history/export.json", {"id": history_rows["zh"].id}).content)
    assert [d["text"] for d in data] == ["甚至出现交易几乎停滞的情况"]


@pytest.mark.django_db
def test_delete_asks_first_then_deletes_only_own_rows(client, teams, history_rows):
    client.force_login(teams["bob"])
    ids = [history_rows["zh"].id, history_rows["other"].id]
    confirm = client.get("/history/delete/", {"id": ids}).content.decode()
    assert "meeting.wav" in confirm and "secret.wav" not in confirm
    assert Transcript.objects.count() == 3  # nothing deleted by asking
    client.post("/history/delete/", {"id": ids, "confirm": "yes"})
    assert set(Transcript.objects.values_list("source_name", flat=True)) == {"speech.flac", "secret.wav"}
    assert "meeting.wav" not in client.get("/history/").content.decode()


@pytest.mark.django_db
def test_a_file_name_excel_would_run_is_exported_as_text(client, teams):
    from transcripts.models import Transcript

    Transcript.objects.create(team=teams["a"], source_name='=HYPERLINK("http://evil","x").wav', options={},
                              status="done", text="-1+2")
    client.force_login(teams["bob"])
    body = client.get("/history/export.csv").content.decode("utf-8").lstrip("\ufeff")
    (row,) = csv.DictReader(io.StringIO(body))
    assert row["source_name"] == '\'=HYPERLINK("http://evil","x").wav' and row["text"] == "'-1+2"


@pytest.mark.django_db
def test_the_page_shows_filters_columns_and_the_match_in_context(client, teams, history_rows):
    Transcript.objects.filter(id=history_rows["zh"].id).update(duration=65.4)
    client.force_login(teams["bob"])
    page = client.get("/history/", {"q": "交易", "status": "done"}).content.decode()
    assert '<select name="language">' in page and '<option value="zh">中文</option>' in page
    assert '<option value="done" selected>已完成</option>' in page and '<input type="date" name="from"' in page
    assert "甚至出现<mark>交易</mark>几乎停滞的情况" in page and "1:05.4" in page and ">bob<" in page
    assert 'data-needs-checked="id"' in page


@pytest.mark.django_db
def test_no_results_is_not_nothing_yet(client, teams):
    client.force_login(teams["bob"])
    assert "还没有转写" in client.get("/history/").content.decode()
    page = client.get("/history/", {"q": "会议纪要"}).content.decode()
    assert "没有与“会议纪要”匹配的转写" in page and "还没有转写" not in page


@pytest.mark.django_db
def test_deleting_says_so_and_viewers_get_no_delete_controls(client, teams, history_rows):
    from accounts.models import Membership

    client.force_login(teams["bob"])
    response = client.post("/history/delete/", {"id": [history_rows["zh"].id], "confirm": "yes"}, follow=True)
    assert "已删除 1 条转写及其音频" in response.content.decode()
    Membership.objects.filter(user=teams["bob"]).update(role=Membership.Role.VIEWER)
    page = client.get("/history/").content.decode()
    assert 'type="checkbox"' not in page and "delete-selected" not in page and "需要成员角色" in page
