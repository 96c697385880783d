import pytest
from django.contrib.auth import get_user_model

from accounts.models import Membership


@pytest.mark.django_db
def test_team_admin_adds_and_removes_members(client, teams):
    get_user_model().objects.create_user("dave", password="x" * 12)
    client.force_login(teams["alice"])
    assert client.post("/team/members/", {"username": "dave", "role": 10}).status_code == 302
    dave = Membership.objects.get(user__username="dave")
    assert dave.team == teams["a"] and dave.role == Membership.Role.VIEWER
    client.post("/team/members/", {"remove": dave.id})
    assert not Membership.objects.filter(user__username="dave").exists()


@pytest.mark.django_db
def test_errors_are_shown_in_place(client, teams):
    client.force_login(teams["alice"])
    for data, message in [({"username": "nobody", "role": 20}, "没有名为“nobody”的用户"),
                          ({"username": "bob", "role": 20}, "bob 已经是 Alpha 的成员"),
                          ({"remove": Membership.objects.get(user=teams["alice"]).id}, "团队至少需要一位管理员"),
                          ({"change": 987654, "role": 20}, "没有这个成员"),
                          ({"change": Membership.objects.get(user=teams["bob"]).id, "role": "abc"}, "请选择角色")]:
        response = client.post("/team/members/", data)
        assert response.status_code == 400 and message in response.content.decode()


@pytest.mark.django_db
def test_only_admins_of_this_team_manage_it(client, teams):
    client.force_login(teams["bob"])
    assert client.get("/team/members/").status_code == 404
    client.force_login(teams["carol"])  # admin, but of team Beta
    bob = Membership.objects.get(user=teams["bob"])
    client.post("/team/members/", {"remove": bob.id})
    assert Membership.objects.filter(id=bob.id).exists()
    assert "bob" not in client.get("/team/members/").content.decode()
