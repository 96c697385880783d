"""The base of every /api/ view: a token or session user, working in one team they belong to."""
from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS

from accounts.models import Membership
from api.scope import request_membership


class TeamScopedMixin:
    """Sets `self.membership` before the handler runs: reads need `read_role`, writes
    `write_role`. Querysets filter by `self.membership.team`, so another team's ids are 404."""

    read_role: int = Membership.Role.VIEWER
    write_role: int = Membership.Role.MEMBER

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        role = self.read_role if request.method in SAFE_METHODS else self.write_role
        self.membership = request_membership(request, at_least=role)

    @property
    def team(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request user
            return None
        return self.membership.team
