"""Driving BrandPilot's Discord bot in tests: a guild with an approver role, mentions, clicks and their answers."""

from __future__ import annotations

import asyncio

from discord_payloads import (
    bot_user,
    button_click,
    dispatch,
    guild_create,
    login_against,
    member,
    mention,
    message_create,
    ready,
    role,
    text_channel,
    user,
)
from fake_discord import BOT_ID, FakeDiscord
from sqlalchemy import select

from bot.app import App
from bot.discord.client import BrandPilotBot
from bot.runner import ThreadRunner
from memory.models import ScheduledPost

GUILD = "1190000000000000001"
CHANNEL = "1190000000000000002"
APPROVER_ROLE = "1190000000000000003"
DANA = user("1190000000000000004", username="dana")  # an approver
SAM = user("1190000000000000005", username="sam")  # not one
MARKETING = text_channel(CHANNEL, name="marketing", guild_id=GUILD)
REQUEST = "write a tweet about our winter candle sale"
CONFIG = (
    f"approvers:\n  discord_roles: ['{APPROVER_ROLE}']\n"
    f"workspaces:\n  - {{surface: discord, id: '{GUILD}', brand: harbor-pine}}\n"
    f"discord:\n  command_guilds: ['{GUILD}']\n"
)


def the_guild(*threads: dict) -> dict:
    """GUILD_CREATE for the test server: #marketing, the approver role, Dana (approver) and Sam (not)."""
    people = [member(DANA, roles=[APPROVER_ROLE]), member(SAM)]
    return guild_create(
        GUILD, channels=[MARKETING], roles=[role(APPROVER_ROLE, name="Approvers")], members=people, threads=threads
    )


async def start(app: App, fake: FakeDiscord, *threads: dict) -> BrandPilotBot:
    """A bot logged in against the fake (its commands synced to the guild) that has seen READY and the guild."""
    fake.learn("GUILD_CREATE", the_guild(*threads))  # Discord knows the guild before the bot syncs commands there
    bot = BrandPilotBot(app, ThreadRunner(app), guild_ready_timeout=0.01)
    await login_against(bot, fake)
    await dispatch(bot, "READY", ready(guild_ids=[GUILD]), fake=fake)
    await dispatch(bot, "GUILD_CREATE", the_guild(*threads), fake=fake)
    await asyncio.wait_for(bot.wait_until_ready(), 5)
    return bot


def a_mention(text: str, *, author: dict = DANA, roles: tuple[str, ...] = (APPROVER_ROLE,)) -> dict:
    """MESSAGE_CREATE of `text` mentioning the bot in #marketing (without the message-content intent)."""
    return message_create(
        CHANNEL,
        guild_id=GUILD,
        author=author,
        roles=roles,
        content=f"{mention(BOT_ID)} {text}",
        mentions=[bot_user()],
        message_content_intent=False,
    )


async def card_in_thread(bot: BrandPilotBot, fake: FakeDiscord, text: str = REQUEST) -> tuple[dict, dict]:
    """Mention the bot; returns (the thread it started, the draft card it posted there)."""
    asked = a_mention(text)
    await dispatch(bot, "MESSAGE_CREATE", asked, fake=fake)
    [started] = await fake.wait_for_async("POST", f"/channels/{CHANNEL}/messages/{asked['id']}/threads")
    thread = fake.channels[asked["id"]]
    cards = []
    for _ in range(3000):  # up to a minute on a busy machine
        cards = [m for m in fake.sent(thread["id"]) if m.get("components")]
        if cards:
            break
        await asyncio.sleep(0.02)
    assert cards, [r.path for r in fake.requests]
    return thread, cards[-1]


def custom_ids(message: dict) -> list[str]:
    """The custom ids of a message's buttons, in order."""
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


def scheduled(app: App) -> list[ScheduledPost]:
    """Every post in the queue."""
    with app.sessions() as session:
        return list(session.scalars(select(ScheduledPost)))


async def click(bot: BrandPilotBot, fake: FakeDiscord, card: dict, thread: dict, action: str, who: dict = DANA):
    """Press the card's `action` button as `who` (Dana holds the approver role); returns the interaction."""
    custom = next(c for c in custom_ids(card) if c.startswith(f"bp:{action}:"))
    roles = (APPROVER_ROLE,) if who is DANA else ()
    payload = button_click(card, custom, channel=thread, guild_id=GUILD, who=who, roles=roles)
    await dispatch(bot, "INTERACTION_CREATE", payload, fake=fake)
    return payload


async def answered(fake: FakeDiscord, interaction: dict, count: int = 1) -> list:
    """The interaction's callbacks once there are `count` of them."""
    for _ in range(3000):  # up to a minute on a busy machine
        found = [r for r in fake.interaction_responses if r.interaction_id == interaction["id"]]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"interaction {interaction['id']} was not answered")
