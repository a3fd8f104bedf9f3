"""A thread survives its process: the card is shown, the process exits, another one resumes it."""

import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.alerts import AlertService
from bot.jobs.publish_reports import Reporter
from bot.jobs.publisher import Publisher
from config.settings import load_settings
from memory.coordination import InProcessCoordinator
from memory.db import create_db_engine, session_factory
from memory.models import PublishAttempt, ScheduledPost

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def brandpilot(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def cli_env(postgres_db_url, brandpilot_home):
    env = {k: v for k, v in os.environ.items()}
    env.update(DATABASE_URL=postgres_db_url, BRANDPILOT_HOME=str(brandpilot_home), HF_HUB_OFFLINE="1")
    return env


def publish_due(sessions, *, now):
    """One worker pass of a process of its own (no platform connected: dry runs)."""
    publisher = Publisher(
        sessions,
        clients={},
        credentials=None,
        coordinator=InProcessCoordinator(),
        reporter=Reporter(sessions, AlertService(sessions)),
        options=load_settings().publishing,
        clock=lambda: now,
    )
    return publisher.run_once()


def test_unmigrated_postgres_is_refused_with_the_command_to_run(cli_env):
    result = brandpilot("ask", "write a tweet about our sale", "--json", env=cli_env)
    assert result.returncode == 1
    assert "brandpilot db upgrade" in result.stderr


def test_thread_killed_mid_approval_resumes_in_a_new_process_and_publishes_once(cli_env, postgres_db_url):
    assert brandpilot("db", "upgrade", env=cli_env).returncode == 0
    asked = brandpilot(
        "ask", "write a tweet about our new Fog Bell candle", "--thread", "launch", "--json", env=cli_env
    )
    assert asked.returncode == 0, asked.stderr
    card = json.loads(asked.stdout)["pending_approval"]
    # the first process has exited with the card shown; a new process resumes from Postgres
    approved = brandpilot("approve", "launch", "--approve", "--json", env=cli_env)
    assert approved.returncode == 0, approved.stderr
    post = json.loads(approved.stdout)["post"]
    assert post["text"] == card["text"] and post["status"] == "scheduled"
    again = brandpilot("approve", "launch", "--approve", env=cli_env)
    assert again.returncode == 1 and "Nothing is waiting" in again.stderr

    due = datetime.fromisoformat(post["scheduled_for"]) + timedelta(minutes=1)
    engines = [create_db_engine(postgres_db_url) for _ in range(2)]
    results: list[list[dict]] = []
    workers = [
        threading.Thread(target=lambda e=e: results.append(publish_due(session_factory(e), now=due))) for e in engines
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(len(r) for r in results) == [0, 1]
    with session_factory(engines[0])() as session:
        assert session.scalar(select(func.count()).select_from(PublishAttempt)) == 1
        assert session.scalars(select(ScheduledPost.status)).all() == ["dry_run_published"]
    assert publish_due(session_factory(engines[0]), now=due + timedelta(days=1)) == []
    for engine in engines:
        engine.dispose()
