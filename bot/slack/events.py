"""Slack events as surface-neutral turns: thread keys, mention stripping, and which messages to ignore."""

from __future__ import annotations

import html
import re
from typing import Any

from bot.turns import Turn

_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL_MENTION = re.compile(r"<#(C[A-Z0-9]+)(?:\|([^>]*))?>")
_BROADCAST = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
IGNORED_SUBTYPES = frozenset(
    {"bot_message", "message_changed", "message_deleted", "channel_join", "channel_leave", "thread_broadcast"}
)


def thread_key(team: str, channel: str, thread_ts: str) -> str:
    """The deterministic thread key of a Slack thread: `slack:{team}:{channel}:{thread_ts}`."""
    return f"slack:{team}:{channel}:{thread_ts}"


def plain_text(slack_text: str, *, bot_user_id: str | None = None) -> str:
    """A message's text as a person wrote it: the bot's own mention removed, others and links readable."""
    text = slack_text
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    text = _USER_MENTION.sub(lambda m: f"@{m.group(1)}", text)
    text = _CHANNEL_MENTION.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _BROADCAST.sub(lambda m: f"@{m.group(1)}", text)
    text = _SUBTEAM.sub(lambda m: f"@{m.group(1) or 'group'}", text)
    text = _LINK.sub(
        lambda m: m.group(1) if not m.group(2) or m.group(2) == m.group(1) else f"{m.group(2)} ({m.group(1)})", text
    )
    return re.sub(r"[ \t]+", " ", html.unescape(text)).strip()


def is_from_a_bot(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """Our own posts and other bots' posts never start a turn."""
    return bool(
        event.get("bot_id")
        or event.get("bot_profile")
        or event.get("subtype") in IGNORED_SUBTYPES
        or (bot_user_id and event.get("user") == bot_user_id)
    )


def turn_from_event(
    event: dict[str, Any], *, team_id: str, bot_user_id: str | None, roles: tuple[str, ...] = ()
) -> Turn | None:
    """The turn a mention, thread reply or DM stands for; None for events that must not start one."""
    if is_from_a_bot(event, bot_user_id) or event.get("subtype") not in (None, "file_share"):
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not (isinstance(user, str) and isinstance(channel, str) and isinstance(ts, str)):
        return None
    text = plain_text(str(event.get("text") or ""), bot_user_id=bot_user_id)
    thread_ts = event.get("thread_ts") or ts  # a mention outside a thread starts one at its own message
    team = str(event.get("team") or team_id)
    return Turn(thread_key(team, channel, thread_ts), user, text, surface="slack", workspace=team, roles=roles)
