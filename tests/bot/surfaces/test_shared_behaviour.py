"""What every chat surface does the same way: each test runs once for Slack, Discord and the terminal.

The `surface` fixture (conftest.py) drives one surface through its own machinery: Slack events and button clicks
into the Bolt app, Discord gateway payloads into discord.py, lines typed into the terminal chat loop. Assertions
are on what the person sees and on what the database holds, so the same test holds every surface to the same
behaviour. Surface-specific rendering (blocks, embeds, panels) stays in each surface's own tests.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.turns import MAX_MESSAGE_CHARS

X_REQUEST = "write a tweet about our winter candle sale"
LINKEDIN_REQUEST = "draft a LinkedIn post about our new workshop tours"
BLOCKED_REQUEST = "write a tweet guaranteed to cure insomnia with our candles"  # a health claim and a guarantee
EVERY_DECISION = {"approve", "edit", "reject", "reschedule"}
REASON = "Off-brand tone for the winter launch"


def flat(text: str) -> str:
    """Text with its whitespace collapsed (surfaces wrap and pad text differently)."""
    return " ".join(text.split())


def seen(shown: list[str]) -> str:
    """Everything the person was shown, as one line."""
    return flat("\n".join(shown))


async def a_card(surface: Any, request: str = X_REQUEST) -> Any:
    """Ask for a post; the one draft card it produced."""
    await surface.say(request)
    [card] = surface.cards()
    return card


@pytest.mark.parametrize(
    ("request_text", "platform", "topic"),
    [(X_REQUEST, "X", "winter candle sale"), (LINKEDIN_REQUEST, "LinkedIn", "workshop tours")],
)
async def test_a_post_request_shows_the_waiting_draft_on_a_card_that_passes_the_brand_rules(
    surface, request_text, platform, topic
):
    shown = await surface.say(request_text)
    [card] = surface.cards()
    pending = surface.pending()
    assert pending is not None and card.approval_id == pending["approval_id"]
    assert flat(card.text) == flat(pending["draft"]["text"]), "the card shows the very draft that waits"
    assert topic in card.text.lower()
    assert card.platform == platform and card.ready and card.actions == EVERY_DECISION
    assert "Passes every rule in the brand rulebook" in seen(shown)
    assert surface.scheduled() == []


async def test_a_draft_that_breaks_the_brand_rules_is_shown_blocked_and_cannot_be_approved(surface):
    shown = await surface.say(BLOCKED_REQUEST)
    [card] = surface.cards()
    assert card.platform == "X" and not card.ready and "blocked" in card.title
    assert card.actions == {"edit", "reject"}
    assert "banned-guarantee-language" in seen(shown), "the finding cites the rule it breaks"
    assert flat(card.text) == flat(surface.pending()["draft"]["text"])
    assert surface.scheduled() == []


async def test_approving_schedules_exactly_one_post_and_a_second_press_changes_nothing(surface):
    card = await a_card(surface)
    approved = await surface.approve(card)
    assert "Approved by" in seen(approved) and "scheduled for" in seen(approved)
    [post] = surface.scheduled()
    assert (post.platform, post.status) == ("x", "scheduled")
    assert flat(post.text) == flat(card.text), "what was approved is what gets published"
    again = await surface.approve(card)  # a double click, or a second look at the same card
    assert "Nothing is waiting for approval" in seen(again)
    assert [p.id for p in surface.scheduled()] == [post.id]
    assert surface.pending() is None


async def test_rejecting_with_a_reason_schedules_nothing_and_shows_the_decision(surface):
    card = await a_card(surface)
    rejected = await surface.reject(card, REASON)
    assert "Rejected by" in seen(rejected) and REASON in seen(rejected)
    assert "will not be published" in seen(rejected)
    assert surface.scheduled() == [] and surface.pending() is None
    late = await surface.approve(card)  # the rejected card can't be approved afterwards
    assert "Nothing is waiting for approval" in seen(late)
    assert surface.scheduled() == []


@pytest.mark.parametrize("request_text", ["what's the capital of France?", "book me a flight to Paris"])
async def test_an_out_of_scope_request_is_declined_politely_with_what_brandpilot_can_do(surface, request_text):
    shown = await surface.say(request_text)
    assert surface.cards() == [] and surface.pending() is None
    assert "outside what I do" in seen(shown) and "I can help with" in seen(shown)
    assert "X specialist" in seen(shown) and "LinkedIn specialist" in seen(shown)
    assert "Paris" not in seen(shown), "it does not answer the question anyway"
    assert surface.scheduled() == []


async def test_a_follow_up_continues_the_conversation_with_a_new_draft_for_the_same_platform(surface):
    first = await a_card(surface)
    await surface.reject(first, "Too long for X")
    shown = await surface.say("make it shorter")
    assert [c.approval_id for c in surface.cards()][0] == first.approval_id and len(surface.cards()) == 2
    later = surface.cards()[-1]
    assert later.approval_id != first.approval_id and later.approval_id == surface.pending()["approval_id"]
    assert later.platform == first.platform == "X" and later.ready
    assert len(later.text) < len(first.text)
    opening = first.text.split(". ", 1)[0]
    assert later.text.startswith(opening), "the thread kept the draft it was talking about"
    assert "outside what I do" not in seen(shown)


async def test_a_new_message_while_a_draft_waits_shows_that_draft_again(surface):
    card = await a_card(surface)
    shown = await surface.say("also write a LinkedIn post about hiring")
    assert "still waiting for a decision" in seen(shown)
    assert surface.cards()[-1].approval_id == card.approval_id and surface.cards()[-1].platform == "X"
    assert surface.pending()["approval_id"] == card.approval_id
    assert surface.scheduled() == []


async def test_an_empty_message_gets_a_clear_answer_and_changes_nothing(surface):
    surface.skip_unless_possible("empty message")
    shown = await surface.say("")
    assert "The message is empty" in seen(shown) and "Tell me what you need" in seen(shown)
    assert surface.cards() == [] and surface.scheduled() == []
    assert not surface.app.service.thread_exists(surface.thread_key())


async def test_an_over_long_message_gets_a_clear_answer_and_changes_nothing(surface):
    surface.skip_unless_possible("over-long message")
    text = "write a tweet about " + "our hand-poured candles " * 400
    assert len(text) > MAX_MESSAGE_CHARS
    shown = await surface.say(text)
    assert f"The message is {len(text.strip()):,} characters" in seen(shown)
    assert f"the limit is {MAX_MESSAGE_CHARS:,}" in seen(shown) and "Shorten it" in seen(shown)
    assert surface.cards() == [] and surface.scheduled() == []
    assert not surface.app.service.thread_exists(surface.thread_key())


async def test_someone_who_is_not_an_approver_cannot_approve_or_reject_and_the_draft_keeps_waiting(surface):
    card = await a_card(surface)
    refused = await surface.approve(card, by=surface.stranger)
    assert "Only the configured approvers" in seen(refused) and "Approved by" not in seen(refused)
    refused = await surface.reject(card, "I don't like it", by=surface.stranger)
    assert "Only the configured approvers" in seen(refused) and "Rejected by" not in seen(refused)
    assert surface.scheduled() == []
    assert surface.pending()["approval_id"] == card.approval_id
    approved = await surface.approve(card)  # an approver still can
    assert "Approved by" in seen(approved) and len(surface.scheduled()) == 1


@pytest.mark.parametrize("action", ["approve", "reject"])
async def test_a_refused_decision_is_written_to_the_audit_log(surface, action):
    card = await a_card(surface)
    if action == "approve":
        await surface.approve(card, by=surface.stranger)
    else:
        await surface.reject(card, "I don't like it", by=surface.stranger)
    assert surface.audit_actions().count("approval.refused") == 1
