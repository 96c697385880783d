"""The search index: Chinese substrings and English words, kept in step with edits and deletes.

Runs on SQLite here and, through tests/test_postgres_suite.py, on PostgreSQL too.
"""
import pytest
from django.db import connection

from transcripts.models import Status, Transcript
from transcripts.selectors import transcripts_search


@pytest.fixture
def rows(teams):
    make = lambda team, name, text: Transcript.objects.create(  # noqa: E731
        team=team, source_name=name, status=Status.DONE, text=text, itn_text=text, options={}, segments=[])
    return {
        "zh": make(teams["a"], "meeting.wav", "甚至出现交易几乎停滞的情况"),
        "en": make(teams["a"], "Speech.flac", "Ask not what your country can do for you"),
        "pct": make(teams["a"], "rate.wav", "增长 50% 左右"),
        "other": make(teams["b"], "secret.wav", "交易机密 country"),
    }


def names(team, query):
    return {t.source_name for t in transcripts_search(team=team, query=query)}


@pytest.mark.django_db
@pytest.mark.parametrize("query, expected", [
    ("交易", {"meeting.wav"}),            # two characters: below the trigram length
    ("交易几乎", {"meeting.wav"}),
    ("country", {"Speech.flac"}),         # other team's row never appears
    ("COUNTRY ask", {"Speech.flac"}),     # every word, any case
    ("speech", {"Speech.flac"}),          # the file name is searched too
    ("停", {"meeting.wav"}),
    ("50%", {"rate.wav"}),                # LIKE wildcards are literal
    ("%", {"rate.wav"}),
    ('"', set()),                         # FTS5 syntax characters are literal
    ("交易 country", set()),
])
def test_search(teams, rows, query, expected):
    assert names(teams["a"], query) == expected


@pytest.mark.django_db
def test_the_index_follows_edits_and_deletes(teams, rows):
    Transcript.objects.filter(id=rows["zh"].id).update(text="价格上涨", itn_text="价格上涨")
    assert names(teams["a"], "停滞") == set() and names(teams["a"], "价格上涨") == {"meeting.wav"}
    rows["zh"].delete()
    assert names(teams["a"], "价格上涨") == set()


@pytest.mark.django_db
def test_the_vendor_index_exists(teams):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'transcripts_transcript_fts'")
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = 'transcripts_transcript_text_trgm'")
        assert cursor.fetchone()
