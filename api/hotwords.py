"""/api/hotword-libraries/: members read the team's libraries, team admins change them."""
from __future__ import annotations

from rest_framework import viewsets

from accounts.models import Membership
from api.base import TeamScopedMixin
from api.serializers import HotwordLibrarySerializer
from transcripts.models import HotwordLibrary


class HotwordLibraryViewSet(TeamScopedMixin, viewsets.ModelViewSet):
    serializer_class = HotwordLibrarySerializer
    write_role = Membership.Role.ADMIN

    def get_queryset(self):
        return HotwordLibrary.objects.filter(team=self.team)

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if hasattr(self, "membership"):
            context["team"] = self.team
        return context

    def perform_create(self, serializer) -> None:
        serializer.save(team=self.team, created_by=self.request.user)
