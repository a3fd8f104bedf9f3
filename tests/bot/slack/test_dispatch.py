"""Alerts and thread notices raised by background jobs reach Slack: cards in the alerts channel, notices in threads."""

import asyncio
from pathlib import Path

import pytest

from bot.alerts import AlertService, NewAlert
from bot.slack.dispatch import SlackDispatcher, client_factory
from memory.models import ThreadNotice
from memory.notices import add_notice


@pytest.fixture
def slack_config(tmp_path: Path) -> Path:
    path = tmp_path / "brandpilot.yaml"
    path.write_text("channels:\n  alerts: C0ALERTS\n")
    return path


def test_a_job_alert_is_posted_once_to_the_alerts_channel_and_a_notice_into_its_thread(slack):
    fake, _, app = slack
    AlertService(app.sessions).raise_alert(
        NewAlert(app.settings.default_brand_id(), "publish_failed", "high", "The X post was not published: boom.")
    )
    with app.sessions.begin() as session:
        add_notice(session, thread_key="slack:T1:C0DRAFTS:1700000000.000100", text=":x: not published", dedup_key="k1")
        add_notice(session, thread_key="cli:terminal-thread", text="for the terminal", dedup_key="k2")
    dispatcher = SlackDispatcher(app, client_factory(app))
    assert asyncio.run(dispatcher.run_once()) == 2
    [card] = fake.of("chat.postMessage")[:1]
    assert card.args["channel"] == "C0ALERTS" and "was not published" in str(card.args)
    [notice] = [c for c in fake.of("chat.postMessage") if c.args.get("thread_ts")]
    assert notice.args["channel"] == "C0DRAFTS" and notice.args["thread_ts"] == "1700000000.000100"
    assert asyncio.run(dispatcher.run_once()) == 0  # nothing is posted twice
    assert len(fake.of("chat.postMessage")) == 2
    with app.sessions() as session:
        terminal = session.query(ThreadNotice).filter_by(thread_key="cli:terminal-thread").one()
    assert terminal.delivered_at is None  # left for the terminal chat


def test_a_notice_slack_refuses_is_recorded_and_not_retried(slack):
    fake, _, app = slack
    fake.refuse_next("chat.postMessage", "channel_not_found")
    with app.sessions.begin() as session:
        add_notice(session, thread_key="slack:T1:C0GONE:1.2", text="hello", dedup_key="gone")
    dispatcher = SlackDispatcher(app, client_factory(app))
    assert asyncio.run(dispatcher.run_once()) == 0
    assert asyncio.run(dispatcher.run_once()) == 0
    assert len(fake.of("chat.postMessage")) == 1
    with app.sessions() as session:
        notice = session.query(ThreadNotice).one()
    assert "channel_not_found" in notice.error
