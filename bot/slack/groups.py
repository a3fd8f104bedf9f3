"""Which configured Slack user groups a person belongs to, read from Slack and cached for a few minutes."""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


class ApproverGroups:
    """Membership of the user groups in `approvers.slack_groups` (needs the `usergroups:read` scope)."""

    def __init__(self, groups: list[str], *, ttl: float = 300.0) -> None:
        """`groups` are user-group ids like S0123ABCD; memberships are re-read after `ttl` seconds."""
        self.groups = list(groups)
        self.ttl = ttl
        self._members: dict[str, tuple[float, frozenset[str]]] = {}

    async def roles_of(self, client: AsyncWebClient, user: str) -> tuple[str, ...]:
        """The configured groups the user is in; a group Slack won't list counts as not containing them."""
        return tuple([group for group in self.groups if user in await self._members_of(client, group)])

    async def _members_of(self, client: AsyncWebClient, group: str) -> frozenset[str]:
        cached = self._members.get(group)
        if cached and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        try:
            response = await client.usergroups_users_list(usergroup=group)
            members = frozenset(str(u) for u in response.get("users") or [])
        except SlackApiError as exc:  # fail closed: nobody is an approver through a group we can't read
            log.warning("could not read Slack user group %s (%s); check the usergroups:read scope", group, exc)
            members = frozenset()
        self._members[group] = (time.monotonic(), members)
        return members
