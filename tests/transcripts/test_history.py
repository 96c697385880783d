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
