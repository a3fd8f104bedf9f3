"""Alert cards: posted once per channel, buttons for approvers only, each action applied once, cards redrawn."""

from __future__ import annotations

import asyncio
import json

import pytest
from fake_slack import TEAM
from slack_requests import block_click, interactive, settle
from sqlalchemy import select
from typer.testing import CliRunner

from bot.alerts import AlertService, NewAlert, notify
from bot.cli import app as cli
from bot.slack.alerts import SlackAlertSink
from bot.turns import InputError
from memory.models import AlertPost, AuditLog

APPROVER, STRANGER, LEAD_GROUP = "U123", "U999", "S0LEADS"
CRISIS = NewAlert(
    brand_id="harbor-pine",
    kind="crisis",
    severity="critical",
    summary="Complaints about scorched candle jars are spreading fast on X; @here look now.",
    evidence=("@maria: my Fog Bell jar cracked and scorched the table <!channel>", "Mentions up 6x in two hours"),
    dedup_key="crisis:scorched-jars",
)


@pytest.fixture
def slack_config(tmp_path):
    config = tmp_path / "brandpilot.yaml"
    config.write_text(
        f"approvers:\n  slack_users: [{APPROVER}]\nalerts:\n  escalate_to_slack: [{LEAD_GROUP}, U0CEO]\n",
        encoding="utf-8",
    )
    return config


async def posted_card(fake, app, channels=("C77",)) -> dict:
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(token="xoxb-test-1-2", base_url=fake.url)
    deliveries = await notify(AlertService(app.sessions), SlackAlertSink(client, TEAM), CRISIS, list(channels))
    assert all(d.error is None for d in deliveries)
    ts = deliveries[0].message_ref
    return {"ts": ts, "channel": channels[0], "blocks": fake.messages[ts]["blocks"]}


def click(card: dict, action: str, user: str = APPROVER) -> dict:
    return block_click(card, f"brandpilot.alert.{action}", user, channel=card["channel"])


def audit(app) -> list[str]:
    with app.sessions() as session:
        return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


async def test_a_card_shows_severity_summary_evidence_and_four_buttons_with_mentions_neutralised(slack):
    fake, _, app = slack
    card = await posted_card(fake, app)
    [call] = fake.of("chat.postMessage")
    assert call.args["channel"] == "C77" and call.args["unfurl_links"] is False
    shown = json.dumps(card["blocks"])
    assert "Critical alert" in shown and "scorched candle jars" in shown and "Mentions up 6x" in shown
    assert "@here" not in shown.replace("@\\u2060here", "") and "<!channel>" not in shown, "content pings nobody"
    [actions] = [b for b in card["blocks"] if b["type"] == "actions"]
    labels = [e["text"]["text"] for e in actions["elements"]]
    assert labels == ["Acknowledge", "Draft response", "Escalate", "Resolve"]


async def test_raising_the_same_alert_twice_posts_one_card_per_channel(slack):
    fake, _, app = slack
    await posted_card(fake, app, channels=("C77", "C78"))
    await posted_card(fake, app, channels=("C77", "C78"))
    assert sorted(c.args["channel"] for c in fake.of("chat.postMessage")) == ["C77", "C78"]


async def test_a_refused_post_says_what_to_do_and_is_posted_on_the_next_try(slack):
    fake, _, app = slack
    from slack_sdk.web.async_client import AsyncWebClient

    service, client = AlertService(app.sessions), AsyncWebClient(token="xoxb-test-1-2", base_url=fake.url)
    fake.refuse_next("chat.postMessage", "not_in_channel")
    [failed] = await notify(service, SlackAlertSink(client, TEAM), CRISIS, ["C77"])
    assert failed.message_ref is None and "/invite @BrandPilot" in failed.error
    with app.sessions() as session:
        assert session.scalars(select(AlertPost.status)).one() == "failed"
    [posted] = await notify(service, SlackAlertSink(client, TEAM), CRISIS, ["C77"])
    assert posted.error is None and posted.message_ref in fake.messages


async def test_acknowledge_redraws_the_card_once_and_a_simultaneous_click_is_told_privately(slack):
    fake, application, app = slack
    card = await posted_card(fake, app)
    await asyncio.gather(*(interactive(application, click(card, "acknowledge")) for _ in range(2)))
    [update] = await settle(fake, "chat.update")
    [ephemeral] = await settle(fake, "chat.postEphemeral")
    shown = json.dumps(update.args["blocks"])
    assert "Acknowledged* by <@U123>" in shown and "brandpilot.alert.acknowledge" not in shown
    assert "brandpilot.alert.resolve" in shown
    assert "already acknowledged" in ephemeral.args["text"] and ephemeral.args["user"] == APPROVER
    assert audit(app).count("alert.acknowledge") == 1


async def test_someone_who_is_not_an_approver_is_refused_privately_and_nothing_changes(slack):
    fake, application, app = slack
    card = await posted_card(fake, app)
    await interactive(application, click(card, "resolve", user=STRANGER))
    [ephemeral] = await settle(fake, "chat.postEphemeral")
    assert ephemeral.args["user"] == STRANGER and "Only the configured approvers" in ephemeral.args["text"]
    assert not fake.of("chat.update") and "alert.refused" in audit(app)
    assert AlertService(app.sessions).recent()[0].status == "open"


async def test_escalate_calls_in_the_configured_people_in_the_cards_thread(slack):
    fake, application, app = slack
    card = await posted_card(fake, app)
    await interactive(application, click(card, "escalate"))
    notes = await settle(fake, "chat.postMessage", 2)
    note = notes[1].args
    assert note["thread_ts"] == card["ts"] and f"<!subteam^{LEAD_GROUP}>" in note["text"] and "<@U0CEO>" in note["text"]
    [update] = await settle(fake, "chat.update")
    assert "Escalated* by <@U123>" in json.dumps(update.args["blocks"])


async def test_resolve_removes_the_buttons_and_later_clicks_change_nothing(slack):
    fake, application, app = slack
    card = await posted_card(fake, app)
    await interactive(application, click(card, "resolve"))
    [update] = await settle(fake, "chat.update")
    assert not [b for b in update.args["blocks"] if b["type"] == "actions"]
    await interactive(application, click(card, "escalate"))  # a stale card still showing the button
    [ephemeral] = await settle(fake, "chat.postEphemeral")
    assert "already resolved" in ephemeral.args["text"]
    assert AlertService(app.sessions).recent()[0].status == "resolved"


async def test_draft_response_starts_one_conversation_in_the_cards_thread(slack):
    fake, application, app = slack
    card = await posted_card(fake, app)
    await asyncio.gather(*(interactive(application, click(card, "draft_response")) for _ in range(2)))
    working = await settle(fake, "chat.postMessage", 2)
    assert working[1].args["thread_ts"] == card["ts"] and working[1].args["text"] == "Working on it…"
    await settle(fake, "chat.update", 2)  # the card redrawn, the progress message replaced by the reply
    [ephemeral] = await settle(fake, "chat.postEphemeral")
    assert "already being drafted" in ephemeral.args["text"]
    thread = f"slack:{TEAM}:C77:{card['ts']}"
    assert app.service.thread_exists(thread)
    assert AlertService(app.sessions).recent()[0].response_thread == thread


def test_two_processes_acting_at_once_apply_an_action_once(slack):
    _, _, app = slack
    service = AlertService(app.sessions)
    alert, _ = service.raise_alert(CRISIS)

    async def race() -> list[bool]:
        results = await asyncio.gather(
            *(asyncio.to_thread(service.act, alert.id, "resolve", actor=f"U{i}") for i in range(6))
        )
        return [r.applied for r in results]

    assert sorted(asyncio.run(race())) == [False] * 5 + [True]


def test_bad_alerts_are_refused_in_plain_words():
    with pytest.raises(InputError, match="severity"):
        NewAlert(brand_id="b", kind="crisis", severity="apocalyptic", summary="x")
    with pytest.raises(InputError, match="summary"):
        NewAlert(brand_id="b", kind="crisis", severity="high", summary="  ")
    with pytest.raises(InputError, match="kind"):
        NewAlert(brand_id="b", kind="Crisis Alert", severity="high", summary="x")


def test_alert_test_posts_a_card_and_alert_list_shows_it(fake_slack, brandpilot_home):
    runner = CliRunner()
    posted = runner.invoke(cli, ["alert", "test", "--channel", "C0ALERTS", "--severity", "warning", "--json"])
    assert posted.exit_code == 0, posted.output
    assert json.loads(posted.stdout)["error"] is None
    [call] = fake_slack.of("chat.postMessage")
    assert call.args["channel"] == "C0ALERTS" and "Warning alert" in json.dumps(call.args["blocks"])
    listed = runner.invoke(cli, ["alert", "list", "--json"])
    [alert] = json.loads(listed.stdout)
    assert alert["kind"] == "test" and alert["status"] == "open"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--channel", "  "], "is not a channel"),
        (["--channel", "C1", "--severity", "doom"], "--severity 'doom'"),
    ],
)
def test_alert_test_refuses_bad_arguments(fake_slack, brandpilot_home, args, expected):
    result = CliRunner().invoke(cli, ["alert", "test", *args])
    assert result.exit_code == 2 and expected in result.output
    assert not fake_slack.of("chat.postMessage")


def test_alert_test_says_what_to_do_when_slack_refuses(fake_slack, brandpilot_home):
    fake_slack.refuse_next("chat.postMessage", "channel_not_found")
    result = CliRunner().invoke(cli, ["alert", "test", "--channel", "C0NOPE"])
    assert result.exit_code == 1 and "can't see channel C0NOPE" in " ".join(result.output.split())


async def test_a_button_moved_onto_another_message_changes_nothing(slack):
    fake, application, app = slack
    card = await posted_card(fake, app)
    forged = click(card, "resolve")
    forged["message"]["ts"] = forged["container"]["message_ts"] = "1800000000.999999"
    await interactive(application, forged)
    [ephemeral] = await settle(fake, "chat.postEphemeral")
    assert "doesn't belong" in ephemeral.args["text"] and AlertService(app.sessions).recent()[0].status == "open"


async def test_resolving_a_crisis_alert_resolves_its_incident_and_posts_the_report_in_the_thread(slack):
    from datetime import UTC, datetime

    from memory.db import write_transaction
    from memory.incidents import IncidentStore, open_incident, update_incident

    fake, application, app = slack
    card = await posted_card(fake, app)
    [alert] = AlertService(app.sessions).recent()
    with write_transaction(app.sessions) as session:
        values = {"crisis_type": "product_safety", "type_confidence": 0.9, "score": 13.0, "signals": ["volume"]}
        at = datetime(2026, 11, 27, 9, tzinfo=UTC)
        row = open_incident(session, brand_id="harbor-pine", severity="SEV1", mentions=120, at=at, **values)
        update_incident(session, row.id, at, "alerted", alert_id=alert.id)
    await interactive(application, click(card, "resolve"))
    report = [c for c in await settle(fake, "chat.postMessage", 2) if c.args.get("thread_ts") == card["ts"]]
    assert report and "Post-crisis report: SEV1 product safety for harbor-pine" in report[0].args["text"]
    assert IncidentStore(app.sessions).get(row.id).status == "resolved"
