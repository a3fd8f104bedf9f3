"""Under a new crisis card: the volume chart, the playbook's stakeholders called in, and Resume posts for approvers."""

from __future__ import annotations

import asyncio

import pytest
from crisis_setup import raise_crisis
from slack_requests import block_click, interactive, settle
from sqlalchemy import select

from bot.slack.dispatch import SlackDispatcher, client_factory
from memory import queue
from memory.models import AuditLog

APPROVER, STRANGER, CEO = "U123", "U999", "U0CEO"
BRAND = "harbor-pine"


@pytest.fixture
def slack_config(tmp_path):
    config = tmp_path / "brandpilot.yaml"
    config.write_text(
        f"channels:\n  alerts: C0ALERTS\napprovers:\n  slack_users: [{APPROVER}]\n"
        f"crisis_roles:\n  ceo: {{slack_users: [{CEO}]}}\n",
        encoding="utf-8",
    )
    return config


def _crisis(app, *, paused: bool) -> None:
    raise_crisis(app, BRAND, paused=paused)


def test_a_new_crisis_card_gets_its_chart_call_in_and_pause_note_once(slack):
    fake, _, app = slack
    _crisis(app, paused=True)
    dispatcher = SlackDispatcher(app, client_factory(app))
    assert asyncio.run(dispatcher.run_once()) == 1
    [card, *thread] = fake.of("chat.postMessage")
    [upload] = fake.of("files.completeUploadExternal")
    card_ts = upload.args["thread_ts"]
    assert upload.args["channel_id"] == "C0ALERTS" and "Critical alert" in fake.messages[card_ts]["text"]
    assert [m.args["thread_ts"] for m in thread] == [card_ts, card_ts] and "thread_ts" not in card.args
    [call_in, pause] = [m.args for m in thread]
    assert "CEO (Nora Castellano) (within 30 min): <@U0CEO>" in call_in["text"]
    assert (
        "Head of Production and Product Safety (" in call_in["text"]
        and "nobody is configured for this role" in call_in["text"]
        and "crisis_roles" in call_in["text"]
    )
    assert "are paused because of this incident" in pause["text"] and "Resume posts" in str(pause["blocks"])
    asyncio.run(dispatcher.run_once())
    assert len(fake.of("files.completeUploadExternal")) == 1 and len(fake.of("chat.postMessage")) == 3  # once


async def test_resume_posts_is_for_approvers_audited_and_applied_once(slack):
    fake, application, app = slack
    _crisis(app, paused=True)
    await SlackDispatcher(app, client_factory(app)).run_once()
    [ts] = [ts for ts, m in fake.messages.items() if "Resume posts" in str(m.get("blocks"))]
    note = {"ts": ts, "channel": "C0ALERTS", "blocks": fake.messages[ts]["blocks"]}
    await interactive(application, block_click(note, "brandpilot.crisis.resume_posts", STRANGER, channel="C0ALERTS"))
    [refused] = await settle(fake, "chat.postEphemeral")
    assert "Only the configured approvers" in refused.args["text"]
    with app.sessions() as session:
        assert BRAND in queue.pauses(session)
    await interactive(application, block_click(note, "brandpilot.crisis.resume_posts", APPROVER, channel="C0ALERTS"))
    [update] = await settle(fake, "chat.update")
    assert f"were resumed by <@{APPROVER}>" in update.args["text"]
    with app.sessions() as session:
        assert BRAND not in queue.pauses(session)
        [entry] = session.scalars(select(AuditLog).where(AuditLog.action == "queue.resumed")).all()
    assert entry.actor == APPROVER and entry.detail == {"brand": BRAND, "surface": "slack"}
    await interactive(application, block_click(note, "brandpilot.crisis.resume_posts", APPROVER, channel="C0ALERTS"))
    [_, told] = await settle(fake, "chat.postEphemeral", 2)
    assert "not paused; nothing changed" in told.args["text"]
