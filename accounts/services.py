"""Writes for accounts: the first administrator and team."""
from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access_events import access_changed
from accounts.models import Membership, Team
from asrplatform.params import database_id


@transaction.atomic
def first_admin_ensure(*, username: str, password: str | None) -> tuple[object, str | None]:
    """Create the first superuser and a first team when there is no superuser yet.

    Returns (user, generated password or None). A password is generated only when none is given,
    and is returned once, never stored in clear.
    """
    User = get_user_model()
    existing = User.objects.filter(is_superuser=True).order_by("id").first()
    if existing is not None:
        return existing, None
    if password:
        # The rules the password page applies (length, common, numeric, like the username);
        # raises django.core.exceptions.ValidationError with their messages.
        validate_password(password, User(username=username))
    generated = None if password else secrets.token_urlsafe(12)
    user = User.objects.create_superuser(username=username, password=password or generated)
    team, _created = Team.objects.get_or_create(slug="default", defaults={"name": "Default team"})
    Membership.objects.get_or_create(user=user, team=team, defaults={"role": Membership.Role.ADMIN})
    return user, generated


LAST_ADMIN = gettext_lazy("A team needs at least one admin: make someone else admin first.")


class MembershipError(ValueError):
    """A membership change a team admin asked for that cannot be made; the message says why."""


class MemberNotFoundError(MembershipError):
    pass


def membership_add(*, team: Team, username: str, role: int) -> Membership:
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None:
        raise MembershipError(_("No user named “%(name)s”; ask a site administrator to create the account first.")
                              % {"name": username.strip()[:150]})
    membership, created = Membership.objects.get_or_create(user=user, team=team, defaults={"role": role})
    if not created:
        raise MembershipError(_("%(user)s is already in %(team)s.") % {"user": user.username, "team": team.name})
    return membership


def _locked_membership(team: Team, membership_id: int | str, *, stays_admin: bool) -> Membership:
    """The team's membership, locked for the change; refused if it would leave the team with no admin."""
    membership_id = database_id(membership_id)
    membership = Membership.objects.select_for_update().filter(team=team, id=membership_id).first() \
        if membership_id is not None else None
    if membership is None:
        raise MemberNotFoundError(_("No such member."))
    if not stays_admin and is_last_admin(membership):
        raise MembershipError(str(LAST_ADMIN))
    return membership


def tell_sockets(membership: Membership) -> None:
    """After the change commits, the member's open sockets of that team check their access again."""
    user_id, team_id = membership.user_id, membership.team_id
    transaction.on_commit(lambda: access_changed(user_id, team_id))


def is_last_admin(membership: Membership) -> bool:
    return membership.role == Membership.Role.ADMIN and not Membership.objects.filter(
        team_id=membership.team_id, role=Membership.Role.ADMIN).exclude(pk=membership.pk).exists()


@transaction.atomic
def membership_remove(*, team: Team, membership_id: int | str) -> None:
    membership = _locked_membership(team, membership_id, stays_admin=False)
    membership.delete()
    tell_sockets(membership)  # their open sockets of this team close


@transaction.atomic
def membership_role_change(*, team: Team, membership_id: int, role: int) -> Membership:
    membership = _locked_membership(team, membership_id, stays_admin=role == Membership.Role.ADMIN)
    membership.role = role
    membership.save(update_fields=["role"])
    tell_sockets(membership)  # a live session closes if its user is now a viewer
    return membership
