"""Telling open WebSockets that a user's access to a team changed (removed, or a role lowered).

Each socket joins the group of its (user, team) pair; when a membership is removed or its role
changes, the group is told, and each socket checks the membership again and closes if the right
it was opened with is gone. A channel layer that is down never blocks the change itself.
"""
from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def member_group(user_id: int, team_id: int) -> str:
    return f"member-{user_id}-{team_id}"


def access_changed(user_id: int, team_id: int) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(member_group(user_id, team_id), {"type": "access.changed"})
    except Exception:  # noqa: BLE001 - a membership change must not fail because sockets cannot be told
        logger.warning("could not tell the sockets of user %s in team %s", user_id, team_id, exc_info=True)
