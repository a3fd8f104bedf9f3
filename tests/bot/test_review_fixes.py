"""Regression tests for problems found in review: duplicates, numbering, stale slots, odd input."""

import threading
import time

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.turns import InputError, Turn
from memory.coordination import InProcessCoordinator, ThreadBusyError
from memory.models import ScheduledPost
from tools.content.brief import parse_brief


def ask(app, text, thread="cli:t1"):
    return app.service.handle_turn(Turn(thread, "maya", text))


def test_follow_up_revision_replaces_the_scheduled_post_instead_of_adding_one(running_app):
    ask(running_app, "Draft a LinkedIn post about our new workshop tours")
    running_app.service.decide("cli:t1", {"action": "approve"}, user="maya")
    revised = ask(running_app, "make it shorter").pending
    assert revised["draft"]["revision"] == 2
    running_app.service.decide("cli:t1", {"action": "approve"}, user="maya")
    with running_app.sessions() as session:
        statuses = sorted(session.scalars(select(ScheduledPost.status)).all())
    assert statuses == ["cancelled", "scheduled"]


def test_editing_a_thread_does_not_number_it_twice(running_app):
    long_text = " ".join(f"Step {i} of caring for a soy candle is simple and worth doing well." for i in range(8))
    ask(running_app, f"Turn this into an X thread: '{long_text}'")
    pending = running_app.service.pending_approval("cli:t1")
    edited_text = "\n\n".join(pending["draft"]["parts"]).replace("Step 0", "First")
    result = running_app.service.decide("cli:t1", {"action": "edit", "text": edited_text}, user="maya")
    parts = result.pending["draft"]["parts"]
    total = len(parts)
    for index, part in enumerate(parts, start=1):
        assert part.endswith(f" {index}/{total}") and not part[: -len(f" {index}/{total}")].endswith(f"/{total}")


def test_edit_reply_carries_no_outcome_of_an_earlier_draft(running_app):
    ask(running_app, "adapt this for LinkedIn and X: 'Our reed diffusers are back in stock this week.'")
    running_app.service.decide("cli:t1", {"action": "approve"}, user="maya")
    result = running_app.service.decide("cli:t1", {"action": "edit", "text": "Reed diffusers are back."}, user="maya")
    assert result.outcomes == []


def test_a_card_whose_time_has_passed_must_be_rescheduled(running_app):
    ask(running_app, "write a tweet about our winter candle sale")
    slot = running_app.service.pending_approval("cli:t1")["draft"]["scheduled_for"]
    from datetime import datetime, timedelta

    running_app.service.now = lambda: datetime.fromisoformat(slot) + timedelta(hours=1)
    with pytest.raises(InputError, match="has passed"):
        running_app.service.decide("cli:t1", {"action": "approve"}, user="maya")


def test_reschedule_far_in_the_future_is_refused_cleanly(running_app):
    ask(running_app, "write a tweet about our winter candle sale")
    for value in ("9999-12-31T23:59:59-05:00", "2090-01-01T00:00:00"):
        with pytest.raises(InputError):
            running_app.service.decide("cli:t1", {"action": "reschedule", "scheduled_for": value}, user="maya")


def test_naming_another_platform_is_not_a_follow_up_on_the_last_draft(running_app):
    decision = running_app.router.route("make it a LinkedIn post too", current_agent="x")
    assert decision.reason != "follow_up" or decision.agent != "x"


def test_colon_in_a_request_is_not_mistaken_for_supplied_text():
    brief = parse_brief("write a 3-part thread on X about how to care for a soy candle: trimming wicks, first burn")
    assert brief.quoted is None and brief.thread_parts == 3
    assert (
        parse_brief("check this caption: Light the harbor tonight with us").quoted == "Light the harbor tonight with us"
    )


def test_batch_check_rejects_a_string_sponsored_flag(tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"platform": "x", "sponsored": "false", "text": "Hello there"}\n')
    result = CliRunner().invoke(cli, ["check", "--batch", str(batch), "--json"])
    assert result.exit_code == 1 and '"sponsored\\" must be true or false' in result.stdout


def test_markup_in_user_input_is_printed_not_interpreted():
    result = CliRunner().invoke(cli, ["approve", "x[/y]", "--approve"])
    assert result.exit_code == 1 and "x[/y]" in result.stderr


def test_bad_database_url_is_explained_without_echoing_it(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql:/bp:TopSecretPw@db/bp")
    result = CliRunner().invoke(cli, ["queue", "list"])
    assert result.exit_code == 1 and "DATABASE_URL" in result.stderr and "TopSecretPw" not in result.stderr


def test_unreachable_database_is_a_plain_error(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://bp:pw@127.0.0.1:1/bp?connect_timeout=2")
    result = CliRunner().invoke(cli, ["queue", "list"])
    assert result.exit_code == 1 and "Can't reach the database" in result.stderr and "pw@" not in result.stderr


def test_file_locks_exclude_a_second_process_on_the_same_home(tmp_path):
    first, second = InProcessCoordinator(tmp_path), InProcessCoordinator(tmp_path)  # as two processes would
    held = threading.Event()
    release = threading.Event()

    def hold():
        with first.thread_lock("cli:t1"):
            held.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    held.wait(5)
    with pytest.raises(ThreadBusyError):
        with second.thread_lock("cli:t1", wait=0.2):
            pass
    release.set()
    worker.join()
    start = time.monotonic()
    with second.thread_lock("cli:t1", wait=1):
        assert time.monotonic() - start < 1
