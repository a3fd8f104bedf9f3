"""Raw Discord gateway payloads (the `d` of dispatch events, API v10) and helpers that feed them to discord.py.

Tests drive a `discord.Client` without a gateway websocket: `login_against(client, fake)` logs it in against the
fake REST API (`fake_discord.py`), and `dispatch(client, "MESSAGE_CREATE", payload, fake=fake)` hands a payload to
the client's connection state as discord.py's gateway reader does (`client._connection.parsers[event](data)`), after
telling the fake (`fake.learn`) so that Discord's side knows the same guilds, channels, messages and interactions.

Feed `READY` first, then one `GUILD_CREATE` per guild it lists, then events. Build the client with a short
`guild_ready_timeout` (e.g. 0.01): discord.py fires `on_ready` that long after the last `GUILD_CREATE`. A guild is
built with `member_count == len(members)`, so discord.py never asks the (absent) gateway to chunk it.

Shapes follow Discord's v10 docs and what discord.py 2.7.1 reads; ids are strings, as Discord sends them.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import secrets
import threading
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import discord
from fake_discord import APPLICATION_ID, BOT_ID, BOT_NAME, DISCORD_EPOCH_MS, FakeDiscord

# What a plain member may do in a text channel (view, send, embed, attach, history, reactions, threads, commands).
MEMBER_PERMISSIONS = sum(1 << bit for bit in (6, 10, 11, 14, 15, 16, 31, 35, 38))
APP_PERMISSIONS = MEMBER_PERMISSIONS | (1 << 13) | (1 << 36)  # and manage messages / threads
OPTION_TYPES = {str: 3, bool: 5, int: 4, float: 10}  # Python value -> application command option type
_ids = threading.Lock()
_last_id = 0


def snowflake() -> str:
    """A fresh, time-ordered snowflake (worker 2, so it never collides with ids the fake hands out)."""
    global _last_id
    with _ids:
        candidate = ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (2 << 17)
        _last_id = max(candidate, _last_id + 1)
        return str(_last_id)


def _now() -> str:
    return datetime.now(UTC).isoformat()


# -- users, roles, members, channels ---------------------------------------------------------------------------


def user(user_id: str | int | None = None, *, username: str = "member", global_name: str | None = None) -> dict:
    """A user object (a person; see `bot_user` for the bot)."""
    user_id = str(user_id or snowflake())
    return {
        "id": user_id,
        "username": username,
        "discriminator": "0",
        "global_name": global_name,
        "avatar": None,
        "public_flags": 0,
        "flags": 0,
    }


def bot_user(user_id: str = BOT_ID, name: str = BOT_NAME) -> dict:
    """The bot's user object, matching the fake's `GET /users/@me` by default."""
    return {**user(user_id, username=name), "bot": True}


def role(role_id: str | int, *, name: str, permissions: int = 0, position: int = 1) -> dict:
    """A guild role; the `@everyone` role has the guild's id and position 0."""
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def _partial_member(roles: Iterable[str | int], *, nick: str | None = None) -> dict:
    """A guild member without its `user` (as inside MESSAGE_CREATE and `mentions`)."""
    return {
        "roles": [str(r) for r in roles],
        "nick": nick,
        "avatar": None,
        "joined_at": "2024-01-01T00:00:00+00:00",
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }


def member(of: dict, *, roles: Iterable[str | int] = (), nick: str | None = None) -> dict:
    """A guild member with its user (as in GUILD_CREATE `members`)."""
    return {**_partial_member(roles, nick=nick), "user": of}


def text_channel(
    channel_id: str | int | None = None,
    *,
    name: str = "general",
    guild_id: str | int | None = None,
    position: int = 0,
    parent_id: str | int | None = None,
    topic: str | None = None,
) -> dict:
    """A guild text channel (type 0). Inside GUILD_CREATE Discord leaves `guild_id` out; elsewhere it is set."""
    channel = {
        "id": str(channel_id or snowflake()),
        "type": 0,
        "name": name,
        "position": position,
        "parent_id": str(parent_id) if parent_id else None,
        "topic": topic,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "default_auto_archive_duration": 1440,
        "permission_overwrites": [],
        "flags": 0,
    }
    if guild_id is not None:
        channel["guild_id"] = str(guild_id)
    return channel


def thread_channel(
    thread_id: str | int | None = None,
    *,
    parent_id: str | int,
    guild_id: str | int,
    name: str = "thread",
    owner_id: str | int | None = None,
    private: bool = False,
) -> dict:
    """An active thread (type 11 public, 12 private)."""
    metadata = {"archived": False, "auto_archive_duration": 1440, "archive_timestamp": _now(), "locked": False}
    return {
        "id": str(thread_id or snowflake()),
        "type": 12 if private else 11,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id or snowflake()),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": metadata,
    }


def dm_channel(recipient: dict, channel_id: str | int | None = None) -> dict:
    """A DM channel (type 1) with one person."""
    return {
        "id": str(channel_id or snowflake()),
        "type": 1,
        "last_message_id": None,
        "flags": 0,
        "recipients": [recipient],
    }


# -- connection events -----------------------------------------------------------------------------------------


def ready(
    *, guild_ids: Iterable[str | int] = (), bot: dict | None = None, application_id: str = APPLICATION_ID
) -> dict:
    """READY: the bot user, its guilds (unavailable until their GUILD_CREATE) and the application."""
    return {
        "v": 10,
        "user": {**(bot or bot_user()), "verified": True, "mfa_enabled": True, "email": None},
        "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
        "session_id": secrets.token_hex(16),
        "resume_gateway_url": "wss://gateway-us-east1-b.discord.gg",
        "shard": [0, 1],
        "application": {"id": str(application_id), "flags": 0},
        "private_channels": [],
        "presences": [],
        "relationships": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "auth": {},
        "user_settings": {},
    }


def guild_create(
    guild_id: str | int,
    *,
    channels: Sequence[dict] = (),
    roles: Sequence[dict] = (),
    members: Sequence[dict] = (),
    threads: Sequence[dict] = (),
    name: str = "Acme",
    owner_id: str | int | None = None,
    bot: dict | None = None,
) -> dict:
    """GUILD_CREATE after READY: the guild with its channels, roles (plus `@everyone`), members (plus the bot)."""
    guild_id = str(guild_id)
    everyone = [role(guild_id, name="@everyone", permissions=MEMBER_PERMISSIONS, position=0)]
    all_roles = ([] if any(r["id"] == guild_id for r in roles) else everyone) + list(roles)
    me = bot or bot_user()
    all_members = list(members) + ([] if any(m["user"]["id"] == me["id"] for m in members) else [member(me)])
    return {
        "id": guild_id,
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(owner_id or all_members[0]["user"]["id"]),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": all_roles,
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "incidents_data": None,
        "joined_at": "2024-01-01T00:00:00+00:00",
        "large": False,
        "unavailable": False,
        "lazy": True,
        "member_count": len(all_members),
        "members": all_members,
        "channels": [{k: v for k, v in c.items() if k != "guild_id"} for c in channels],
        "threads": [{**t, "guild_id": guild_id} for t in threads],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


# -- messages --------------------------------------------------------------------------------------------------


def mention(who: dict | str | int) -> str:
    """`<@id>`: how a user mention reads in content."""
    return f"<@{who['id'] if isinstance(who, dict) else who}>"


def message_create(
    channel_id: str | int,
    *,
    content: str = "",
    author: dict | None = None,
    guild_id: str | int | None = None,
    roles: Iterable[str | int] = (),
    mentions: Sequence[dict] = (),
    mention_roles: Iterable[str | int] = (),
    reply_to: dict | None = None,
    attachments: Sequence[dict] = (),
    embeds: Sequence[dict] = (),
    components: Sequence[dict] = (),
    message_id: str | int | None = None,
    message_content_intent: bool = True,
    bot_id: str = BOT_ID,
) -> dict:
    """MESSAGE_CREATE in a guild channel or thread (`guild_id` set; the author's `member` with `roles`) or a DM.

    `mentions` are user objects (`bot_user()` for the bot). Without the MESSAGE_CONTENT intent Discord empties
    `content`, `embeds`, `attachments` and `components` of guild messages, except the bot's own and those that
    mention the bot; DMs always carry them.
    """
    author = author or user()
    in_guild = guild_id is not None
    message: dict[str, Any] = {
        "id": str(message_id or snowflake()),
        "channel_id": str(channel_id),
        "type": 19 if reply_to else 0,
        "content": content,
        "author": author,
        "attachments": list(attachments),
        "embeds": list(embeds),
        "components": list(components),
        "mentions": [{**u, "member": _partial_member(())} if in_guild else u for u in mentions],
        "mention_roles": [str(r) for r in mention_roles],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": _now(),
        "edited_timestamp": None,
        "flags": 0,
    }
    if in_guild:
        message["guild_id"] = str(guild_id)
        message["member"] = _partial_member(roles)
    if reply_to:
        reference = {"type": 0, "channel_id": reply_to["channel_id"], "message_id": reply_to["id"]}
        message["message_reference"] = reference | ({"guild_id": str(guild_id)} if in_guild else {})
        message["referenced_message"] = reply_to
    hidden = in_guild and not message_content_intent and author["id"] != bot_id
    if hidden and all(u["id"] != bot_id for u in mentions):
        message |= {"content": "", "embeds": [], "attachments": [], "components": []}
    return message


# -- interactions ----------------------------------------------------------------------------------------------


def _interaction_token(interaction_id: str) -> str:
    raw = f"interaction:{interaction_id}:{secrets.token_urlsafe(48)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def interaction_create(
    kind: int,
    *,
    data: dict,
    channel: dict,
    guild_id: str | int | None = None,
    who: dict | None = None,
    roles: Iterable[str | int] = (),
    permissions: int = MEMBER_PERMISSIONS,
    message: dict | None = None,
    application_id: str = APPLICATION_ID,
    locale: str = "en-US",
) -> dict:
    """INTERACTION_CREATE of type `kind` (2 command, 3 component, 5 modal submit) by `who`.

    In a guild it carries `member` (with `roles` and computed `permissions`), in a DM `user`; always `token`,
    `application_id`, `id`, `version` 1, the channel object and the app's permissions there.
    """
    interaction_id = snowflake()
    who = who or user()
    in_guild = guild_id is not None
    payload: dict[str, Any] = {
        "id": interaction_id,
        "application_id": str(application_id),
        "type": kind,
        "data": data,
        "token": _interaction_token(interaction_id),
        "version": 1,
        "locale": locale,
        "app_permissions": str(APP_PERMISSIONS),
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "channel": {**channel, **({"guild_id": str(guild_id)} if in_guild else {})},
        "channel_id": channel["id"],
        "context": 0 if in_guild else 1,
        "authorizing_integration_owners": {"0": str(guild_id)} if in_guild else {"1": who["id"]},
    }
    if in_guild:
        payload["guild_id"] = str(guild_id)
        payload["guild"] = {"id": str(guild_id), "locale": "en-US", "features": []}
        payload["guild_locale"] = "en-US"
        payload["member"] = {**member(who, roles=roles), "permissions": str(permissions)}
    else:
        payload["user"] = who
    if message is not None:
        payload["message"] = message
    return payload


def option(name: str, value: Any, kind: int | None = None) -> dict:
    """One filled-in command option; the type follows the Python value unless `kind` is given (6 user, 7 channel...)."""
    return {"name": name, "type": kind or OPTION_TYPES[type(value)], "value": value}


def slash_command(
    name: str,
    *,
    channel: dict,
    options: Mapping[str, Any] | Sequence[dict] = (),
    subcommand: str | None = None,
    group: str | None = None,
    command_id: str | int | None = None,
    guild_id: str | int | None = None,
    registered_in: str | int | None = None,
    who: dict | None = None,
    roles: Iterable[str | int] = (),
    resolved: dict | None = None,
) -> dict:
    """A slash command (interaction type 2): `/name [group] [subcommand] options...`, used in `guild_id` (or a DM).

    `options` is a mapping of name to value (typed from the value) or a list of `option(...)` dicts.
    `registered_in` is the guild the command was registered to: Discord sets `data.guild_id` only for guild
    commands, and discord.py's CommandTree looks the command up there.
    """
    filled = [option(k, v) for k, v in options.items()] if isinstance(options, Mapping) else list(options)
    if subcommand:
        filled = [{"name": subcommand, "type": 1, "options": filled}]
    if group:
        filled = [{"name": group, "type": 2, "options": filled}]
    data: dict[str, Any] = {"id": str(command_id or snowflake()), "name": name, "type": 1, "options": filled}
    if registered_in is not None:
        data["guild_id"] = str(registered_in)
    if resolved:
        data["resolved"] = resolved
    return interaction_create(2, data=data, channel=channel, guild_id=guild_id, who=who, roles=roles)


def button_click(
    message: dict,
    custom_id: str,
    *,
    channel: dict,
    guild_id: str | int | None = None,
    who: dict | None = None,
    roles: Iterable[str | int] = (),
) -> dict:
    """A click on a button (interaction type 3, component type 2) of `message` (the card as the fake stored it)."""
    data = {"custom_id": custom_id, "component_type": 2}
    return interaction_create(3, data=data, channel=channel, guild_id=guild_id, who=who, roles=roles, message=message)


def modal_submit(
    custom_id: str,
    values: Mapping[str, str],
    *,
    channel: dict,
    guild_id: str | int | None = None,
    who: dict | None = None,
    roles: Iterable[str | int] = (),
    message: dict | None = None,
) -> dict:
    """A modal submit (interaction type 5): one action row per text input, `{custom_id: value}`.

    Pass `message` when the modal was opened from a button on that message (Discord then includes it).
    """
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()]
    data = {"custom_id": custom_id, "components": rows}
    return interaction_create(5, data=data, channel=channel, guild_id=guild_id, who=who, roles=roles, message=message)


# -- feeding a discord.py client -------------------------------------------------------------------------------


async def dispatch(client: discord.Client, event: str, data: dict, *, fake: FakeDiscord | None = None) -> None:
    """Feed one dispatch payload to `client` as its gateway would, after telling `fake` (Discord's side) about it.

    Listeners, view callbacks and commands run as tasks on the loop; wait for their effects on the fake with
    `await fake.wait_for_async(...)`.
    """
    if fake is not None:
        fake.learn(event, data)
    client._connection.parsers[event](copy.deepcopy(data))  # discord.py keeps and mutates what it parses
    for _ in range(3):
        await asyncio.sleep(0)


async def login_against(client: discord.Client, fake: FakeDiscord) -> None:
    """Point discord.py's REST base at the fake and log `client` in (GET /users/@me, /oauth2/applications/@me).

    `Route.BASE` is process-wide: prefer `logged_in`, which puts it back and closes the client.
    """
    discord.http.Route.BASE = fake.url
    await client.login(fake.token)


@asynccontextmanager
async def logged_in(client: discord.Client, fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    """`login_against` for a block; closes the client and restores `Route.BASE` afterwards."""
    previous = discord.http.Route.BASE
    try:
        await login_against(client, fake)
        yield client
    finally:
        await client.close()
        discord.http.Route.BASE = previous
