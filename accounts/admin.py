"""The Django admin, held to the same team rules as the pages.

A staff user who is not a superuser reads the rows of the teams they belong to and writes only
where their role allows it, as on the pages: members write transcripts and jobs, team admins
write memberships and hotword libraries, viewers read. Foreign-key choices and list filters
offer only those teams (and their people). Superusers see and change everything; only they
manage users, groups and teams themselves.
"""
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from accounts.models import Membership, Team
from accounts.permissions import teams_with_role, users_in
from accounts.services import LAST_ADMIN, is_last_admin, tell_sockets

User = get_user_model()
admin.site.site_header = admin.site.site_title = "asrplatform"  # not "Django administration"


class TeamScopedAdmin(admin.ModelAdmin):
    team_path = "team"  # the lookup from this model to its Team; "" for Team itself
    write_role = Membership.Role.MEMBER  # the role that may add, change and delete rows

    def _team_of(self, obj) -> Team:
        for part in filter(None, self.team_path.split("__")):
            obj = getattr(obj, part)
        return obj

    def _in_teams(self, teams):
        return {f"{self.team_path}__in" if self.team_path else "pk__in": teams}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**self._in_teams(teams_with_role(request.user, Membership.Role.VIEWER)))

    def _may_write(self, request, obj) -> bool:
        if request.user.is_superuser:
            return True
        writable = teams_with_role(request.user, self.write_role)
        return writable.exists() if obj is None else writable.filter(pk=self._team_of(obj).pk).exists()

    def writable(self, request, queryset):
        """The rows of `queryset` this user may change: what write actions act on."""
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**self._in_teams(teams_with_role(request.user, self.write_role)))

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and self._may_write(request, None)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            writable = teams_with_role(request.user, self.write_role)
            if db_field.related_model is Team:
                kwargs["queryset"] = writable
            elif db_field.related_model is User:
                kwargs["queryset"] = users_in(writable)
            elif hasattr(db_field.related_model, "team"):
                kwargs["queryset"] = db_field.related_model.objects.filter(team__in=writable)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# The team filter lists only the teams present in the (scoped) rows.
TEAM_FILTER = ("team", admin.RelatedOnlyFieldListFilter)


@admin.register(Team)
class TeamAdmin(TeamScopedAdmin):
    team_path = ""
    write_role = Membership.Role.ADMIN
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser  # a new team has no members: nobody else could see it


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "team", "role"]

    def clean_role(self):
        role = self.cleaned_data["role"]
        if self.instance.pk and role != Membership.Role.ADMIN and is_last_admin(self.instance):
            raise forms.ValidationError(LAST_ADMIN)
        return role


@admin.register(Membership)
class MembershipAdmin(TeamScopedAdmin):
    """The team page's rules: a team keeps an admin, and a change closes the member's sockets."""

    form = MembershipForm
    write_role = Membership.Role.ADMIN
    list_display = ["user", "team", "role", "created_at"]
    list_filter = ["role", TEAM_FILTER]
    search_fields = ["user__username", "team__name"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "team"] if obj else []  # a membership changes role; moving it is remove + add

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and is_last_admin(obj))

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change:
            tell_sockets(obj)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        tell_sockets(obj)

    def delete_queryset(self, request, queryset) -> None:
        for membership in queryset:
            if not is_last_admin(membership):
                self.delete_model(request, membership)


class SuperuserOnly:
    """Users and groups can grant anything (is_superuser, permissions): superusers only."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class ScopedUserAdmin(SuperuserOnly, UserAdmin):
    pass


@admin.register(Group)
class ScopedGroupAdmin(SuperuserOnly, GroupAdmin):
    pass
