"""Outbound Web API pacing: every call waits for room in a per-method and per-channel budget shared through Redis."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from memory.coordination import Coordinator

log = logging.getLogger(__name__)

# Slack's published limits (https://docs.slack.dev/apis/web-api/rate-limits), per workspace and method, kept a
# little under so that several replicas sharing one budget never reach them: (calls, per seconds).
METHOD_LIMITS: dict[str, tuple[int, float]] = {
    "chat.postMessage": (300, 60.0),  # "special": about one a second per channel (below), bursts allowed
    "chat.update": (45, 60.0),  # Tier 3
    "chat.postEphemeral": (90, 60.0),  # Tier 4
    "views.open": (90, 60.0),  # Tier 4
    "conversations.history": (45, 60.0),  # Tier 3
    "usergroups.users.list": (18, 60.0),  # Tier 2
    "chat.delete": (45, 60.0),  # Tier 3
    "chat.startStream": (90, 60.0),  # streaming answers; an append every ~0.6 s per streaming reply
    "chat.appendStream": (500, 60.0),
    "chat.stopStream": (90, 60.0),
    "assistant.threads.setStatus": (500, 60.0),
    "assistant.threads.setSuggestedPrompts": (500, 60.0),
    "assistant.threads.setTitle": (500, 60.0),
}
DEFAULT_LIMIT = (18, 60.0)  # Tier 2 for anything not listed
CHANNEL_LIMITS: dict[str, tuple[int, float]] = {  # per channel, on top of the method budget
    "chat.postMessage": (5, 5.0),
    "chat.update": (10, 5.0),
}
MAX_WAIT_SECONDS = 60.0  # past this the call goes anyway: Slack's 429 and its Retry-After take over


def method_name(attribute: str) -> str:
    """`chat_postMessage` -> `chat.postMessage`, the name Slack limits by."""
    return attribute.replace("_", ".")


class Pacer:
    """Waits, without blocking the event loop, until the shared budgets have room for one more call."""

    def __init__(
        self,
        coordinator: Coordinator,
        *,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        max_wait: float = MAX_WAIT_SECONDS,
    ) -> None:
        """Budgets are kept by `coordinator` (Redis across replicas, in-process otherwise)."""
        self.coordinator = coordinator
        self.sleep = sleep
        self.max_wait = max_wait

    async def wait(self, team: str, method: str, channel: str | None) -> float:
        """Take one call from the method's (and the channel's) budget; returns the seconds waited."""
        budgets = [(f"slack:{team}:{method}", METHOD_LIMITS.get(method, DEFAULT_LIMIT))]
        if channel and method in CHANNEL_LIMITS:
            budgets.append((f"slack:{team}:{method}:{channel}", CHANNEL_LIMITS[method]))
        started, pause = time.monotonic(), 0.05
        for key, (limit, per) in budgets:
            while not self._allowed(key, limit, per):
                waited = time.monotonic() - started
                if waited >= self.max_wait:
                    log.warning("Slack %s budget still full after %.0fs; sending anyway", method, waited)
                    return waited
                await self.sleep(pause)
                pause = min(pause * 2, 1.0)
        return time.monotonic() - started

    def _allowed(self, key: str, limit: int, per: float) -> bool:
        try:
            return self.coordinator.allow(key, limit=limit, per=per)
        except Exception:  # Redis unreachable: send anyway (Slack's 429s still pace us) rather than fail the reply
            log.warning("rate budget %s unavailable; sending without pacing", key, exc_info=True)
            return True


class PacedClient:
    """An `AsyncWebClient` whose API methods first wait for the pacer; everything else passes through."""

    def __init__(self, client: Any, pacer: Pacer, *, team: str | None = None) -> None:
        """Wrap one (per-request) client; `team` keys the budgets (the client's own team when not given)."""
        self._client = client
        self._pacer = pacer
        self._team = team or getattr(client, "team_id", None) or "-"

    def __getattr__(self, name: str) -> Any:
        """API methods (`chat_postMessage`, ...) are paced; attributes and helpers are the client's own."""
        attribute = getattr(self._client, name)
        if name.startswith("_") or not inspect.iscoroutinefunction(attribute):
            return attribute

        async def paced(*args: Any, **kwargs: Any) -> Any:
            channel = kwargs.get("channel") or kwargs.get("channel_id")
            await self._pacer.wait(str(self._team), method_name(name), str(channel) if channel else None)
            return await attribute(*args, **kwargs)

        return paced


def pacing_middleware(pacer: Pacer) -> Callable[..., Awaitable[Any]]:
    """Bolt middleware: listeners receive a paced client in place of the per-request one."""

    async def pace(context: Any, next: Callable[[], Awaitable[Any]]) -> Any:  # noqa: A002 - Bolt's argument name
        if context.get("client") is not None and not isinstance(context["client"], PacedClient):
            context["client"] = PacedClient(context["client"], pacer, team=context.get("team_id"))
        return await next()

    return pace
