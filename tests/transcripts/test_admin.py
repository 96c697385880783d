import pytest
from django.contrib.auth.models import Permission

from transcripts.models import HotwordLibrary, Transcript

# Per changelist: what team Alpha's rows show, and what team Beta's rows show.
CHANGELISTS = {
    "/admin/transcripts/transcript/": ("alpha-meeting.wav", "beta-meeting.wav"),
    "/admin/transcripts/hotwordlibrary/": ("alpha-terms", "beta-terms"),
    "/admin/accounts/membership/": ("bob in Alpha", "carol in Beta"),
    "/admin/accounts/team/": ("alpha", "beta"),  # the slug column
}


def make_staff(user):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.all())


@pytest.fixture
def rows(teams):
    for key, team in (("alpha", teams["a"]), ("beta", teams["b"])):
        Transcript.objects.create(team=team, source_name=f"{key}-meeting.wav", options={})
        HotwordLibrary.objects.create(team=team, name=f"{key}-terms")
    make_staff(teams["alice"])
    make_staff(teams["carol"])
    return teams


@pytest.mark.django_db
@pytest.mark.parametrize("url", CHANGELISTS)
def test_staff_see_exactly_their_teams_rows(client, rows, url, django_user_model):
    alpha, beta = CHANGELISTS[url]
    client.force_login(rows["alice"])
    page = client.get(url).content.decode()
    assert alpha in page and beta not in page
    client.force_login(rows["carol"])
    page = client.get(url).content.decode()
    assert beta in page and alpha not in page
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    page = client.get(url).content.decode()
    assert alpha in page and beta in page


@pytest.mark.django_db
def test_a_guessed_admin_url_of_another_teams_row_shows_nothing(client, rows):
    client.force_login(rows["alice"])
    theirs = Transcript.objects.get(team=rows["b"])
    response = client.get(f"/admin/transcripts/transcript/{theirs.id}/change/", follow=True)
    assert "beta-meeting.wav" not in response.content.decode()
    assert response.redirect_chain and response.redirect_chain[-1][0] == "/admin/"


@pytest.mark.django_db
def test_admin_export_and_purge_actions_are_scoped(client, rows, settings, tmp_path):
    import csv
    import io

    from transcripts import services

    settings.MEDIA_ROOT = tmp_path
    for transcript in Transcript.objects.all():
        services.audio_path(transcript).parent.mkdir(parents=True, exist_ok=True)
        services.audio_path(transcript).write_bytes(b"audio")
    client.force_login(rows["alice"])
    every_id = list(Transcript.objects.values_list("id", flat=True))
    url = "/admin/transcripts/transcript/"
    response = client.post(url, {"action": "export_csv", "_selected_action": every_id})
    exported = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert [r["source_name"] for r in exported] == ["alpha-meeting.wav"]  # Beta's id was ignored
    client.post(url, {"action": "purge_audio", "_selected_action": every_id})
    alpha, beta = Transcript.objects.get(team=rows["a"]), Transcript.objects.get(team=rows["b"])
    assert alpha.audio_purged and not services.audio_path(alpha).exists()
    assert not beta.audio_purged and services.audio_path(beta).exists()


@pytest.mark.django_db
def test_cleanup_deletes_only_old_transcripts(rows):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    old = Transcript.objects.get(team=rows["a"])
    Transcript.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=40))
    call_command("cleanup", "--older-than-days", "30")
    assert list(Transcript.objects.values_list("source_name", flat=True)) == ["beta-meeting.wav"]


@pytest.mark.django_db
def test_admin_delete_older_than_asks_for_days_then_deletes_only_old_rows_in_reach(client, rows):
    from datetime import timedelta

    from django.utils import timezone

    Transcript.objects.update(created_at=timezone.now() - timedelta(days=40))
    client.force_login(rows["alice"])
    every_id = list(Transcript.objects.values_list("id", flat=True))
    url = "/admin/transcripts/transcript/"
    asked = client.post(url, {"action": "delete_older_than", "_selected_action": every_id})
    assert "天前创建的转写" in asked.content.decode() and Transcript.objects.count() == 2
    client.post(url, {"action": "delete_older_than", "_selected_action": every_id, "days": "60", "apply": "1"})
    assert Transcript.objects.count() == 2  # nothing is 60 days old
    client.post(url, {"action": "delete_older_than", "_selected_action": every_id, "days": "30", "apply": "1"})
    assert list(Transcript.objects.values_list("source_name", flat=True)) == ["beta-meeting.wav"]


@pytest.mark.django_db
def test_the_admin_speaks_the_pages_language(client, rows, teams):
    make_staff(teams["alice"])
    client.force_login(teams["alice"])
    changelist = client.get("/admin/transcripts/transcript/").content.decode()
    assert "清除存储的音频（保留文本）" in changelist and "删除所选中早于 N 天的转写" in changelist
    assert "将所选导出为 CSV" in changelist
    index = client.get("/admin/").content.decode()
    assert "批量任务" in index and "热词库" in index and "转写" in index


@pytest.mark.django_db
def test_the_admin_is_named_after_the_platform(client, rows):
    client.force_login(rows["alice"])
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a href="/admin/">asrplatform</a>' in page and "Django administration" not in page
