"""Attacks through the Django admin by staff users of the wrong team or role (issue 16).

dave is staff with every model permission and belongs only to team Beta, as admin; erin is staff
too, a member of Beta and only a viewer of Alpha. Each test tries what an attacker would.
"""
import pytest
from django.contrib.auth.models import Permission

from accounts.models import Membership
from transcripts.models import HotwordLibrary, Transcript


def _moving_post(team, author) -> dict:
    return {"team": team.id, "created_by": author.id, "audio_bytes": 0, "source_name": "moved.wav",
            "status": "done", "progress": 0, "attempts": 0,
            "language": "", "text": "", "itn_text": "", "languages": "[]", "dropped": "[]", "model": "",
            "device": "", "error_code": "", "error_message": ""}


def _staff(django_user_model, name: str):
    user = django_user_model.objects.create_user(name, password="x" * 12, is_staff=True)
    user.user_permissions.add(*Permission.objects.all())
    return user


@pytest.fixture
def attackers(teams, django_user_model):
    dave, erin = _staff(django_user_model, "dave"), _staff(django_user_model, "erin")
    Membership.objects.create(user=dave, team=teams["b"], role=Membership.Role.ADMIN)
    Membership.objects.create(user=erin, team=teams["b"], role=Membership.Role.MEMBER)
    Membership.objects.create(user=erin, team=teams["a"], role=Membership.Role.VIEWER)
    alpha = Transcript.objects.create(team=teams["a"], source_name="alpha-board.wav", options={}, status="done")
    beta = Transcript.objects.create(team=teams["b"], source_name="beta-notes.wav", options={}, status="done")
    return {**teams, "dave": dave, "erin": erin, "alpha_t": alpha, "beta_t": beta}


@pytest.mark.django_db
def test_a_staff_user_cannot_add_themselves_to_another_team(client, attackers):
    client.force_login(attackers["dave"])
    form = client.get("/admin/accounts/membership/add/").content.decode()
    assert "Alpha" not in form and ">alice<" not in form  # neither the team nor its people are offered
    response = client.post("/admin/accounts/membership/add/", {
        "user": attackers["dave"].id, "team": attackers["a"].id, "role": Membership.Role.ADMIN})
    assert response.status_code == 200 and "errorlist" in response.content.decode()  # an invalid choice
    assert not Membership.objects.filter(user=attackers["dave"], team=attackers["a"]).exists()
    # ... and the API still keeps Alpha's transcripts from him
    client.force_login(attackers["dave"])
    assert client.get(f"/api/transcripts/{attackers['alpha_t'].id}/", {"team": attackers["a"].id}).status_code == 404


@pytest.mark.django_db
def test_a_transcript_cannot_be_moved_into_another_team(client, attackers, django_user_model):
    client.force_login(attackers["dave"])
    beta = attackers["beta_t"]
    url = f"/admin/transcripts/transcript/{beta.id}/change/"
    form = client.get(url).content.decode()
    assert "Alpha" not in form
    client.post(url, _moving_post(attackers["a"], attackers["dave"]))
    beta.refresh_from_db()
    assert beta.team == attackers["b"]
    # The same form from a superuser does move it: the refusal above is the team rule, not bad data
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    client.post(url, _moving_post(attackers["a"], attackers["dave"]))
    beta.refresh_from_db()
    assert beta.team == attackers["a"]


@pytest.mark.django_db
def test_a_library_cannot_be_created_in_another_team(client, attackers):
    client.force_login(attackers["dave"])
    client.post("/admin/transcripts/hotwordlibrary/add/",
                {"team": attackers["a"].id, "name": "planted", "terms": "x", "created_by": attackers["dave"].id})
    assert not HotwordLibrary.objects.filter(name="planted").exists()
    client.post("/admin/transcripts/hotwordlibrary/add/",
                {"team": attackers["b"].id, "name": "own", "terms": "x", "created_by": attackers["dave"].id})
    assert HotwordLibrary.objects.filter(name="own", team=attackers["b"]).exists()
    # A member (not admin) of Beta cannot create libraries in Beta either: the pages' rule
    client.force_login(attackers["erin"])
    assert client.get("/admin/transcripts/hotwordlibrary/add/").status_code == 403


@pytest.mark.django_db
def test_a_member_cannot_promote_their_own_membership(client, attackers):
    client.force_login(attackers["erin"])
    own = Membership.objects.get(user=attackers["erin"], team=attackers["b"])
    client.post(f"/admin/accounts/membership/{own.id}/change/", {"role": Membership.Role.ADMIN})
    own.refresh_from_db()
    assert own.role == Membership.Role.MEMBER
    client.force_login(attackers["dave"])  # Beta's admin may change it, as on the team page
    client.post(f"/admin/accounts/membership/{own.id}/change/", {"role": Membership.Role.ADMIN})
    own.refresh_from_db()
    assert own.role == Membership.Role.ADMIN


@pytest.mark.django_db
def test_a_viewer_can_read_but_not_delete_the_teams_transcripts(client, attackers):
    client.force_login(attackers["erin"])
    alpha = attackers["alpha_t"]
    assert "alpha-board.wav" in client.get("/admin/transcripts/transcript/").content.decode()
    assert client.get(f"/admin/transcripts/transcript/{alpha.id}/delete/").status_code == 403
    client.post(f"/admin/transcripts/transcript/{alpha.id}/delete/", {"post": "yes"})
    everything = list(Transcript.objects.values_list("id", flat=True))
    for action in ("delete_selected", "purge_audio", "delete_older_than"):
        client.post("/admin/transcripts/transcript/",
                    {"action": action, "_selected_action": everything, "post": "yes", "days": "0", "apply": "1"})
    alpha.refresh_from_db()  # still there, audio and all
    assert not alpha.audio_purged
    # Her own team's rows (member role) she may still clean up
    assert not Transcript.objects.filter(id=attackers["beta_t"].id).exists()


@pytest.mark.django_db
def test_filters_and_user_lists_name_only_the_staff_users_teams(client, attackers):
    client.force_login(attackers["dave"])
    page = client.get("/admin/transcripts/transcript/").content.decode()
    assert "Alpha" not in page
    assert client.get("/admin/auth/user/").status_code == 403  # users can grant anything: superusers only
    assert client.get(f"/admin/auth/user/{attackers['dave'].id}/change/").status_code == 403


@pytest.mark.django_db
def test_the_settings_pages_purge_reaches_only_teams_the_user_administers(client, attackers, settings, tmp_path):
    from transcripts import services

    settings.MEDIA_ROOT = tmp_path
    for transcript in (attackers["alpha_t"], attackers["beta_t"]):
        services.audio_path(transcript).parent.mkdir(parents=True, exist_ok=True)
        services.audio_path(transcript).write_bytes(b"audio")
    client.force_login(attackers["dave"])
    client.post("/settings/", {"system": "purge_audio"})
    alpha, beta = Transcript.objects.get(id=attackers["alpha_t"].id), Transcript.objects.get(id=attackers["beta_t"].id)
    assert beta.audio_purged and not alpha.audio_purged
    assert services.audio_path(alpha).exists()


@pytest.mark.django_db
def test_the_admin_keeps_a_team_with_an_admin_as_the_team_page_does(client, attackers):
    Membership.objects.filter(user=attackers["carol"], team=attackers["b"]).delete()
    client.force_login(attackers["dave"])
    own = Membership.objects.get(user=attackers["dave"], team=attackers["b"])  # now Beta's only admin
    url = f"/admin/accounts/membership/{own.id}/change/"
    refused = client.post(url, {"role": Membership.Role.MEMBER})
    assert "errorlist" in refused.content.decode()
    assert client.get(f"/admin/accounts/membership/{own.id}/delete/").status_code == 403
    client.post("/admin/accounts/membership/", {"action": "delete_selected", "_selected_action": [own.id], "post": "yes"})
    own.refresh_from_db()
    assert own.role == Membership.Role.ADMIN
    # With a second admin, the first may step down
    erin = Membership.objects.get(user=attackers["erin"], team=attackers["b"])
    client.post(f"/admin/accounts/membership/{erin.id}/change/", {"role": Membership.Role.ADMIN})
    client.post(url, {"role": Membership.Role.MEMBER})
    own.refresh_from_db()
    assert own.role == Membership.Role.MEMBER
