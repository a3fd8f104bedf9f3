"""Runs the background jobs: publishing in a loop, token checks hourly and the metrics sync, in a process or thread."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.alerts import AlertService
from bot.jobs.metrics_sync import MetricsSync
from bot.jobs.publish_reports import Reporter
from bot.jobs.publisher import Publisher
from config.settings import Settings
from memory.coordination import Coordinator
from memory.credentials import CredentialStore
from tools.platforms.factory import app_credentials, http_client, make_clients

log = logging.getLogger(__name__)
TOKEN_CHECK_SECONDS = 3600.0


@contextmanager
def open_publisher(
    settings: Settings, sessions: sessionmaker[Session], coordinator: Coordinator, credentials: CredentialStore
) -> Iterator[Publisher]:
    """A publisher with the configured platform clients; their HTTP connections close on exit."""
    with http_client() as http:
        yield Publisher(
            sessions,
            clients=make_clients(settings, http),
            credentials=credentials,
            coordinator=coordinator,
            reporter=Reporter(sessions, AlertService(sessions)),
            options=settings.publishing,
            app_credentials=app_credentials(settings),
        )


def metrics_sync(publisher: Publisher, timezone: str) -> MetricsSync:
    """The metrics sync over the publisher's platform clients and stored credentials."""
    return MetricsSync(publisher.sessions, publisher.clients, publisher.credentials, timezone)


def run_jobs(
    publisher: Publisher,
    stop: threading.Event,
    *,
    poll_seconds: float,
    on_result: Callable[[dict[str, object]], None] = lambda result: None,
    sync: MetricsSync | None = None,
    sync_hours: float = 0.0,
) -> None:
    """Publish what is due every `poll_seconds`, check tokens hourly and sync metrics every `sync_hours` (0: never).

    Runs until `stop` is set; errors never end it.
    """
    next_token_check = next_sync = 0.0
    while not stop.is_set():
        try:
            for result in publisher.run_once():
                on_result(result)
            if time.monotonic() >= next_token_check:
                publisher.check_tokens()
                next_token_check = time.monotonic() + TOKEN_CHECK_SECONDS
            if sync is not None and sync_hours > 0 and time.monotonic() >= next_sync:
                next_sync = time.monotonic() + sync_hours * 3600
                sync.run_once()
        except Exception:  # the database may be briefly away: log, wait, go on
            log.exception("a publishing pass failed; trying again in %.0f s", poll_seconds)
        stop.wait(poll_seconds)


@contextmanager
def in_background(loop: Callable[[threading.Event], None], name: str) -> Iterator[threading.Thread]:
    """Run `loop(stop)` on a daemon thread for the block; on exit set `stop` and wait for the loop to end."""
    stop = threading.Event()
    thread = threading.Thread(target=loop, args=(stop,), name=name, daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(timeout=30)


def jobs_in_background(
    publisher: Publisher, poll_seconds: float, sync: MetricsSync | None = None, sync_hours: float = 0.0
) -> AbstractContextManager[threading.Thread]:
    """Run the jobs on a daemon thread for the block (the embedded default inside `serve` and `chat`)."""
    return in_background(
        lambda stop: run_jobs(publisher, stop, poll_seconds=poll_seconds, sync=sync, sync_hours=sync_hours), "jobs"
    )


@contextmanager
def background_jobs(app: Any) -> Iterator[None]:
    """Inside `serve` and `chat`: publish on a thread unless `publishing.in_process` is off (a separate worker)."""
    settings = app.settings
    if not settings.publishing.in_process:
        yield
        return
    with open_publisher(settings, app.sessions, app.coordinator, app.credentials) as publisher:
        options = settings.publishing
        sync = metrics_sync(publisher, settings.agents.timezone)
        with jobs_in_background(publisher, options.poll_seconds, sync, options.metrics_sync_hours):
            yield
