"""/api/teams/: the caller's teams; team admins list, add, re-role and remove members."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Membership
from accounts.permissions import membership_for
from accounts.services import (
    MemberNotFoundError,
    MembershipError,
    membership_add,
    membership_remove,
    membership_role_change,
)

ROLE_NAMES = {role.name.lower(): role.value for role in Membership.Role}  # not the labels: those are translated


class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    role = serializers.ChoiceField(choices=list(ROLE_NAMES))


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=list(ROLE_NAMES), default="member")


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=list(ROLE_NAMES))


def _member(membership: Membership) -> dict:
    return {"id": membership.id, "username": membership.user.username, "role": membership.role_name}


def _changed(change):
    try:
        return change()
    except MemberNotFoundError as e:
        raise NotFound(str(e)) from None
    except MembershipError as e:
        raise ValidationError({"detail": str(e)}) from None


class TeamListView(APIView):
    @extend_schema(responses=TeamSerializer(many=True))
    def get(self, request):
        """The teams the caller belongs to, with their role in each."""
        rows = Membership.objects.select_related("team").filter(user=request.user).order_by("team__name")
        return Response([{"id": m.team.id, "name": m.team.name, "slug": m.team.slug, "role": m.role_name}
                         for m in rows])


class TeamMembersView(APIView):
    @extend_schema(responses=MemberSerializer(many=True))
    def get(self, request, team_id: int):
        admin = membership_for(request.user, team_id, at_least=Membership.Role.ADMIN)
        rows = Membership.objects.filter(team=admin.team).select_related("user")
        return Response([_member(m) for m in rows])

    @extend_schema(request=MemberSerializer, responses={201: MemberSerializer})
    def post(self, request, team_id: int):
        """Add an existing user to the team."""
        admin = membership_for(request.user, team_id, at_least=Membership.Role.ADMIN)
        form = MemberSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        added = _changed(lambda: membership_add(team=admin.team, username=form.validated_data["username"],
                                                role=ROLE_NAMES[form.validated_data["role"]]))
        return Response(_member(added), status=status.HTTP_201_CREATED)


class TeamMemberView(APIView):
    @extend_schema(request=RoleSerializer, responses=MemberSerializer)
    def patch(self, request, team_id: int, member_id: int):
        admin = membership_for(request.user, team_id, at_least=Membership.Role.ADMIN)
        form = RoleSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        changed = _changed(lambda: membership_role_change(team=admin.team, membership_id=member_id,
                                                          role=ROLE_NAMES[form.validated_data["role"]]))
        return Response(_member(changed))

    @extend_schema(responses={204: None})
    def delete(self, request, team_id: int, member_id: int):
        admin = membership_for(request.user, team_id, at_least=Membership.Role.ADMIN)
        _changed(lambda: membership_remove(team=admin.team, membership_id=member_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
