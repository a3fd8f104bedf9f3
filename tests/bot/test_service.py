import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from bot.service import NotAllowedError, NothingPendingError
from bot.turns import InputError, Turn
from memory.models import Approval, AuditLog, ContentItem, ScheduledPost

DRAFT_REQUEST = "write a tweet about our new Low Tide candle"


def ask(app, text, thread="cli:t1", user="maya"):
    return app.service.handle_turn(Turn(thread, user, text))


def counts(app):
    with app.sessions() as session:
        return {
            m.__name__: session.scalar(select(func.count()).select_from(m))
            for m in (ContentItem, Approval, ScheduledPost)
        }


def test_turn_returns_reply_and_a_draft_card(running_app):
    result = ask(running_app, DRAFT_REQUEST)
    assert result.agent == "x"
    assert [r.kind for r in result.replies] == ["text", "draft"]
    assert result.pending["draft"]["platform"] == "x"


def test_second_resume_of_the_same_approval_does_nothing(running_app):
    first = ask(running_app, DRAFT_REQUEST).pending
    running_app.service.decide("cli:t1", {"action": "approve", "approval_id": first["approval_id"]}, user="maya")
    with pytest.raises(NothingPendingError, match="Nothing is waiting"):
        running_app.service.decide("cli:t1", {"action": "approve", "approval_id": first["approval_id"]}, user="theo")
    assert counts(running_app)["ScheduledPost"] == 1
    with running_app.sessions() as session:
        decisions = session.scalars(select(AuditLog.action).where(AuditLog.action.like("approval.%"))).all()
    assert decisions == ["approval.approved"]


def test_concurrent_approve_clicks_schedule_once(running_app):
    ask(running_app, DRAFT_REQUEST)
    outcomes: list[str] = []

    def click(user):
        try:
            running_app.service.decide("cli:t1", {"action": "approve"}, user=user)
            outcomes.append("scheduled")
        except NothingPendingError:
            outcomes.append("nothing pending")

    workers = [threading.Thread(target=click, args=(f"user{i}",)) for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(outcomes) == ["nothing pending"] * 3 + ["scheduled"]
    assert counts(running_app)["ScheduledPost"] == 1


def test_stale_card_is_refused(running_app):
    first = ask(running_app, DRAFT_REQUEST).pending
    running_app.service.decide("cli:t1", {"action": "edit", "text": "Low Tide is back. Light it tonight."}, user="maya")
    with pytest.raises(InputError, match="out of date"):
        running_app.service.decide("cli:t1", {"action": "approve", "approval_id": first["approval_id"]}, user="maya")


def test_blocked_draft_cannot_be_approved(running_app):
    ask(running_app, DRAFT_REQUEST)
    running_app.service.decide("cli:t1", {"action": "edit", "text": "Guaranteed to cure insomnia!"}, user="maya")
    with pytest.raises(InputError, match="blocking findings"):
        running_app.service.decide("cli:t1", {"action": "approve"}, user="maya")
    assert counts(running_app)["ScheduledPost"] == 0


def test_reschedule_in_the_past_is_refused(running_app):
    ask(running_app, DRAFT_REQUEST)
    with pytest.raises(InputError, match="in the past"):
        running_app.service.decide("cli:t1", {"action": "reschedule", "scheduled_for": "2001-01-01T09:00"}, user="m")
    with pytest.raises(InputError, match="ISO 8601"):
        running_app.service.decide("cli:t1", {"action": "reschedule", "scheduled_for": "next tuesday"}, user="m")


def test_new_message_while_a_draft_waits_keeps_the_draft(running_app):
    first = ask(running_app, DRAFT_REQUEST).pending
    result = ask(running_app, "also write a linkedin post about hiring")
    assert result.pending["approval_id"] == first["approval_id"]
    assert "still waiting for a decision" in result.replies[0].markdown


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("   \n\t ", "empty"), ("\x00\x07\x1b", "empty"), ("x" * 50_000, "50,000 characters")],
)
def test_bad_messages_get_a_clear_error_and_write_nothing(running_app, text, message):
    with pytest.raises(InputError, match=message):
        ask(running_app, text)
    assert counts(running_app) == {"ContentItem": 0, "Approval": 0, "ScheduledPost": 0}
    assert not running_app.service.thread_exists("cli:t1")


def test_control_characters_are_stripped_from_a_real_message(running_app):
    result = ask(running_app, "write a tweet\x00 about our\x1b new candle")
    assert result.agent == "x"


def test_unknown_thread_is_reported(running_app):
    with pytest.raises(InputError, match="no thread named"):
        running_app.service.decide("cli:nope", {"action": "approve"}, user="maya")


def test_only_configured_approvers_may_decide(running_app):
    ask(running_app, DRAFT_REQUEST)
    with pytest.raises(NotAllowedError):
        running_app.service.decide("cli:t1", {"action": "approve"}, user="intern", surface="slack")
    with running_app.sessions() as session:
        assert session.scalars(select(AuditLog.action)).all().count("approval.refused") == 1
    assert running_app.service.pending_approval("cli:t1") is not None


class RecordingLock:
    """Wraps a coordinator and records lock enter/exit per thread to detect overlap."""

    def __init__(self, inner):
        self.inner, self.events, self.guard = inner, [], threading.Lock()

    @contextmanager
    def thread_lock(self, key, **kwargs):
        with self.inner.thread_lock(key, **kwargs):
            with self.guard:
                self.events.append(("enter", key))
            time.sleep(0.05)
            try:
                yield
            finally:
                with self.guard:
                    self.events.append(("exit", key))

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_two_concurrent_turns_on_one_thread_never_interleave(running_app):
    recorder = RecordingLock(running_app.service.coordinator)
    running_app.service.coordinator = recorder
    texts = ["check this for x: 'Light the harbor tonight.'", "check this for x: 'Fresh wax melts are in.'"]
    workers = [threading.Thread(target=ask, args=(running_app, t)) for t in texts]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert [e for e, _ in recorder.events] == ["enter", "exit", "enter", "exit"]
    messages = running_app.service.graph.get_state({"configurable": {"thread_id": "cli:t1"}}).values["messages"]
    assert [m.type for m in messages] == ["human", "ai", "human", "ai"]


def test_the_pending_card_always_matches_the_graphs_own_interrupt(running_app):
    service = running_app.service

    def graph_interrupt(thread):
        interrupts = service.graph.get_state({"configurable": {"thread_id": thread}}).interrupts
        return interrupts[0].value if interrupts else None

    thread = "cli:multi"
    ask(running_app, "adapt this for LinkedIn and X: 'Our Low Tide candle is back for winter.'", thread=thread)
    steps = [
        {"action": "edit", "text": "Low Tide is back for winter. Light it on a grey evening."},
        {"action": "reject", "reason": "not this week"},
        {"action": "approve"},
    ]
    seen = []
    for decision in steps:
        pending = service.pending_approval(thread)
        assert pending is not None and pending == graph_interrupt(thread)
        seen.append(pending["approval_id"])
        service.decide(thread, decision, user="maya")
    assert len(set(seen)) == 3
    assert service.pending_approval(thread) is None and graph_interrupt(thread) is None
