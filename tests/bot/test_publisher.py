from datetime import timedelta

from sqlalchemy import select, update
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.jobs.publisher import publish_due
from bot.turns import Turn
from memory.models import PublishAttempt, ScheduledPost


def schedule_one(running_app, thread="cli:pub"):
    running_app.service.handle_turn(Turn(thread, "maya", "write a tweet about our winter candle sale"))
    result = running_app.service.decide(thread, {"action": "approve"}, user="maya")
    with running_app.sessions() as session:
        return session.get(ScheduledPost, result.outcomes[0]["post_id"])


def test_due_post_is_published_once_as_a_labelled_dry_run(running_app):
    post = schedule_one(running_app)
    later = post.scheduled_for + timedelta(minutes=5)
    assert publish_due(running_app.sessions, now=post.scheduled_for - timedelta(minutes=1)) == []
    [published] = publish_due(running_app.sessions, now=later)
    assert published["status"] == "dry_run_published" and published["dry_run"] is True
    assert publish_due(running_app.sessions, now=later) == []
    with running_app.sessions() as session:
        [attempt] = session.scalars(select(PublishAttempt)).all()
    assert "dry run" in attempt.detail


def test_text_changed_after_approval_is_not_published(running_app):
    post = schedule_one(running_app)
    with running_app.sessions.begin() as session:
        session.execute(update(ScheduledPost).where(ScheduledPost.id == post.id).values(text="Tampered text"))
    [result] = publish_due(running_app.sessions, now=post.scheduled_for + timedelta(minutes=5))
    assert result["status"] == "failed"
    with running_app.sessions() as session:
        [attempt] = session.scalars(select(PublishAttempt)).all()
    assert "needs approval again" in attempt.detail


def test_worker_once_reports_nothing_when_nothing_is_due(running_app):
    schedule_one(running_app)
    result = CliRunner().invoke(cli, ["worker", "--once"], catch_exceptions=False)
    assert result.exit_code == 0 and result.stdout == ""
