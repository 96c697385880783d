import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.models import Membership
from accounts.permissions import membership_for, teams_of


@pytest.mark.django_db
def test_members_get_their_team_and_outsiders_a_404(teams):
    assert membership_for(teams["bob"], teams["a"].id).role == Membership.Role.MEMBER
    with pytest.raises(Http404):
        membership_for(teams["carol"], teams["a"].id)
    with pytest.raises(Http404):
        membership_for(AnonymousUser(), teams["a"].id)


@pytest.mark.django_db
def test_roles_are_ordered(teams):
    assert membership_for(teams["alice"], teams["a"].id, at_least=Membership.Role.ADMIN)
    with pytest.raises(Http404):
        membership_for(teams["bob"], teams["a"].id, at_least=Membership.Role.ADMIN)


@pytest.mark.django_db
def test_teams_of(teams):
    assert list(teams_of(teams["alice"])) == [teams["a"]]
    assert list(teams_of(teams["carol"])) == [teams["b"]]
    assert list(teams_of(AnonymousUser())) == []


@pytest.mark.django_db
def test_one_rule_for_every_door_even_for_ids_past_64_bits(teams):
    from accounts.permissions import NoAccess, resolve_membership

    huge = str(2**64)
    for wanted in (huge, "-1", "1e3", "abc"):
        with pytest.raises(NoAccess) as refused:
            resolve_membership(teams["bob"], wanted=wanted)
        assert refused.value.reason == "invalid"
        with pytest.raises(Http404):
            membership_for(teams["bob"], wanted)
    # An explicit team the user is not in is never swapped for another of theirs
    with pytest.raises(NoAccess) as refused:
        resolve_membership(teams["bob"], wanted=teams["b"].id)
    assert refused.value.reason == "not_found"
    # The remembered team falls back to the first one when the user has left it
    assert resolve_membership(teams["bob"], remembered=teams["b"].id).team == teams["a"]
    # The role is checked after the team is chosen, the same for pages, API and sockets
    with pytest.raises(NoAccess) as refused:
        resolve_membership(teams["bob"], at_least=Membership.Role.ADMIN)
    assert refused.value.reason == "role" and "admin" in refused.value.message


@pytest.mark.django_db
def test_the_api_and_team_switch_answer_huge_team_ids_with_a_clear_error(client, teams):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=teams["bob"])
    response = client.get("/api/transcripts/", {"team": str(2**64)}, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 400 and "team id" in response.json()["team"]
    client.force_login(teams["bob"])
    assert client.post("/team/switch/", {"team_id": str(2**64)}).status_code == 404
