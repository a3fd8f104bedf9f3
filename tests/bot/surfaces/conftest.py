"""One driver per chat surface (Slack, Discord, terminal) with a common interface, for the shared-behaviour suite.

Each driver talks to its surface through that surface's own machinery, on the embedded defaults (offline
template drafts, SQLite, in-process coordination, turns on threads):

- Slack: signed Events API and interactive payloads posted to the Bolt ASGI app; what the app sends goes to the
  local fake Slack Web API (`fake_slack.py`), and what a person sees is read from there.
- Discord: raw gateway payloads (MESSAGE_CREATE, THREAD_CREATE, INTERACTION_CREATE) dispatched into discord.py's
  connection state; what the bot sends goes to the local fake Discord REST API (`fake_discord.py`).
- Terminal: the real chat loop (`bot.terminal.chat.run_chat`) on a thread, reading what the person types from
  `sys.stdin` and printing to a Rich console; decisions on a draft that is no longer in front of the person (a
  second press, or another person) go through the terminal's own `brandpilot approve THREAD --id ID` command.

The interface (`say`, `approve` and `reject` are coroutines):

- `say(text) -> list[str]`: the person sends a message in the conversation (the first one starts it); returns
  what they see as a result, one string per message (a draft card's string includes the draft text).
- `cards() -> list[Card]`: the draft cards shown in the conversation so far, oldest first.
- `approve(card, by=None)` / `reject(card, reason, by=None) -> list[str]`: press the card's Approve / Reject (with
  the reason where the surface asks for it) as `by` (default: the approver who asked); returns what they see.
- `scheduled() -> list[ScheduledPost]`: the posts in the publishing queue (the database, as the app stores it);
  `audit_actions()`: the audit log; `pending()`: the draft the conversation's thread waits on, per the service.
- `approver`, `stranger`: the ids of a configured approver and of someone who is not one, as the surface knows them.
- `skip_unless_possible(what)`: skips the test where a person can't do `what` on the surface (`cannot` says why).

Every test gets a fresh assistant (its own home and database); nothing is mocked inside BrandPilot.
"""

from __future__ import annotations

import asyncio
import copy
import html
import io
import json
import queue
import re
import shutil
import threading
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import pytest
from discord_payloads import (
    bot_user,
    button_click,
    dispatch,
    guild_create,
    login_against,
    member,
    mention,
    message_create,
    modal_submit,
    ready,
    role,
    text_channel,
    user,
)
from fake_discord import BOT_ID, fake_discord_server
from fake_slack import BOT_TOKEN, BOT_USER, TEAM, fake_slack_server
from rich.console import Console
from slack_requests import SECRET, block_click, callback, event, interactive, post, view_submission
from sqlalchemy import select

from bot.app import App, open_app
from config.settings import load_settings
from memory.models import AuditLog, ScheduledPost

SURFACES = ["slack", "discord", "terminal"]
QUIET_TIMEOUT = 60.0  # seconds to wait for a surface to finish answering before the test fails

# Who is who, per surface: the approver asks and decides; the stranger is not an approver.
SLACK_APPROVER, SLACK_STRANGER, SLACK_CHANNEL = "U123", "U999", "C42"
GUILD, DISCORD_CHANNEL, APPROVER_ROLE = "1190000000000000001", "1190000000000000002", "1190000000000000003"
DANA = user("1190000000000000004", username="dana")  # a Discord approver (has the approver role)
SAM = user("1190000000000000005", username="sam")  # not one
TERMINAL_APPROVER, TERMINAL_STRANGER, TERMINAL_THREAD = "dana", "sam", "shared-behaviour"

CONFIG = f"""\
approvers:
  slack_users: [{SLACK_APPROVER}]
  discord_roles: ['{APPROVER_ROLE}']
  cli_users: [{TERMINAL_APPROVER}]
workspaces:
  - {{surface: discord, id: '{GUILD}', brand: harbor-pine}}
discord:
  command_guilds: ['{GUILD}']
knowledge:
  auto_ingest: false
"""


@dataclass(frozen=True)
class Card:
    """A draft card as the person sees it."""

    approval_id: str
    title: str  # e.g. "X draft · ready for approval"
    text: str  # the draft text as shown
    actions: frozenset[str]  # the decisions the card offers: approve, edit, reschedule, reject
    ref: Any = field(default=None, compare=False, repr=False)  # the surface's own handle on the card

    @property
    def platform(self) -> str:
        """The platform label the card names ("X", "LinkedIn", ...)."""
        return self.title.split(" draft", 1)[0].strip()

    @property
    def ready(self) -> bool:
        """Whether the card says the draft passed the brand rules and can be approved."""
        return "ready for approval" in self.title


class Driver(ABC):
    """What the three surface drivers share; each surface implements the abstract methods its own way."""

    surface = ""
    approver = ""
    stranger = ""
    cannot: dict[str, str] = {}  # things a person can't do on this surface, and why

    def __init__(self, app: App) -> None:
        """Drive the surface of the running assistant `app`."""
        self.app = app
        self._cards: list[Card] = []

    def skip_unless_possible(self, what: str) -> None:
        """Skip the calling test on a surface where a person can't do `what` (with the surface's reason)."""
        if what in self.cannot:
            pytest.skip(f"{self.surface}: {self.cannot[what]}")

    def cards(self) -> list[Card]:
        """The draft cards shown so far, oldest first."""
        return list(self._cards)

    def scheduled(self) -> list[ScheduledPost]:
        """The publishing queue, from the database."""
        with self.app.sessions() as session:
            return list(session.scalars(select(ScheduledPost)))

    def audit_actions(self) -> list[str]:
        """The audit log's actions, oldest first."""
        with self.app.sessions() as session:
            return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))

    @abstractmethod
    def thread_key(self) -> str:
        """The service's key of the conversation the driver is in."""

    def pending(self) -> Any:
        """The draft the conversation's thread waits on, as the service holds it (None: nothing waits)."""
        return self.app.service.pending_approval(self.thread_key())

    def _saw(self, cards: list[Card]) -> None:
        for card in cards:
            if card.actions:  # an open card (a closed one keeps its text but loses its buttons)
                self._cards.append(card)

    @abstractmethod
    async def say(self, text: str) -> list[str]:
        """Send a message in the conversation; what the person sees as a result."""

    @abstractmethod
    async def approve(self, card: Card, *, by: str | None = None) -> list[str]:
        """Press Approve on `card` as `by` (default: the approver)."""

    @abstractmethod
    async def reject(self, card: Card, reason: str, *, by: str | None = None) -> list[str]:
        """Press Reject on `card` as `by` and give `reason`."""

    async def close(self) -> None:  # noqa: B027 - a hook: a surface with nothing running in the background keeps it
        """Stop the surface (the Slack driver has nothing to stop)."""


# -- waiting for an asyncio surface to finish answering -----------------------------------------------------------


def _lingers(task: asyncio.Task[Any]) -> bool:
    """Tasks that outlive an answer by design: discord.py's timer of an open modal."""
    return "timeout_task_impl" in getattr(task.get_coro(), "__qualname__", "")


async def until_quiet(before: set[asyncio.Task[Any]]) -> None:
    """Wait until every task started since `before` (listeners, turns, button callbacks) has finished."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + QUIET_TIMEOUT
    calm = 0
    while calm < 3:  # a finishing task may start another: require a few quiet looks in a row
        current = asyncio.current_task()
        busy = [t for t in asyncio.all_tasks() - before if t is not current and not t.done() and not _lingers(t)]
        calm = 0 if busy else calm + 1
        if loop.time() > deadline:
            raise AssertionError(f"the surface was still working after {QUIET_TIMEOUT} s: {busy}")
        await asyncio.sleep(0.02)


async def settled(action: Callable[[], Awaitable[Any]]) -> Any:
    """Run `action`, then wait until the work it started is done."""
    before = asyncio.all_tasks()
    result = await action()
    await until_quiet(before)
    return result


# -- Slack ---------------------------------------------------------------------------------------------------------


def _unslack(text: str) -> str:
    """Slack mrkdwn as read: entities decoded, the invisible word joiners that break @here removed."""
    return html.unescape(text).replace("\u2060", "")


def slack_visible(message: dict[str, Any]) -> str:
    """What a Slack message shows: its blocks' text (buttons in brackets), or its plain text."""
    lines = []
    for block in message.get("blocks") or []:
        if block["type"] in ("section", "header"):
            lines.append(block["text"]["text"])
        elif block["type"] == "context":
            lines += [element.get("text", "") for element in block["elements"]]
        elif block["type"] == "actions":
            lines.append(" ".join(f"[{element['text']['text']}]" for element in block["elements"]))
    return _unslack("\n".join(lines) if lines else str(message.get("text") or "")).replace("```", "")


def slack_card(message: dict[str, Any]) -> Card | None:
    """The draft card a Slack message is, if it is one."""
    blocks = message.get("blocks") or []
    header = next((b["text"]["text"] for b in blocks if b["type"] == "header"), "")
    context = " ".join(e.get("text", "") for b in blocks if b["type"] == "context" for e in b["elements"])
    found = re.search(r"approval `([^`]+)`", context)
    if " draft · " not in header or not found:
        return None
    pieces = [
        piece
        for b in blocks
        if b["type"] == "section"
        for piece in re.findall(r"```(.*?)```", b["text"]["text"], flags=re.S)
    ]
    actions = frozenset(
        e["action_id"].removeprefix("brandpilot.") for b in blocks if b["type"] == "actions" for e in b["elements"]
    )
    text = _unslack("".join(pieces))  # a ``` in the draft is shown with a word joiner inside, removed here
    return Card(found.group(1), _unslack(header), text, actions, ref={"ts": message["ts"], "blocks": blocks})


class SlackDriver(Driver):
    """A channel conversation: a mention starts a thread, replies in the thread continue it (no mention needed)."""

    surface = "slack"
    approver, stranger = SLACK_APPROVER, SLACK_STRANGER

    def __init__(self, app: App, fake: Any, application: Any) -> None:
        """Post to the Bolt ASGI `application`; read what it sent from the fake Web API."""
        super().__init__(app)
        self.fake, self.application = fake, application
        self.root: str | None = None
        self._sent = 0

    def thread_key(self) -> str:
        """`slack:TEAM:CHANNEL:ROOT_TS`."""
        return f"slack:{TEAM}:{SLACK_CHANNEL}:{self.root}"

    def _next(self) -> tuple[str, str]:
        self._sent += 1
        return f"1700000000.{100 + self._sent:06d}", f"EvShared{self._sent}"

    async def _act(self, action: Callable[[], Awaitable[Any]], user: str) -> list[str]:
        """Run `action`; what `user` sees afterwards: new or changed messages and notes only they see."""
        with self.fake.lock:
            before = copy.deepcopy(self.fake.messages)
            calls = len(self.fake.calls)
        await settled(action)
        with self.fake.lock:
            after = copy.deepcopy(self.fake.messages)
            new_calls = self.fake.calls[calls:]
        changed = [after[ts] for ts in sorted(after) if before.get(ts) != after[ts]]
        self._saw([card for m in changed if (card := slack_card(m)) is not None])
        private = [
            _unslack(str(c.args.get("text") or ""))
            for c in new_calls
            if c.method == "chat.postEphemeral" and c.args.get("user") == user
        ]
        return [slack_visible(m) for m in changed] + private

    async def say(self, text: str) -> list[str]:
        """A mention of BrandPilot starts the thread; later messages are plain replies in it (a mention if empty)."""
        ts, event_id = self._next()
        if self.root is None or not text.strip():
            extra = {"thread_ts": self.root} if self.root else {}
            body = event(f"<@{BOT_USER}> {text}", event_id=event_id, ts=ts, user=self.approver, **extra)
        else:
            inner = {"type": "message", "channel_type": "channel", "user": self.approver, "channel": SLACK_CHANNEL}
            inner |= {"ts": ts, "thread_ts": self.root, "text": text, "team": TEAM}
            body = callback(inner, event_id)
        self.root = self.root or ts
        return await self._act(lambda: post(self.application, body), self.approver)

    def _click(self, card: Card, action: str, user: str) -> dict[str, Any]:
        if action not in card.actions:
            raise AssertionError(f"the card has no {action} button: {sorted(card.actions)}")
        return block_click(card.ref, f"brandpilot.{action}", user, channel=SLACK_CHANNEL)

    async def approve(self, card: Card, *, by: str | None = None) -> list[str]:
        """Click the card's Approve button."""
        who = by or self.approver
        return await self._act(lambda: interactive(self.application, self._click(card, "approve", who)), who)

    async def reject(self, card: Card, reason: str, *, by: str | None = None) -> list[str]:
        """Click Reject; if the modal opens, type the reason and submit it."""
        who = by or self.approver
        opened = len(self.fake.of("views.open"))
        shown = await self._act(lambda: interactive(self.application, self._click(card, "reject", who)), who)
        views = self.fake.of("views.open")[opened:]
        if not views:
            return shown  # refused: no modal
        view = views[-1].args["view"]
        view = json.loads(view) if isinstance(view, str) else view
        submission = view_submission(view, {"type": "plain_text_input", "value": reason}, who)
        return shown + await self._act(lambda: interactive(self.application, submission), who)


# -- Discord -------------------------------------------------------------------------------------------------------


def discord_visible(message: dict[str, Any]) -> str:
    """What a Discord message shows: content, embeds (title, description, fields, footer) and button labels."""
    lines = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        lines += [embed.get("title") or "", embed.get("description") or ""]
        lines += [f"{f['name']}: {f['value']}" for f in embed.get("fields") or []]
        lines.append((embed.get("footer") or {}).get("text") or "")
    for row in message.get("components") or []:
        lines.append(" ".join(f"[{c.get('label')}]" for c in row.get("components") or []))
    return "\n".join(line for line in lines if line).replace("```", "").replace("\u200b", "")


def discord_card(message: dict[str, Any]) -> Card | None:
    """The draft card a Discord message is, if it is one."""
    for embed in message.get("embeds") or []:
        title = embed.get("title") or ""
        found = re.fullmatch(r"approval (\S+)", (embed.get("footer") or {}).get("text") or "")
        if " draft · " in title and found:
            body = embed.get("description") or ""
            text = body.removeprefix("```\n").split("\n```", 1)[0].replace("`\u200b``", "```")
            actions = frozenset(
                c["custom_id"].split(":")[1]
                for row in message.get("components") or []
                for c in row.get("components") or []
                if c.get("custom_id", "").startswith("bp:")
            )
            return Card(found.group(1), title, text, actions, ref=copy.deepcopy(message))
    return None


class DiscordDriver(Driver):
    """A server channel: a mention starts a thread, mentions in that thread continue it (the default intents)."""

    surface = "discord"
    approver, stranger = DANA["id"], SAM["id"]
    cannot = {
        "over-long message": "Discord itself refuses messages over 2,000 characters (4,000 with Nitro), "
        "below BrandPilot's 8,000-character limit, so no over-long message can reach the bot",
    }

    def __init__(self, app: App, fake: Any, bot: Any) -> None:
        """Dispatch into the logged-in `bot`; read what it sent from the fake REST API."""
        super().__init__(app)
        self.fake, self.bot = fake, bot
        self.thread: dict[str, Any] | None = None

    def thread_key(self) -> str:
        """`discord:GUILD:THREAD`."""
        assert self.thread is not None
        return f"discord:{GUILD}:{self.thread['id']}"

    @staticmethod
    def _person(who: str) -> tuple[dict[str, Any], tuple[str, ...]]:
        return (DANA, (APPROVER_ROLE,)) if who == DANA["id"] else (SAM, ())

    async def _act(self, action: Callable[[], Awaitable[Any]]) -> list[str]:
        """Run `action`; the bot's messages that are new or changed since (ephemeral ones for the actor included)."""
        with self.fake.lock:
            before = copy.deepcopy(self.fake.messages)
        await settled(action)
        with self.fake.lock:
            after = copy.deepcopy(self.fake.messages)
        changed = [
            message
            for channel, messages in after.items()
            for message_id, message in messages.items()
            if message["author"]["id"] == BOT_ID and before.get(channel, {}).get(message_id) != message
        ]
        self._saw([card for m in changed if (card := discord_card(m)) is not None])
        return [discord_visible(m) for m in changed]

    async def say(self, text: str) -> list[str]:
        """Mention the bot in the channel (it starts a thread), then in that thread."""
        person, roles = self._person(self.approver)
        where = self.thread["id"] if self.thread else DISCORD_CHANNEL
        message = message_create(
            where,
            guild_id=GUILD,
            author=person,
            roles=roles,
            content=f"{mention(BOT_ID)} {text}",
            mentions=[bot_user()],
            message_content_intent=False,
        )
        shown = await self._act(lambda: dispatch(self.bot, "MESSAGE_CREATE", message, fake=self.fake))
        if self.thread is None:
            started = self.fake.channels.get(message["id"])
            assert started is not None, "the bot did not start a thread from the mention"
            self.thread = started
            # Discord tells the bot about the thread it created, as it tells every member of a new thread.
            await dispatch(self.bot, "THREAD_CREATE", {**started, "newly_created": True}, fake=self.fake)
        return shown

    def _click(self, card: Card, action: str, who: str) -> dict[str, Any]:
        if action not in card.actions:
            raise AssertionError(f"the card has no {action} button: {sorted(card.actions)}")
        assert self.thread is not None
        person, roles = self._person(who)
        buttons = [c["custom_id"] for row in card.ref["components"] for c in row["components"]]
        [custom_id] = [b for b in buttons if b.startswith(f"bp:{action}:")]
        return button_click(card.ref, custom_id, channel=self.thread, guild_id=GUILD, who=person, roles=roles)

    async def approve(self, card: Card, *, by: str | None = None) -> list[str]:
        """Click the card's Approve button."""
        click = self._click(card, "approve", by or self.approver)
        return await self._act(lambda: dispatch(self.bot, "INTERACTION_CREATE", click, fake=self.fake))

    async def reject(self, card: Card, reason: str, *, by: str | None = None) -> list[str]:
        """Click Reject; if Discord shows the modal, type the reason into it and submit."""
        who = by or self.approver
        click = self._click(card, "reject", who)
        shown = await self._act(lambda: dispatch(self.bot, "INTERACTION_CREATE", click, fake=self.fake))
        modals = [r for r in self.fake.interaction_responses if r.interaction_id == click["id"] and r.type == 9]
        if not modals:
            return shown  # refused: no modal
        modal = modals[0].data
        [field_id] = [c["custom_id"] for row in modal["components"] for c in row["components"]]
        person, roles = self._person(who)
        assert self.thread is not None
        submit = modal_submit(
            modal["custom_id"],
            {field_id: reason},
            channel=self.thread,
            guild_id=GUILD,
            who=person,
            roles=roles,
            message=card.ref,
        )
        return shown + await self._act(lambda: dispatch(self.bot, "INTERACTION_CREATE", submit, fake=self.fake))

    async def close(self) -> None:
        """Log the bot out."""
        await self.bot.close()


# -- terminal ------------------------------------------------------------------------------------------------------


class Keyboard:
    """`sys.stdin` for the chat loop: one typed line at a time, and a signal whenever the loop waits for the next."""

    def __init__(self) -> None:
        """Nothing typed yet."""
        self.lines: queue.Queue[str] = queue.Queue()
        self.waiting = threading.Event()

    def readline(self) -> str:
        """What `input()` reads: the next typed line ("" is the end of input)."""
        self.waiting.set()
        return self.lines.get()

    def type(self, line: str) -> None:
        """Type `line` and press Enter."""
        self.waiting.clear()
        self.lines.put(line + "\n")

    def wait(self) -> None:
        """Until the chat asks for the next line."""
        if not self.waiting.wait(QUIET_TIMEOUT):
            raise AssertionError(f"the terminal chat did not ask for input again within {QUIET_TIMEOUT} s")


_PANEL_TITLE = re.compile(r"^╭─*\s(.*?)\s─*╮$")
_PANEL_SUBTITLE = re.compile(r"^╰─*\s(.*?)\s─*╯$")
_PART_HEADING = re.compile(r"^(post \d+ of \d+ · )?\d+ chars$")
_KEYS = re.compile(r"\b[aers] (approve|edit|reject|reschedule)\b")


def _panel_line(line: str) -> str:
    """A line inside a panel without its borders and padding."""
    line = line.rstrip()
    if line.startswith("│") and line.endswith("│"):
        return line[1:-1].rstrip().removeprefix(" ")
    return line


def terminal_pieces(output: str) -> tuple[list[str], list[Card]]:
    """The printed output as messages (a panel is one) and the draft cards among them."""
    shown: list[str] = []
    cards: list[Card] = []
    loose: list[str] = []
    lines = output.splitlines()
    index = 0
    while index < len(lines):
        title = _PANEL_TITLE.match(lines[index].strip())
        if title is None:
            loose.append(lines[index].rstrip())
            index += 1
            continue
        end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("╰"))
        inner = [_panel_line(line) for line in lines[index + 1 : end]]
        subtitle = _PANEL_SUBTITLE.match(lines[end].strip())
        if "\n".join(loose).strip():
            shown.append("\n".join(loose).strip())
        loose = []
        shown.append("\n".join([title.group(1), *inner, subtitle.group(1) if subtitle else ""]).strip())
        found = re.match(r"approval (\S+)", subtitle.group(1)) if subtitle else None
        if " draft · " in title.group(1) and found:
            cards.append(_terminal_card(title.group(1), found.group(1), inner))
        index = end + 1
    if "\n".join(loose).strip():
        shown.append("\n".join(loose).strip())
    return shown, cards


def _terminal_card(title: str, approval_id: str, inner: list[str]) -> Card:
    """A card from its panel: each part follows its "N chars" heading and runs until the next one or the findings."""
    parts: list[list[str]] = []
    actions: set[str] = set()
    in_text = False
    for line in inner:
        if _PART_HEADING.match(line.strip()):
            parts.append([])
            in_text = True
        elif line.startswith(("✓", "┏", "┌", "┃")) or _KEYS.search(line):
            actions |= set(_KEYS.findall(line))
            in_text = False
        elif in_text:
            parts[-1].append(line)
    texts = ["\n".join(part).strip("\n") for part in parts]
    label = title.split(" · scheduled", 1)[0]
    return Card(approval_id, label, "\n\n".join(texts), frozenset(actions), ref=approval_id)


class TerminalDriver(Driver):
    """`brandpilot chat` for one person (the approver) in one named thread; its decide prompt shows under a card."""

    surface = "terminal"
    approver, stranger = TERMINAL_APPROVER, TERMINAL_STRANGER
    cannot = {
        "empty message": "the terminal chat treats a blank line as no message and prompts again, as a shell does "
        "(bot/terminal/chat.py run_chat: `if not text: continue`), so an empty message never reaches the assistant",
    }

    def __init__(self, app: App, keyboard: Keyboard) -> None:
        """Start the chat loop on a thread, reading `keyboard` (installed as sys.stdin)."""
        super().__init__(app)
        from bot.terminal.chat import run_chat
        from config.settings import local_user

        self.keyboard = keyboard
        self.screen = io.StringIO()
        console = Console(file=self.screen, width=400, color_system=None, force_terminal=False, highlight=False)
        self.key = f"cli:{TERMINAL_THREAD}"
        self.chat = threading.Thread(
            target=run_chat, args=(app, self.key, local_user(), console), name="terminal-chat", daemon=True
        )
        self.chat.start()
        self.keyboard.wait()
        self.prompt = self.screen.getvalue().rsplit("\n", 1)[-1]
        self.waiting_card: str | None = None  # the approval id the decide prompt is for

    def thread_key(self) -> str:
        """`cli:NAME`."""
        return self.key

    def _type(self, line: str) -> str:
        start = len(self.screen.getvalue())
        self.keyboard.type(line)
        self.keyboard.wait()
        printed = self.screen.getvalue()[start:]
        body, _, self.prompt = printed.rpartition("\n")
        return body

    def _read(self, printed: str) -> list[str]:
        shown, cards = terminal_pieces(printed)
        self._saw(cards)
        self.waiting_card = cards[-1].approval_id if cards and self.prompt.startswith("decide") else None
        return shown

    async def say(self, text: str) -> list[str]:
        """Type the message at `you>` (leaving a draft for later first, as its decide prompt asks)."""
        if self.prompt.startswith("decide"):
            self._type("l")
            self.waiting_card = None
        return self._read(self._type(text))

    def _command(self, by: str, *args: str) -> list[str]:
        """`brandpilot approve THREAD ... --id ID` as `by` at another terminal: its output and errors."""
        from typer.testing import CliRunner

        from bot.cli import app as cli

        result = CliRunner().invoke(cli, ["approve", TERMINAL_THREAD, *args], env={"LOGNAME": by})
        return [part for part in (result.stdout.strip(), result.stderr.strip()) if part]

    async def approve(self, card: Card, *, by: str | None = None) -> list[str]:
        """`a` at the card's decide prompt; for a card no longer in front of `by`, `brandpilot approve --id`."""
        who = by or self.approver
        if who == self.approver and self.waiting_card == card.approval_id:
            if "approve" not in card.actions:
                raise AssertionError(f"the card offers no approve key: {sorted(card.actions)}")
            return self._read(self._type("a"))
        return self._command(who, "--approve", "--id", card.approval_id)

    async def reject(self, card: Card, reason: str, *, by: str | None = None) -> list[str]:
        """`r` and the reason at the card's decide prompt; otherwise `brandpilot approve --reject REASON --id`."""
        who = by or self.approver
        if who == self.approver and self.waiting_card == card.approval_id:
            self._type("r")
            assert self.prompt.startswith("reason"), self.prompt
            return self._read(self._type(reason))
        return self._command(who, "--reject", reason, "--id", card.approval_id)

    async def close(self) -> None:
        """Quit the chat: leave a waiting draft for later, then `/quit`; if the chat is stuck, end its input."""
        if self.chat.is_alive() and self.keyboard.waiting.is_set() and self.prompt.startswith("decide"):
            self._type("l")
        if self.chat.is_alive() and self.keyboard.waiting.is_set() and self.prompt.startswith("you>"):
            self.keyboard.type("/quit")
        else:
            for _ in range(3):  # end of input: the chat says "Bye." at `you>` (a decide prompt reports it first)
                self.keyboard.lines.put("")
        self.chat.join(QUIET_TIMEOUT)


# -- the fixture ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def migrated_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose embedded database is migrated to head once per session (migrating takes ~0.5 s a test)."""
    from memory.db import normalize_database_url, upgrade_database

    home = tmp_path_factory.mktemp("surfaces-migrated")
    upgrade_database(normalize_database_url(None, home))
    return home


@pytest.fixture
def fresh_database(migrated_home: Path, brandpilot_home: Path) -> Path:
    """This test's home, starting with an empty database already at the current schema."""
    brandpilot_home.mkdir(parents=True, exist_ok=True)
    for path in migrated_home.glob("brandpilot.db*"):
        shutil.copy2(path, brandpilot_home / path.name)
    return brandpilot_home


@pytest.fixture
def surface_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The config every surface runs with: who approves on each, the Discord server's brand and command guild.

    The brand pack is not ingested into the knowledge store: embedding it takes minutes on a small machine, and
    answering from it is tested in tests/bot/test_knowledge_in_chat.py. Questions then find no brand passages.
    """
    config = tmp_path / "brandpilot.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("BRANDPILOT_CONFIG", str(config))
    return config


async def _slack(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Driver]:
    from bot.slack.server import asgi_app, build_slack_app

    with fake_slack_server() as fake:
        monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
        monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
        monkeypatch.setenv("SLACK_API_URL", fake.url)
        with open_app(load_settings()) as app:
            yield SlackDriver(app, fake, asgi_app(build_slack_app(app)))


async def _discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Driver]:
    from bot.discord.client import BrandPilotBot
    from bot.runner import ThreadRunner

    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)  # login_against repoints it
    people = [member(DANA, roles=[APPROVER_ROLE]), member(SAM)]
    channel = text_channel(DISCORD_CHANNEL, name="marketing", guild_id=GUILD)
    guild = guild_create(GUILD, channels=[channel], roles=[role(APPROVER_ROLE, name="Approvers")], members=people)
    with fake_discord_server() as fake, open_app(load_settings()) as app:
        fake.learn("GUILD_CREATE", guild)  # Discord knows the server before the bot syncs its commands there
        runner = ThreadRunner(app)
        bot = BrandPilotBot(app, runner, guild_ready_timeout=0.01)
        driver = DiscordDriver(app, fake, bot)
        try:
            await login_against(bot, fake)
            await dispatch(bot, "READY", ready(guild_ids=[GUILD]), fake=fake)
            await dispatch(bot, "GUILD_CREATE", guild, fake=fake)
            await asyncio.wait_for(bot.wait_until_ready(), QUIET_TIMEOUT)
            yield driver
        finally:
            await driver.close()
            runner.close()


async def _terminal(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Driver]:
    import sys

    monkeypatch.setenv("LOGNAME", TERMINAL_APPROVER)  # who `brandpilot chat` says is typing (getpass)
    keyboard = Keyboard()
    monkeypatch.setattr(sys, "stdin", keyboard)
    with open_app(load_settings()) as app:
        driver = TerminalDriver(app, keyboard)
        try:
            yield driver
        finally:
            await driver.close()


@pytest.fixture(params=SURFACES)
async def surface(
    request: pytest.FixtureRequest, surface_config: Path, fresh_database: Path, monkeypatch: pytest.MonkeyPatch
):
    """A driver for one chat surface, over a freshly opened assistant; the test runs once per surface."""
    start = {"slack": _slack, "discord": _discord, "terminal": _terminal}[request.param]
    async for driver in start(monkeypatch):
        yield driver
