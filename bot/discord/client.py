"""The Discord bot: mentions start threads, follow-ups continue them, DMs work; least intents; persistent cards."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import Any

import discord
import yarl
from discord.backoff import ExponentialBackoff
from discord.ext import commands
from discord.gateway import DiscordWebSocket

from bot.app import App
from bot.discord.render import NO_PINGS, reply_messages, text_messages
from bot.discord.views import CardButton, card_view, discord_turn
from bot.runner import TurnRunner
from bot.turns import InputError, Reply, Turn
from memory.coordination import ThreadBusyError

log = logging.getLogger(__name__)
THREAD_NAME_LIMIT = 100
Conversation = discord.Thread | discord.DMChannel | discord.TextChannel


def use_api(base_url: str, gateway_url: str | None = None) -> None:
    """Send discord.py's REST calls to `base_url` and its gateway connection to `gateway_url`.

    DISCORD_API_URL and DISCORD_GATEWAY_URL: Discord's own by default, a proxy or a local fake in tests.
    """
    discord.http.Route.BASE = base_url.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def intents_for(follow_ups: bool) -> discord.Intents:
    """The least the bot needs: guilds, guild and DM messages; message content only for un-mentioned follow-ups."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = follow_ups  # privileged: mentions and DMs carry their content without it
    return intents


class BrandPilotBot(commands.Bot):
    """discord.py's bot with the running assistant injected; all conversation goes through the shared service."""

    def __init__(self, app: App, runner: TurnRunner, **client_options: Any) -> None:
        """Serve `app`'s assistant, running turns and decisions through `runner` (`client_options`: discord.py's)."""
        self.app, self.runner = app, runner
        self.options = app.settings.discord
        self._alerts: asyncio.Task[None] | None = None
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents_for(self.options.follow_up_without_mention),
            allowed_mentions=NO_PINGS,
            help_command=None,
            **client_options,
        )

    async def setup_hook(self) -> None:
        """Register the persistent card buttons (so cards work after a restart) and the application commands."""
        from bot.discord.alerts import AlertButton
        from bot.discord.commands import register_commands
        from bot.discord.crisis_thread import ResumeButton

        self.add_dynamic_items(CardButton, AlertButton, ResumeButton)
        register_commands(self)
        await self.sync_commands()
        if self.options.alerts_channel or any(d.surface == "discord" for d in self.app.settings.digests):
            self._alerts = asyncio.create_task(self._delivery_loop())

    async def _delivery_loop(self) -> None:
        """Every publishing poll interval: alert cards raised by background jobs, then the digests that are due."""
        await self.wait_until_ready()
        while not self.is_closed():
            await self.deliver_once()
            await asyncio.sleep(self.app.settings.publishing.poll_seconds)

    async def deliver_once(self) -> int:
        """One delivery pass; a failed part is logged and the next pass retries what is still unposted."""
        from bot.discord.alerts import dispatch_alerts
        from bot.discord.digests import discord_digests

        posted = 0
        try:
            if self.options.alerts_channel:
                posted += await dispatch_alerts(self, self.options.alerts_channel)
        except Exception:
            log.exception("Discord alert dispatch failed")
        try:
            posted += await discord_digests(self, self.app).run_once()
        except Exception:
            log.exception("Discord digests failed")
        return posted

    async def sync_commands(self) -> None:
        """Sync /brandpilot to the configured guilds at once (development), else globally."""
        if not self.options.command_guilds:
            await self.tree.sync()
            return
        for guild_id in self.options.command_guilds:
            guild = discord.Object(id=int(guild_id))
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)

    async def connect(self, *, reconnect: bool = True) -> None:
        """discord.py's connect, retrying a first connection that fails before any gateway session exists.

        discord.py 2.7 handles a failed reconnect by resuming its last session, and fails with AttributeError when
        the very first connection failed (there is none): one network blip at start-up would stop the bot.
        """
        backoff = ExponentialBackoff()
        while True:
            try:
                await super().connect(reconnect=reconnect)
                return
            except AttributeError:
                if self.ws is not None or self.is_closed() or not reconnect:
                    raise
                delay = backoff.delay()
                log.warning("Discord's gateway could not be reached; trying again in %.0f s", delay)
                await asyncio.sleep(delay)

    async def on_message(self, message: discord.Message) -> None:
        """A mention starts a thread (or continues one), a DM continues the DM, other messages are left alone."""
        if message.author.bot or self.user is None:
            return
        channel = await self._conversation(message)
        if channel is None:
            return
        text = _without_mentions(message.content, self.user.id)
        turn = discord_turn(message.guild.id if message.guild else None, channel.id, message.author, text)
        await self.answer(channel, turn, nonce_base=str(message.id))

    async def answer(self, channel: discord.abc.Messageable, turn: Turn, *, nonce_base: str) -> None:
        """Run the turn with the typing indicator on and post its replies; failures are said in plain words."""
        try:
            async with channel.typing():
                result = await self.runner.handle_turn(turn)
        except InputError as exc:
            await channel.send(str(exc), allowed_mentions=NO_PINGS)
            return
        except ThreadBusyError:
            message = "I'm still working on the previous message in this thread; send this again when it's answered."
            await channel.send(message, allowed_mentions=NO_PINGS)
            return
        except Exception as exc:
            log.exception("Discord turn failed in %s", turn.thread_key)
            message = f"Something went wrong on my side ({type(exc).__name__}); nothing was changed. Try again."
            await channel.send(message, allowed_mentions=NO_PINGS)
            return
        await self.post_replies(channel, result.replies, nonce_base=nonce_base)

    async def post_replies(
        self, channel: discord.abc.Messageable, replies: Sequence[Reply], *, nonce_base: str | None = None
    ) -> None:
        """Post a turn's replies in order; with `nonce_base`, a retried send can't post the same message twice."""
        for index, out in enumerate(reply_messages(list(replies))):
            nonce = f"{nonce_base[-20:]}{index:02d}" if nonce_base else None
            view = card_view(out.request) if out.request is not None else discord.utils.MISSING
            await channel.send(
                content=out.content or None,
                embed=out.embed or discord.utils.MISSING,
                view=view,
                nonce=nonce,
                allowed_mentions=NO_PINGS,
            )

    async def post_text(self, channel: discord.abc.Messageable, markdown: str) -> None:
        """Markdown as messages within Discord's limit."""
        for out in text_messages(markdown):
            await channel.send(out.content, allowed_mentions=NO_PINGS)

    async def _conversation(self, message: discord.Message) -> Conversation | None:
        """Where the answer goes: the DM, the thread, or a new thread started from a mention; None: not for us."""
        assert self.user is not None
        channel = message.channel
        if isinstance(channel, discord.DMChannel):
            return channel
        mentioned = self.user in message.mentions
        if isinstance(channel, discord.Thread):
            followed = self.options.follow_up_without_mention and channel.owner_id == self.user.id
            return channel if mentioned or followed else None
        if mentioned and isinstance(channel, discord.TextChannel):
            name = _without_mentions(message.content, self.user.id) or "BrandPilot"
            return await message.create_thread(name=" ".join(name.split())[:THREAD_NAME_LIMIT])
        return None


def _without_mentions(content: str, bot_id: int) -> str:
    """The message text without the mention of the bot."""
    return re.sub(rf"<@!?{bot_id}>", "", content).strip()
