from django.contrib import admin

from accounts.models import Membership, Team


class TeamScopedAdmin(admin.ModelAdmin):
    """Superusers see every team's rows; other staff only the rows of teams they belong to."""

    team_path = "team"  # the lookup from this model to its Team; "" for Team itself

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        lookup = f"{self.team_path}__memberships__user" if self.team_path else "memberships__user"
        return queryset.filter(**{lookup: request.user}).distinct()


@admin.register(Team)
class TeamAdmin(TeamScopedAdmin):
    team_path = ""
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(TeamScopedAdmin):
    list_display = ["user", "team", "role", "created_at"]
    list_filter = ["role", "team"]
    search_fields = ["user__username", "team__name"]
