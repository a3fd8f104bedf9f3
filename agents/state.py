"""The graph's state: messages, the thread's specialist, and drafts waiting for approval."""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

DraftSource = Literal["template", "llm", "user"]


class ChainStep(TypedDict):
    """One approval a draft needs: the role (a playbook slug) and how people call it."""

    role: str
    title: str


class Draft(TypedDict):
    """A post bound for publishing; `parts` holds an X thread's posts (one item otherwise).

    `chain` lists the approvals a crisis response needs, in order (none: one approver decides). An `urgent` draft
    goes out as soon as its last approval comes, even while the brand's queue is paused. `answers` is the id of the
    stored mention (comment or DM) a reply draft answers, so the mention stops counting as waiting once approved.
    """

    id: str
    revision: int
    brand_id: str
    platform: str
    text: str
    parts: list[str]
    sponsored: bool
    scheduled_for: str
    source: DraftSource
    request: str
    chain: NotRequired[list[ChainStep]]
    urgent: NotRequired[bool]
    answers: NotRequired[str]


class Outcome(TypedDict, total=False):
    """What happened to a draft in this turn, for the reply renderer."""

    approval_id: str
    decision: str
    platform: str
    status: str
    post_id: str | None
    scheduled_for: str | None
    reason: str | None


class BrandPilotState(TypedDict, total=False):
    """State of one conversation thread."""

    messages: Annotated[list[AnyMessage], add_messages]
    brand_id: str
    agent: str | None
    route: dict[str, object]
    drafts: list[Draft]
    review: dict[str, object] | None
    last_draft: Draft | None
    outcomes: list[Outcome]


def approval_id(draft: Draft) -> str:
    """Stable id of one revision of a draft; a new revision needs a new approval."""
    return f"{draft['id']}.r{draft['revision']}"
