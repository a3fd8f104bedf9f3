"""What the publishing worker tells people: alerts for the alerts channel and notices for the approval thread."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.alerts import AlertService, NewAlert
from memory import queue
from memory.credentials import Connection
from memory.db import write_transaction
from memory.notices import add_notice
from tools.platforms.specs import get_platform

log = logging.getLogger(__name__)
Post = dict[str, object]


class Reporter:
    """Raises alerts (delivered to the alerts channel by the surfaces) and queues notices for approval threads.

    Every report has a dedup key, so a worker that repeats a pass, or two workers, never report one event twice.
    """

    def __init__(self, sessions: sessionmaker[Session], alerts: AlertService) -> None:
        """Report through `alerts` and the thread-notice outbox in `sessions`' database."""
        self.sessions = sessions
        self.alerts = alerts

    def failed(self, post: Post, thread: str | None, error: str, session: Session) -> None:
        """A post that will not go out as it stands (told in the transaction that records it)."""
        what = _what(post)
        summary = f"{what} was not published: {error}"
        fix = f"Fix the cause, then `brandpilot queue retry {post['id']}` (or reschedule it) to try again."
        key = f"{post['id']}:{_nth(post)}"
        self._alert(post, "publish_failed", "high", f"{summary} {fix}", f"publish_failed:{key}", session)
        self._notice(thread, f":x: {summary}\n{fix}", f"failed:{key}", session)

    def retrying(self, post: Post, thread: str | None, error: str, at: datetime, attempt: int) -> None:
        """A transient failure; the post waits for its next attempt."""
        text = f":hourglass: {_what(post)} didn't go out yet ({error}); attempt {attempt + 1} at {at:%H:%M UTC}."
        self._notice(thread, text, f"retry:{post['id']}:{_nth(post)}")

    def published(self, post: Post, thread: str | None, session: Session) -> None:
        """The post is live (told in the transaction that records it)."""
        where = f": {post['url']}" if post.get("url") else f" (id {post['external_id']})"
        if thread:
            text = f":white_check_mark: {_what(post)} is live{where}"
            add_notice(session, thread_key=thread, text=text, dedup_key=f"published:{post['id']}")

    def dry_run(self, post: Post, thread: str | None, session: Session) -> None:
        """A post approved without a connected account: recorded, nothing sent (told in the same transaction)."""
        text = (
            f":information_source: {_what(post)} was recorded as a dry run: no account was connected when it was "
            "approved, so nothing was sent."
        )
        if thread:
            add_notice(session, thread_key=thread, text=text, dedup_key=f"dry_run:{post['id']}")

    def late(self, post: Post, thread: str | None, now: datetime, *, paused: bool = False) -> None:
        """A post still waiting well after its time."""
        minutes = int((now - datetime.fromisoformat(str(post["scheduled_for"]))).total_seconds() // 60)
        why = (
            "the brand's queue is paused (`brandpilot queue resume --brand " + str(post["brand_id"]) + "`)"
            if paused
            else "check that a worker is running (`brandpilot worker`) and see `brandpilot status`"
        )
        summary = f"{_what(post)} is {minutes} minutes late: {why}."
        self._alert(post, "publish_late", "warning", summary, f"publish_late:{post['id']}:{post['scheduled_for']}")
        self._notice(thread, f":warning: {summary}", f"late:{post['id']}:{post['scheduled_for']}")

    def uncertain(self, post: Post, thread: str | None, session: Session) -> None:
        """The post may be live (a worker stopped mid-publish, or no answer came back), so it is not resent.

        Told in the transaction that records it.
        """
        why = post.get("last_error") or "the worker stopped after sending it"
        summary = (
            f"{_what(post)} may or may not be live: {why}. Check the account; if it is live run "
            f"`brandpilot queue confirm {post['id']}`, if not `brandpilot queue retry {post['id']}`."
        )
        key = f"{post['id']}:{_nth(post)}"
        self._alert(post, "publish_uncertain", "high", summary, f"publish_uncertain:{key}", session)
        self._notice(thread, f":grey_question: {summary}", f"uncertain:{key}", session)

    def api_version(self, brand_id: str, platform: str, message: str) -> None:
        """The platform stopped serving the configured API version: every post there fails until it is changed."""
        summary = f"{get_platform(platform).label} refused BrandPilot's API version: {message}"
        new = NewAlert(brand_id, "api_version", "critical", summary, dedup_key=f"api_version:{platform}:{message[:80]}")
        self.alerts.raise_alert(new)

    def token_expiring(self, connection: Connection, now: datetime) -> None:
        """A connected account's token runs out soon (or already has).

        Told in the alerts channel and in the approval thread of every post still waiting on that account.
        """
        assert connection.expires_at is not None
        label = get_platform(connection.platform).label
        left = connection.expires_at - now
        when = "has expired" if left.total_seconds() <= 0 else f"expires in {max(left.days, 0)} day(s)"
        summary = (
            f"The {label} token of {connection.brand_id} ({connection.account_name or connection.account_id}) {when}, "
            f"on {connection.expires_at:%Y-%m-%d %H:%M UTC}. Scheduled posts there will fail after that: reconnect "
            f"with `brandpilot platforms connect {connection.platform} --brand {connection.brand_id}`."
        )
        key = f"token_expiring:{connection.brand_id}:{connection.platform}:{connection.expires_at:%Y%m%d%H%M}"
        self.alerts.raise_alert(NewAlert(connection.brand_id, "token_expiring", "warning", summary, dedup_key=key))
        with write_transaction(self.sessions) as session:
            for thread in queue.waiting_threads(session, connection.brand_id, connection.platform):
                add_notice(session, thread_key=thread, text=f":key: {summary}", dedup_key=f"{key}:{thread}")

    def _alert(
        self, post: Post, kind: str, severity: str, summary: str, key: str, session: Session | None = None
    ) -> None:
        evidence = (f"Post text: {str(post['text'])[:300]}",)
        new = NewAlert(str(post["brand_id"]), kind, severity, summary, evidence, dedup_key=key)
        self.alerts.raise_alert(new, session=session)

    def _notice(self, thread: str | None, text: str, key: str, session: Session | None = None) -> None:
        if not thread:
            return
        if session is not None:
            add_notice(session, thread_key=thread, text=text, dedup_key=key)
            return
        with write_transaction(self.sessions) as own:
            add_notice(own, thread_key=thread, text=text, dedup_key=key)


def _nth(post: Post) -> object:
    """Which attempt over the post's whole life a report is about (retries by a person start a new count)."""
    return post.get("occurrence", post["attempts"])


def _what(post: Post) -> str:
    label = get_platform(str(post["platform"])).label
    return f"The {label} post scheduled for {str(post['scheduled_for'])[:16].replace('T', ' ')} UTC"
