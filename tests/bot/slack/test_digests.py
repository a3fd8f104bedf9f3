"""Scheduled digests in Slack: the report card and charts posted once when due; a refused post becomes an alert."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.alerts import AlertService
from bot.slack.digests import SlackDigests
from bot.slack.dispatch import client_factory
from memory.db import write_transaction
from memory.demo import seed_demo
from memory.models import DigestRun
from tools.analytics.demo_history import demo_history

DUE = datetime(2026, 11, 30, 9, tzinfo=UTC)  # Monday 09:00: the week of Nov 23-29 is due


@pytest.fixture
def slack_config(tmp_path: Path) -> Path:
    path = tmp_path / "brandpilot.yaml"
    path.write_text("digests:\n  - brand: harbor-pine\n    channel: C0DIGEST\n    kind: weekly\n    hour: 9\n")
    return path


def test_a_due_digest_posts_the_report_and_its_charts_once(slack):
    fake, _, app = slack
    history = demo_history(end=date(2026, 11, 30), platforms=("instagram", "linkedin"), weeks=6)
    with write_transaction(app.sessions) as session:
        seed_demo(session, "harbor-pine", history, actor="test")
    early = SlackDigests(app, client_factory(app), clock=lambda: DUE - timedelta(minutes=1))
    assert asyncio.run(early.run_once()) == 0 and not fake.of("chat.postMessage")

    digests = SlackDigests(app, client_factory(app), clock=lambda: DUE)
    assert asyncio.run(digests.run_once()) == 1
    [card] = fake.of("chat.postMessage")
    assert card.args["channel"] == "C0DIGEST"
    assert card.args["text"].startswith("_Scheduled weekly digest for harbor-pine.")
    assert "*Weekly report for harbor-pine: week of Nov 23-29*" in card.args["text"]
    fake.wait_for("files.completeUploadExternal")
    assert sorted(f["filename"] for f in fake.files) == ["channel_mix.png", "funnel.png", "trend.png"]
    assert {f["channel"] for f in fake.files} == {"C0DIGEST"}

    assert asyncio.run(digests.run_once()) == 0  # once per period, whoever runs the pass
    assert len(fake.of("chat.postMessage")) == 1
    with app.sessions() as session:
        run = session.query(DigestRun).one()
    [card_ts] = [ts for ts, message in fake.messages.items() if "Weekly report" in (message["text"] or "")]
    assert (run.period_start, run.posted_at is not None, run.message_ref) == (date(2026, 11, 23), True, card_ts)
    assert {f["thread_ts"] for f in fake.files} == {card_ts}


def test_a_digest_slack_refuses_is_not_retried_and_raises_an_alert(slack):
    fake, _, app = slack
    fake.refuse_next("chat.postMessage", "not_in_channel")
    digests = SlackDigests(app, client_factory(app), clock=lambda: DUE)
    assert asyncio.run(digests.run_once()) == 0
    later = SlackDigests(app, client_factory(app), clock=lambda: DUE + timedelta(hours=1))
    assert asyncio.run(later.run_once()) == 0
    assert len(fake.of("chat.postMessage")) == 1
    [alert] = AlertService(app.sessions).recent()
    assert alert.kind == "digest_failed" and alert.brand_id == "harbor-pine"
    assert "not posted to Slack channel C0DIGEST" in alert.summary and "/invite @BrandPilot" in alert.summary
