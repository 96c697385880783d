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
