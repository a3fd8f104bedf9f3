"""The Slack app: Bolt `AsyncApp` listeners that turn events into turns, run them off the request path and reply."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import aiohttp
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import App
from bot.runner import TurnRunner, make_runner
from bot.slack.alerts import register_alerts
from bot.slack.approvals import register_approvals
from bot.slack.assistant import register_assistant
from bot.slack.blocks import Message, reply_messages, text_messages
from bot.slack.commands import register_commands
from bot.slack.crisis_thread import register_crisis_thread
from bot.slack.events import turn_from_event
from bot.slack.oauth import new_bolt
from bot.slack.pacing import Pacer, pacing_middleware
from bot.slack.streaming import TextStream
from bot.turns import InputError, Turn
from memory.coordination import ThreadBusyError

log = logging.getLogger(__name__)
EVENT_TTL_SECONDS = 24 * 3600  # Slack retries within minutes; a day covers replays after an outage
WORKING = "Working on it…"

Asgi = Callable[
    [dict[str, Any], Callable[[], Awaitable[dict[str, Any]]], Callable[[dict[str, Any]], Awaitable[None]]],
    Awaitable[None],
]
# How a running turn shows progress: called with (client, turn, channel, thread_ts) once the turn is taken; returns
# the ts of a message that the first reply replaces in place, or None when every reply is posted anew.
Progress = Callable[[AsyncWebClient, Turn, str, str], Awaitable[str | None]]


def build_slack_app(
    app: App, *, mode: Literal["http", "socket"] = "http", runner: TurnRunner | None = None
) -> AsyncApp:
    """Bolt listeners over the conversation service; graph work goes to `runner` (by default as the settings say)."""
    settings = app.settings
    bolt = new_bolt(app, mode, retry_handlers=retry_handlers())  # SLACK_BOT_TOKEN, or OAuth installs (oauth.py)
    bolt.use(pacing_middleware(Pacer(app.coordinator)))
    runner = runner or make_runner(app)  # after the settings checks: a bad setting starts no worker
    conversations = SlackConversations(app, runner)

    @bolt.event("app_mention")
    async def on_mention(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
        await conversations.handle(body, event, client, bot_user_id=context.bot_user_id)

    @bolt.event("message")
    async def on_message(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
        bot = context.bot_user_id
        direct = event.get("channel_type") == "im"
        if bot and not direct and f"<@{bot}>" in str(event.get("text") or ""):
            return  # in a channel, the app_mention event for the same message runs the turn (DMs get none)
        thread_ts = event.get("thread_ts")
        if not direct and not thread_ts:
            return  # a channel message that doesn't mention us is not for us
        if not direct and not settings.slack.follow_up(str(event.get("channel") or "")):
            return  # this channel wants BrandPilot mentioned in every message
        await conversations.handle(body, event, client, bot_user_id=bot, known_threads_only=not direct)

    register_approvals(bolt, app, runner)
    register_assistant(bolt, conversations)  # the assistant pane (its thread messages never reach on_message)

    async def ask(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        await conversations.handle(body, event, client, bot_user_id=None)

    register_commands(bolt, app, ask)
    register_alerts(bolt, app, runner, ask)
    register_crisis_thread(bolt, app, runner)
    return bolt


def retry_handlers() -> list[Any]:
    """Web API retries: 429 after its Retry-After, 500/503 and dropped connections with backoff."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=2),
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
    ]


class SlackConversations:
    """One Slack message in, the thread's replies out: deduplicated, off the request path, failures said aloud."""

    def __init__(self, app: App, runner: TurnRunner) -> None:
        """Use the running assistant's service and coordination; turns run on `runner`."""
        self.app = app
        self.runner = runner

    async def handle(
        self,
        body: dict[str, Any],
        event: dict[str, Any],
        client: AsyncWebClient,
        *,
        bot_user_id: str | None,
        known_threads_only: bool = False,
        progress: Progress | None = None,
    ) -> None:
        """Run the turn an event stands for once, however often Slack delivers it, showing `progress` meanwhile."""
        turn = turn_from_event(event, team_id=str(body.get("team_id") or ""), bot_user_id=bot_user_id)
        if turn is None:
            return
        if known_threads_only and not await asyncio.to_thread(self.app.service.thread_exists, turn.thread_key):
            return  # a thread reply in a thread BrandPilot never joined
        if not self.first_delivery(body, event):
            return  # a retry of an event already taken
        channel, thread_ts = event["channel"], event.get("thread_ts") or event["ts"]
        placeholder = await (progress or self.working_message)(client, turn, channel, thread_ts)
        stream = None
        if self.app.settings.model:  # only a model writes text worth streaming
            stream = TextStream(client, channel=channel, thread_ts=thread_ts, team=turn.workspace, user=turn.user)
        messages = await self._replies(turn, on_text=stream.feed if stream else None)
        streamed = await stream.finish() if stream else None
        if streamed:  # the streamed message becomes the first reply, rendered; the progress message goes
            first, *messages = messages
            await _replace(client, channel, thread_ts, streamed, first)
            if placeholder:
                try:
                    await client.chat_delete(channel=channel, ts=placeholder)
                except SlackApiError as exc:  # a leftover "Working on it…" is untidy, not a reason to stop
                    log.warning("could not remove the progress message in %s (%s)", channel, exc.response.get("error"))
        elif placeholder:
            first, *messages = messages
            await _replace(client, channel, thread_ts, placeholder, first)
        for message in messages:
            await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message.payload())

    def first_delivery(self, body: dict[str, Any], event: dict[str, Any]) -> bool:
        """Whether this delivery of an event is its first (Slack retries with the same `event_id`)."""
        event_id = str(body.get("event_id") or f"{event.get('channel')}:{event.get('ts') or event.get('event_ts')}")
        return self.app.coordinator.first_seen(f"slack:event:{event_id}", ttl=EVENT_TTL_SECONDS)

    @staticmethod
    async def working_message(client: AsyncWebClient, turn: Turn, channel: str, thread_ts: str) -> str | None:
        """The progress of channels and DMs: "Working on it…" in the thread, replaced in place by the first reply."""
        posted = await client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=WORKING)
        return str(posted["ts"])

    async def _replies(self, turn: Turn, *, on_text: Callable[[str], None] | None = None) -> list[Any]:
        """The turn's replies as Slack messages, or a plain-words message saying what went wrong."""
        try:
            result = await self.runner.handle_turn(turn, on_text=on_text)
        except ThreadBusyError:
            return text_messages(
                "I'm still working on the previous message in this thread; send this again in a moment."
            )
        except InputError as exc:
            return text_messages(str(exc))
        except Exception as exc:  # reported in the thread, never silence; the details go to the log
            log.exception("Slack turn failed in %s", turn.thread_key)
            kind = getattr(exc, "kind", type(exc).__name__)  # a worker's error keeps its own name
            return text_messages(
                f"Something went wrong on my side ({kind}), so nothing was drafted or changed. "
                "Try again in a minute; if it keeps happening, ask whoever runs BrandPilot to check its logs."
            )
        return reply_messages(result.replies, turn.thread_key) or text_messages("Done.")


async def _replace(client: AsyncWebClient, channel: str, thread_ts: str, ts: str, message: Message) -> None:
    """Show `message` in place of a progress or streamed message; if Slack won't edit that one, post it anew."""
    try:
        await client.chat_update(channel=channel, ts=ts, **message.payload())
    except SlackApiError as exc:
        log.warning("could not replace message %s in %s (%s)", ts, channel, exc.response.get("error"))
        await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message.payload())


def share_connections(bolt: AsyncApp) -> aiohttp.ClientSession:
    """One HTTP session (kept-alive connections) for every Web API call, instead of a new one per call."""
    session = aiohttp.ClientSession()
    bolt.client.session = session  # per-request clients are made with the app client's session
    return session


async def serve_socket_mode(bolt: AsyncApp, app_token: str) -> None:
    """Connect to Slack over Socket Mode (the Web API URL from the settings opens the connection) and serve."""
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    async with share_connections(bolt):
        await AsyncSocketModeHandler(bolt, app_token).start_async()


def asgi_app(
    bolt: AsyncApp,
    *,
    ready: Callable[[], bool] = lambda: True,
    on_shutdown: Callable[[], None] = lambda: None,
    webhooks: Asgi | None = None,
) -> Asgi:
    """`/slack/events` for events, commands and interactivity; `/healthz` (alive) and `/readyz` (ready to serve).

    With `webhooks`, requests under `/webhooks/` (the social platforms' deliveries) go to it.
    """
    slack = AsyncSlackRequestHandler(bolt)

    async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(bolt, receive, send, on_shutdown)
            return
        path = scope.get("path", "")
        if scope["type"] == "http" and path in ("/healthz", "/readyz"):
            ok = path == "/healthz" or ready()
            status, body = (200, b"ok") if ok else (503, b"not ready")
            await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": body})
            return
        if webhooks is not None and scope["type"] == "http" and path.startswith("/webhooks/"):
            await webhooks(scope, receive, send)
            return
        await slack(scope, receive, send)

    return application


async def _lifespan(bolt: AsyncApp, receive: Any, send: Any, on_shutdown: Callable[[], None]) -> None:
    """ASGI lifespan: the shared Web API session opens at startup; at shutdown it closes and `on_shutdown` runs."""
    session: aiohttp.ClientSession | None = None
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            session = share_connections(bolt)
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if session is not None:
                await session.close()
            await asyncio.to_thread(on_shutdown)
            await send({"type": "lifespan.shutdown.complete"})
            return
