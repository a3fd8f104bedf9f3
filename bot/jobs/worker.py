"""The background jobs, in a process or a thread: publishing, token checks, metrics sync, mention poll, crisis watch."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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


@dataclass(frozen=True)
class Periodic:
    """A job run every `every` seconds beside publishing (0: never)."""

    name: str
    every: float
    run: Callable[[], object]


def periodic_jobs(publisher: Publisher, settings: Settings) -> list[Periodic]:
    """Token checks, the metrics sync, the mention poll and the crisis watch, on the publisher's clients."""
    from bot.listening.poller import MentionPoller
    from bot.listening.watch import CrisisWatch, brand_competitors, brand_playbooks

    competitors = brand_competitors(settings)
    poller = MentionPoller(
        publisher.sessions,
        publisher.clients,
        publisher.credentials,
        competitors=competitors if settings.monitor.competitor_poll_seconds else {},
        competitor_every=timedelta(seconds=settings.monitor.competitor_poll_seconds),
        competitor_limit=settings.monitor.competitor_poll_limit,
    )
    brands = [entry.id for entry in settings.brand_entries()]
    watch = CrisisWatch(publisher.sessions, brands, settings.monitor, playbooks=brand_playbooks(settings))
    sync = metrics_sync(publisher, settings.agents.timezone)
    return [
        Periodic("token check", TOKEN_CHECK_SECONDS, publisher.check_tokens),
        Periodic("metrics sync", settings.publishing.metrics_sync_hours * 3600, sync.run_once),
        Periodic("mention poll", settings.monitor.poll_seconds, poller.run_once),
        Periodic("crisis watch", settings.monitor.watch_seconds, lambda: watch.run_once(datetime.now(UTC))),
    ]


def run_jobs(
    publisher: Publisher,
    stop: threading.Event,
    *,
    poll_seconds: float,
    on_result: Callable[[dict[str, object]], None] = lambda result: None,
    periodic: Sequence[Periodic] = (),
) -> None:
    """Publish what is due every `poll_seconds` and run each periodic job when its time comes, until `stop` is set.

    A failing pass or job is logged and tried again later; errors never end the loop.
    """
    due = [0.0] * len(periodic)
    while not stop.is_set():
        try:
            for result in publisher.run_once():
                on_result(result)
        except Exception:  # the database may be briefly away: log, wait, go on
            log.exception("a publishing pass failed; trying again in %.0f s", poll_seconds)
        for index, job in enumerate(periodic):
            if job.every <= 0 or time.monotonic() < due[index] or stop.is_set():
                continue
            due[index] = time.monotonic() + job.every
            try:
                job.run()
            except Exception:
                log.exception("the %s failed; trying again in %.0f s", job.name, job.every)
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
    publisher: Publisher, poll_seconds: float, periodic: Sequence[Periodic] = ()
) -> AbstractContextManager[threading.Thread]:
    """Run the jobs on a daemon thread for the block (the embedded default inside `serve` and `chat`)."""
    return in_background(lambda stop: run_jobs(publisher, stop, poll_seconds=poll_seconds, periodic=periodic), "jobs")


@contextmanager
def background_jobs(app: Any) -> Iterator[None]:
    """Inside `serve` and `chat`: publish on a thread unless `publishing.in_process` is off (a separate worker)."""
    settings = app.settings
    if not settings.publishing.in_process:
        yield
        return
    with open_publisher(settings, app.sessions, app.coordinator, app.credentials) as publisher:
        with jobs_in_background(publisher, settings.publishing.poll_seconds, periodic_jobs(publisher, settings)):
            yield
