"""The Slack assistant pane: a greeting and suggested prompts when a thread opens, then turns as in a DM."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import (
    AsyncApp,
    AsyncAssistant,
    AsyncSetStatus,
    AsyncSetSuggestedPrompts,
    AsyncSetTitle,
)
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from agents.replies import capabilities
from agents.specialists.registry import Specialist, build_registry
from bot.slack.blocks import text_messages
from bot.turns import Turn

if TYPE_CHECKING:
    from bot.slack.server import Progress, SlackConversations

log = logging.getLogger(__name__)
STATUS = "is working on it…"  # shown as "BrandPilot is working on it…"; Slack clears it when the reply is posted
TITLE_CHARS = 60
PROMPTS_TITLE = "Try one of these"
# At most four (Slack's limit), each answered by a capability that is built; deploy/slack/manifest.yaml repeats them.
SUGGESTED_PROMPTS: tuple[dict[str, str], ...] = (
    {"title": "Draft a post for X", "message": "Write a post for X announcing our newest product"},
    {"title": "Draft a LinkedIn post", "message": "Draft a LinkedIn post thanking our customers for a great year"},
    {"title": "Check a draft against the brand rules", "message": "Check a draft against our brand guidelines"},
    {"title": "Ask about the brand", "message": "What do our brand guidelines say about emoji?"},
)


def greeting(registry: dict[str, Specialist]) -> str:
    """What a new pane thread opens with: what BrandPilot can do today (built specialists only), in Markdown."""
    return (
        "Hi! I'm BrandPilot, your marketing team's assistant. Here's what I can do today:\n"
        f"{capabilities(registry)}\n"
        "- **Brand questions**: answer from your brand pack and say which document each answer comes from.\n\n"
        "Nothing is published until an approver presses Approve on its draft. Pick a suggestion or just ask."
    )


def thread_title(text: str, limit: int = TITLE_CHARS) -> str:
    """A pane thread's title from its first message: one line, cut at a word with an ellipsis when too long."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def pane_progress(conversations: SlackConversations, set_title: AsyncSetTitle, set_status: AsyncSetStatus) -> Progress:
    """The pane's progress: the thread titled after its first message, then the status until the reply is posted."""

    async def show(client: AsyncWebClient, turn: Turn, channel: str, thread_ts: str) -> str | None:
        title = thread_title(turn.text)
        if title and not await asyncio.to_thread(conversations.app.service.thread_exists, turn.thread_key):
            try:
                await set_title(title)
            except SlackApiError as exc:  # a title is a nicety: the turn goes on without it
                log.warning("Could not title assistant thread %s: %s", turn.thread_key, exc.response.get("error"))
        try:
            await set_status(STATUS)
        except SlackApiError as exc:  # e.g. the app lacks assistant:write: show progress the channel way instead
            log.warning(
                "No assistant status in %s (%s); posting a progress message", turn.thread_key, exc.response.get("error")
            )
            return await conversations.working_message(client, turn, channel, thread_ts)
        return None

    return show


def register_assistant(bolt: AsyncApp, conversations: SlackConversations) -> None:
    """Bolt's assistant middleware: it takes every assistant-thread event, so none reaches the app's DM listener."""
    assistant = AsyncAssistant()
    opening = text_messages(greeting(build_registry()))[0].payload()

    @assistant.thread_started
    async def on_thread_started(
        body: dict[str, Any],
        event: dict[str, Any],
        client: AsyncWebClient,
        set_suggested_prompts: AsyncSetSuggestedPrompts,
    ) -> None:
        """A person opened a new pane thread: greet once and offer prompts that work today."""
        if not conversations.first_delivery(body, event):
            return  # a retry of a thread start already greeted
        thread = event["assistant_thread"]  # posted directly: Bolt's `say` would attach thread context we don't use
        await client.chat_postMessage(channel=thread["channel_id"], thread_ts=thread["thread_ts"], **opening)
        await set_suggested_prompts(prompts=[dict(p) for p in SUGGESTED_PROMPTS], title=PROMPTS_TITLE)

    @assistant.user_message
    async def on_user_message(
        body: dict[str, Any],
        event: dict[str, Any],
        client: AsyncWebClient,
        context: Any,
        set_title: AsyncSetTitle,
        set_status: AsyncSetStatus,
    ) -> None:
        """A message in the pane: the same turn as a DM's, with the pane's title and status as its progress."""
        progress = pane_progress(conversations, set_title, set_status)
        await conversations.handle(body, event, client, bot_user_id=context.bot_user_id, progress=progress)

    @assistant.bot_message
    async def on_bot_message() -> None:
        """Bots' posts in the pane start nothing (BrandPilot's own never arrive: Bolt drops them first)."""

    @assistant.thread_context_changed
    async def on_context_changed(event: dict[str, Any]) -> None:
        """The person switched channels with the pane open; turns don't depend on that, so there is nothing to keep."""
        log.debug("Assistant thread context changed: %s", (event.get("assistant_thread") or {}).get("context"))

    bolt.assistant(assistant)
