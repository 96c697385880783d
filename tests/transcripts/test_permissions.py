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
