"""The whole loop: mentions → incident and alert with posts paused → response approved role by role → the
statement goes out while other posts wait → an explicit, audited resume lets them go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from mention_series import START, background, spike
from sqlalchemy import select
from typer.testing import CliRunner

from bot.alerts import AlertService, response_request
from bot.app import open_app
from bot.cli import app as cli
from bot.jobs.worker import open_publisher
from bot.listening.aftermath import crisis_aftermath
from bot.listening.ingest import Ingestor
from bot.listening.watch import CrisisWatch, brand_playbooks
from bot.service import NotAllowedError
from bot.turns import Turn
from config.settings import load_settings
from memory import queue
from memory.incidents import IncidentStore
from memory.models import AuditLog, ScheduledPost

BRAND = "harbor-pine"
ROLES = """
approvers:
  cli_users: [priya, graham, denise, sam]
crisis_roles:
  social_lead: {cli_users: [priya]}
  head_of_comms: {cli_users: [graham]}
  legal: {cli_users: [denise]}
"""


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    config = tmp_path / "brandpilot.yaml"
    config.write_text(ROLES)
    monkeypatch.setenv("BRANDPILOT_CONFIG", str(config))
    with open_app(load_settings()) as running:
        yield running


def approve(app, thread: str, user: str):
    pending = app.service.pending_approval(thread)
    return app.service.decide(thread, {"action": "approve", "approval_id": pending["approval_id"]}, user=user)


def test_from_replayed_mentions_to_an_approved_statement_while_posts_stay_paused(app):
    # an ordinary post, approved for tomorrow
    ordinary = app.service.handle_turn(Turn("cli:plan", "sam", "write a tweet about our winter candle sale"))
    assert ordinary.pending is not None
    approve(app, "cli:plan", "sam")

    # two calm days, then a burst of complaints about dangerous jars
    ingest = Ingestor(app.sessions)
    ingest.ingest(BRAND, background(2))
    burst = START + timedelta(days=2, hours=3)
    ingest.ingest(BRAND, spike(burst, 60))
    watch = CrisisWatch(
        app.sessions, [BRAND], app.settings.monitor, live=False, playbooks=brand_playbooks(app.settings)
    )
    assert "opened" in [p.action for p in watch.run_once(burst + timedelta(minutes=30), since=START)]
    [alert] = [a for a in AlertService(app.sessions).recent() if a.kind == "crisis"]
    assert alert.severity == "critical" and "product safety" in alert.summary
    with app.sessions() as session:
        assert BRAND in queue.pauses(session)  # SEV1 paused the queue on its own

    # Draft response, as the alert card's button asks it
    result = app.service.handle_turn(Turn("cli:crisis", "priya", response_request(alert)))
    request = result.pending
    assert result.agent == "crisis_responder" and request["draft"]["urgent"]
    assert [s["role"] for s in request["chain"]] == ["social_lead", "head_of_comms", "legal"]
    statement = (
        "Some of our candle jars cracked. Please stop using them; every order will be refunded. "
        "Updates at harborandpine.example/help by 6 p.m. ET."
    )
    app.service.decide("cli:crisis", {"action": "edit", "text": statement}, user="priya")
    with pytest.raises(NotAllowedError, match="Social lead"):
        approve(app, "cli:crisis", "graham")  # not graham's turn yet
    approve(app, "cli:crisis", "priya")
    with pytest.raises(NotAllowedError):
        approve(app, "cli:crisis", "denise")
    approve(app, "cli:crisis", "graham")
    done = approve(app, "cli:crisis", "denise")
    assert done.pending is None and done.outcomes[0]["decision"] == "approved"

    # the worker, days later: the statement goes out, the ordinary post waits for the resume
    later = datetime.now(UTC) + timedelta(days=4)
    with open_publisher(app.settings, app.sessions, app.coordinator, app.credentials) as publisher:
        publisher.clock = lambda: later
        published = {r["id"]: r["status"] for r in publisher.run_once()}
        with app.sessions() as session:
            posts = {p.text: p for p in session.scalars(select(ScheduledPost))}
        urgent = posts[statement]
        assert urgent.urgent and published.get(urgent.id) == "dry_run_published"
        assert all(p.status == "scheduled" for p in posts.values() if not p.urgent)

        resumed = CliRunner().invoke(cli, ["queue", "resume", "--brand", BRAND])
        assert resumed.exit_code == 0, resumed.output
        again = {r["id"]: r["status"] for r in publisher.run_once()}
        assert set(again.values()) == {"dry_run_published"} and len(again) == len(posts) - 1
    with app.sessions() as session:
        actions = [row.action for row in session.scalars(select(AuditLog).order_by(AuditLog.at))]
    assert "queue.paused" in actions and "queue.resumed" in actions and actions.count("approval.step") == 2
    assert "approval.refused" in actions

    # resolving the alert resolves the incident and gives the post-crisis report
    AlertService(app.sessions).act(alert.id, "acknowledge", actor="priya")
    AlertService(app.sessions).act(alert.id, "resolve", actor="graham")
    report = crisis_aftermath(app.sessions, BRAND, alert.id, actor="graham")
    assert report.startswith("**Post-crisis report: SEV1 product safety for harbor-pine**")
    assert "Response: acknowledge by priya after" in report and "resolve by graham" in report
    assert "Scheduled posts were paused automatically; " in report and "resumed them at" in report
    assert "- " in report.split("Timeline:")[1] and "resolved by graham" in report
    assert IncidentStore(app.sessions).open_incidents() == []  # nothing open any more
    listed = CliRunner().invoke(cli, ["crisis", "status"])
    assert "No open crisis incidents." in listed.output
