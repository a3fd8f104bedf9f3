"""Draft-card buttons through the real Bolt app: approve, edit / reject / reschedule modals, refusals, double clicks."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from fake_slack import BOT_USER, TEAM
from slack_requests import block_click, event, interactive, post, settle, view_submission
from sqlalchemy import select

from bot.app import open_app
from bot.slack.server import asgi_app, build_slack_app
from config.settings import load_settings
from memory.models import AuditLog, ScheduledPost

APPROVER, STRANGER = "U123", "U999"
THREAD = f"slack:{TEAM}:C42:1700000000.000100"


@pytest.fixture
def slack_config(tmp_path):
    """Only APPROVER may decide."""
    return approvers_config(tmp_path, f"slack_users: [{APPROVER}]")


def approvers_config(tmp_path, approvers: str):
    config = tmp_path / "brandpilot.yaml"
    config.write_text(f"approvers:\n  {approvers}\n", encoding="utf-8")
    return config


def opened_view(opened) -> dict:
    view = opened.args["view"]
    return json.loads(view) if isinstance(view, str) else view


async def card_in_thread(fake, application) -> dict:
    await post(application, event(f"<@{BOT_USER}> write a tweet about our winter candle sale", event_id="EvCard"))
    messages = await settle(fake, "chat.postMessage", 2)
    card = messages[1].args
    ts = next(ts for ts, m in fake.messages.items() if m["blocks"] == card["blocks"])
    return {"ts": ts, "blocks": card["blocks"]}


def click(card: dict, action: str, user: str = APPROVER) -> dict:
    return block_click(card, f"brandpilot.{action}", user)


def submission(opened_view: dict, entered: dict, user: str = APPROVER) -> dict:
    return view_submission(opened_view, entered, user)


def posts(app) -> list[ScheduledPost]:
    with app.sessions() as session:
        return list(session.scalars(select(ScheduledPost)))


async def test_approve_schedules_once_closes_the_card_and_a_second_click_is_refused_privately(slack):
    fake, application, app = slack
    card = await card_in_thread(fake, application)
    first, second = await asyncio.gather(
        interactive(application, click(card, "approve")), interactive(application, click(card, "approve"))
    )
    assert first.status_code == 200 and second.status_code == 200
    closed = await settle(fake, "chat.update", 2)  # the progress message, then the card
    note = json.dumps(closed[-1].args["blocks"])
    assert "Approved by <@U123>" in note and '"actions"' not in note
    [ephemeral] = await settle(fake, "chat.postEphemeral")
    assert ephemeral.args["user"] == APPROVER and "Nothing is waiting" in ephemeral.args["text"]
    assert len(posts(app)) == 1 and posts(app)[0].status == "scheduled"


async def test_someone_who_is_not_an_approver_is_refused_privately_and_audited(slack):
    fake, application, app = slack
    card = await card_in_thread(fake, application)
    await interactive(application, click(card, "approve", user=STRANGER))
    [ephemeral] = await settle(fake, "chat.postEphemeral")
    assert ephemeral.args["user"] == STRANGER and "Only the configured approvers" in ephemeral.args["text"]
    await interactive(application, click(card, "reject", user=STRANGER))
    await settle(fake, "chat.postEphemeral", 2)
    assert not fake.of("views.open") and not posts(app)
    with app.sessions() as session:
        assert "approval.refused" in list(session.scalars(select(AuditLog.action)))


async def test_reject_opens_a_modal_and_the_reason_is_recorded(slack):
    fake, application, app = slack
    card = await card_in_thread(fake, application)
    await interactive(application, click(card, "reject"))
    [opened] = await settle(fake, "views.open")
    view = opened_view(opened)
    assert view["callback_id"] == "brandpilot.reject"
    empty = await interactive(application, submission(view, {"type": "plain_text_input", "value": " "}))
    assert empty.json()["response_action"] == "errors" and "reason" in empty.json()["errors"]["decision"]
    done = await interactive(application, submission(view, {"type": "plain_text_input", "value": "Off-brand tone"}))
    assert done.status_code == 200 and not done.content
    closed = await settle(fake, "chat.update", 2)
    assert "Rejected by <@U123>" in json.dumps(closed[-1].args["blocks"])
    replies = await settle(fake, "chat.postMessage", 3)
    assert "Off-brand tone" in json.dumps(replies[-1].args["blocks"]) and not posts(app)


async def test_edit_rechecks_the_new_text_and_posts_a_new_card(slack):
    fake, application, _ = slack
    card = await card_in_thread(fake, application)
    await interactive(application, click(card, "edit"))
    [opened] = await settle(fake, "views.open")
    view = opened_view(opened)
    assert view["blocks"][0]["element"]["initial_value"], "the modal starts from the current text"
    text = "Our winter candle sale starts Friday. Light one tonight. #HarborAndPine"
    await interactive(application, submission(view, {"type": "plain_text_input", "value": text}))
    messages = await settle(fake, "chat.postMessage", 4)
    new_card = messages[-1].args
    assert "Our winter candle sale starts Friday" in json.dumps(new_card["blocks"])
    assert any(b["type"] == "actions" for b in new_card["blocks"])


async def test_reschedule_to_the_past_is_refused_inside_the_modal(slack):
    fake, application, app = slack
    card = await card_in_thread(fake, application)
    await interactive(application, click(card, "reschedule"))
    [opened] = await settle(fake, "views.open")
    view = opened_view(opened)
    past = int((datetime.now(UTC) - timedelta(days=1)).timestamp())
    refused = await interactive(application, submission(view, {"type": "datetimepicker", "selected_date_time": past}))
    assert refused.json()["response_action"] == "errors" and "past" in refused.json()["errors"]["decision"]
    future = int((datetime.now(UTC) + timedelta(days=3)).timestamp())
    await interactive(application, submission(view, {"type": "datetimepicker", "selected_date_time": future}))
    await settle(fake, "chat.update", 2)
    [scheduled] = posts(app)
    assert abs(scheduled.scheduled_for.timestamp() - future) < 1


async def test_a_button_we_did_not_make_does_nothing(slack):
    fake, application, _ = slack
    card = await card_in_thread(fake, application)
    forged = click(card, "approve")
    forged["actions"][0]["value"] = "not ours"
    assert (await interactive(application, forged)).status_code == 200
    await asyncio.sleep(0.3)
    assert len(fake.of("chat.update")) == 1 and not fake.of("chat.postEphemeral")


@pytest.mark.postgres
async def test_a_click_after_a_restart_resumes_the_card_from_postgres(
    monkeypatch, slack_config, postgres_db_url, fake_slack
):
    from memory.db import upgrade_database

    fake = fake_slack
    monkeypatch.setenv("BRANDPILOT_CONFIG", str(slack_config))
    monkeypatch.setenv("DATABASE_URL", postgres_db_url)
    upgrade_database(postgres_db_url)
    with open_app(load_settings()) as app:  # the first process shows the card, then stops
        card = await card_in_thread(fake, asgi_app(build_slack_app(app)))
    with open_app(load_settings()) as app:  # a new process, as after a deploy, gets the click
        await interactive(asgi_app(build_slack_app(app)), click(card, "approve"))
        closed = await settle(fake, "chat.update", 2)
        assert "Approved by <@U123>" in json.dumps(closed[-1].args["blocks"])
        [scheduled] = posts(app)
        assert scheduled.status == "scheduled"


async def test_members_of_an_approver_user_group_may_decide_and_others_may_not(monkeypatch, tmp_path, fake_slack):
    fake = fake_slack
    monkeypatch.setenv("BRANDPILOT_CONFIG", str(approvers_config(tmp_path, "slack_groups: [S0MARKETING, S0GONE]")))
    fake.groups["S0MARKETING"] = ["U555"]
    with open_app(load_settings()) as app:
        application = asgi_app(build_slack_app(app))
        card = await card_in_thread(fake, application)
        await interactive(application, click(card, "approve", user=STRANGER))
        [refusal] = await settle(fake, "chat.postEphemeral")
        assert "Only the configured approvers" in refusal.args["text"]
        posted = len(fake.of("chat.postMessage"))
        await interactive(application, click(card, "approve", user="U555"))
        closed = await settle(fake, "chat.update", 2)
        assert "Approved by <@U555>" in json.dumps(closed[-1].args["blocks"])
        after = await settle(fake, "chat.postMessage", posted + 1)  # the outcome follows the closed card
        outcome = [c for c in after if "scheduled for" in json.dumps(c.args)]
        assert outcome and "Approved by <@U555>." in json.dumps(outcome[-1].args), "a mention, not a bare user id"
        assert "Approved by <@U555>." in outcome[-1].args["text"]
        assert len(posts(app)) == 1
        asked = [c.args["usergroup"] for c in fake.of("usergroups.users.list")]
        assert asked.count("S0MARKETING") == 1, "memberships are cached between clicks"
