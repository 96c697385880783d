"""Teams and memberships: everything a user sees is scoped to a team they belong to."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    # The team's recognition defaults (language, itn, chinese_script, libraries, vad,
    # max_segment_ms, model), set on the settings page; a request's own choices win.
    recognition_defaults = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.IntegerChoices):
        # Ordered: a check for MEMBER also admits ADMIN.
        VIEWER = 10, _("viewer")
        MEMBER = 20, _("member")
        ADMIN = 30, _("admin")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.PositiveSmallIntegerField(choices=Role.choices, default=Role.MEMBER)

    @property
    def role_name(self) -> str:
        """The role as the API names it (viewer, member, admin), whatever the page's language."""
        return self.Role(self.role).name.lower()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="one_membership_per_user_and_team")]
        ordering = ["team__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.get_role_display()})"
