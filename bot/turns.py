"""Surface-neutral turns in and replies out, shared by the terminal, Slack and Discord."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from agents.hitl import ApprovalRequest

MAX_MESSAGE_CHARS = 8_000
_THREAD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$")


class InputError(ValueError):
    """Input a person sent that we can't use; the message says what to do instead."""


@dataclass(frozen=True)
class Turn:
    """One message from a person in a thread."""

    thread_key: str
    user: str
    text: str
    surface: Literal["cli", "slack", "discord"] = "cli"
    workspace: str | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextReply:
    """Markdown text from the assistant."""

    markdown: str
    agent: str | None = None
    kind: Literal["text"] = "text"


def naming_decider(text: str, user: str, mention: str) -> str:
    """`text` with "by USER" (who decided a draft: "Approved by U123.") as the surface's `mention` of them."""
    return re.sub(rf"\bby {re.escape(user)}(?![\w-])", lambda _: f"by {mention}", text) if user else text


@dataclass(frozen=True)
class DraftCard:
    """A draft waiting for a decision, with its findings and allowed actions."""

    request: ApprovalRequest
    kind: Literal["draft"] = "draft"


Reply = TextReply | DraftCard


@dataclass(frozen=True)
class TurnResult:
    """What a turn or a resume produced."""

    thread_key: str
    agent: str | None
    replies: list[Reply] = field(default_factory=list)
    pending: ApprovalRequest | None = None
    route: dict[str, object] | None = None
    outcomes: list[dict[str, object]] = field(default_factory=list)


def clean_message(text: str | None) -> str:
    """Strip control characters and whitespace; reject empty or oversized messages."""
    if text is None:
        raise InputError('The message is empty. Tell me what you need, e.g. "write a LinkedIn post about our hiring".')
    cleaned = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    cleaned = cleaned.replace("\t", " ").strip()
    if not cleaned:
        raise InputError('The message is empty. Tell me what you need, e.g. "write a LinkedIn post about our hiring".')
    if len(cleaned) > MAX_MESSAGE_CHARS:
        raise InputError(
            f"The message is {len(cleaned):,} characters; the limit is {MAX_MESSAGE_CHARS:,}. "
            "Shorten it or split it into several messages."
        )
    return cleaned


def check_thread_name(name: str) -> str:
    """A thread name usable as a key: letters, digits and `_ . : -`, up to 200 characters."""
    if not _THREAD_NAME.match(name or ""):
        raise InputError(
            f"{name!r} is not a valid thread name: use letters, digits and _ . : - (up to 200 characters)."
        )
    return name
