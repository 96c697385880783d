"""Pages that feel finished (issue 15, item 5): error pages, the current page, viewers, time zone,
translated statuses, job previews, role changes."""
import pytest
from django.template.loader import render_to_string

from accounts.models import Membership
from transcripts.models import Job, Status, Transcript


@pytest.mark.django_db
def test_not_found_is_the_site_layout_in_the_pages_language(client, teams):
    client.force_login(teams["bob"])
    response = client.get("/transcripts/987654/")
    page = response.content.decode()
    assert response.status_code == 404 and "找不到页面" in page and 'class="top"' in page and "历史记录" in page
    assert ">Alpha</option>" in page  # the team switcher: the context processor serves pages no view built
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/transcripts/987654/")
    assert english.status_code == 404 and "Not found" in english.content.decode()
    assert '<html lang="en">' in english.content.decode()


def test_the_error_page_renders_without_a_request():
    page = render_to_string("500.html")
    assert "asrplatform" in page and 'class="top"' in page


@pytest.mark.django_db
def test_the_navigation_marks_the_current_page_and_the_footer_names_the_time_zone(client, teams):
    client.force_login(teams["bob"])
    page = client.get("/history/").content.decode()
    assert 'href="/history/" aria-current="page"' in page and page.count('aria-current="page"') == 1
    assert "Asia/Shanghai" in page


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/recognize/", "/batch/"])
def test_viewers_get_no_upload_form_and_are_told_why(client, teams, url):
    Membership.objects.filter(user=teams["bob"]).update(role=Membership.Role.VIEWER)
    client.force_login(teams["bob"])
    page = client.get(url).content.decode()
    assert 'id="viewer-note"' in page and 'type="file"' not in page


@pytest.mark.django_db
def test_job_rows_show_translated_statuses_and_a_text_preview(client, teams):
    job = Job.objects.create(team=teams["a"], created_by=teams["bob"], status=Status.CANCELLED)
    Transcript.objects.create(team=teams["a"], job=job, source_name="a.wav", status=Status.DONE,
                              text="二零二五年的会议", itn_text="2025年的会议", options={})
    Transcript.objects.create(team=teams["a"], job=job, source_name="b.wav", status=Status.CANCELLED, options={})
    Transcript.objects.create(team=teams["a"], job=job, source_name="c.mp3", status=Status.FAILED, options={},
                              error_code="undecodable_audio", error_message="This file could not be read as audio.")
    client.force_login(teams["bob"])
    page = client.get(f"/batch/{job.pk}/").content.decode()
    assert 'data-status="cancelled">已取消<' in page and 'class="status status-cancelled"' in page
    assert '<span class="preview">2025年的会议</span>' in page and ">已完成<" in page
    assert '<span class="error">无法把这个文件读取为音频或视频' in page  # the engine's English, in the page's language
    assert "undecodable_audio" in page  # the code → message table the live updates use
    assert client.get(f"/api/jobs/{job.pk}/", HTTP_ACCEPT="application/json").json()["files"][0]["preview"] == "2025年的会议"


@pytest.mark.django_db
def test_a_team_admin_changes_a_role_and_is_asked_before_a_removal(client, teams):
    client.force_login(teams["alice"])
    bob = Membership.objects.get(user=teams["bob"], team=teams["a"])
    page = client.get("/team/members/").content.decode()
    assert 'data-confirm="把 bob 移出这个团队吗' in page and 'name="change"' in page
    client.post("/team/members/", {"change": bob.id, "role": Membership.Role.VIEWER})
    bob.refresh_from_db()
    assert bob.role == Membership.Role.VIEWER


@pytest.mark.django_db
def test_errors_with_details_are_worded_in_the_pages_language(client, teams):
    job = Job.objects.create(team=teams["a"], created_by=teams["bob"], status=Status.FAILED)
    long = Transcript.objects.create(
        team=teams["a"], job=job, source_name="all-day.wav", status=Status.FAILED, options={},
        error_code="audio_too_long", error_message="The recording lasts 7.2 h; the limit is 6.0 h.",
        error_params={"hours": "7.2", "limit_hours": "6.0"})
    older = Transcript.objects.create(  # failed before errors carried their details
        team=teams["a"], source_name="old.wav", status=Status.FAILED, options={},
        error_code="audio_too_long", error_message="The recording lasts 9.9 h; the limit is 6.0 h.")
    client.force_login(teams["bob"])
    worded = "这段录音长 7.2 小时，本服务器最多接受 6.0 小时"
    assert worded in client.get(f"/transcripts/{long.pk}/").content.decode()
    assert worded in client.get(f"/batch/{job.pk}/").content.decode()
    assert "The recording lasts 9.9 h" in client.get(f"/transcripts/{older.pk}/").content.decode()


@pytest.mark.django_db
def test_too_many_hotwords_on_the_upload_page_is_said_in_the_pages_language(client, teams, clips):
    client.force_login(teams["bob"])
    with open(clips["IT0011W0001.wav"].path, "rb") as audio:
        response = client.post("/recognize/", {"audio": audio, "language": "zh", "chinese_script": "simplified",
                                               "hotwords": "\n".join(f"术语{i}" for i in range(250))})
    assert response.status_code == 400 and "热词太多" in response.content.decode()
    assert not Transcript.objects.exists()
