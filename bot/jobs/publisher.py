"""Publishes due posts exactly once, retries what is worth retrying, and reports every failure to people."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session, sessionmaker

from bot.jobs.publish_reports import Reporter
from config.settings import PublishingOptions
from memory import history, queue
from memory import repository as repo
from memory.coordination import Coordinator
from memory.credentials import CredentialStore, MissingKeyError
from memory.crypto import StoredTokenError
from memory.db import write_transaction
from memory.ledger import post_summary
from memory.models import Approval, ScheduledPost
from tools.content.text import strip_markers
from tools.content.threads import thread_parts
from tools.platforms.base import (
    AppCredentials,
    AuthError,
    Credentials,
    DeprecatedVersionError,
    Media,
    OutgoingPost,
    PlatformClient,
    PlatformError,
    Published,
    TransientError,
    media_in,
    title_in,
)
from tools.platforms.specs import get_platform
from tools.platforms.targets import targets_in

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=10)  # a claim older than this has lost its worker


@dataclass(frozen=True)
class _Claimed:
    id: str
    brand_id: str
    platform: str
    text: str
    dry_run: bool
    unchanged: bool
    attempts: int
    resume: dict[str, Any]
    options: dict[str, Any]
    scheduled_for: datetime
    claimed_at: datetime  # the claim's token: sending only happens while the claim is still this one


class Publisher:
    """One pass publishes what is due; run it in a loop (`brandpilot worker`, or inside `serve` and `chat`)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        clients: Mapping[str, PlatformClient],
        credentials: CredentialStore | None,
        coordinator: Coordinator,
        reporter: Reporter,
        options: PublishingOptions,
        app_credentials: Mapping[str, AppCredentials | None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Publish through `clients` with the brands' `credentials`, reporting through `reporter`."""
        self.sessions = sessions
        self.clients = clients
        self.credentials = credentials
        self.coordinator = coordinator
        self.reporter = reporter
        self.options = options
        self.app_credentials = app_credentials or {}
        self.clock = clock

    def run_once(self) -> list[dict[str, object]]:
        """Recover abandoned claims, publish every due post (in parallel), then flag late posts."""
        now = self.clock()
        self._recover()
        results: list[dict[str, object]] = []
        while True:
            claimed = self._claim(now)
            if not claimed:
                break
            workers = min(self.options.concurrency, len(claimed))
            with ThreadPoolExecutor(workers, thread_name_prefix="publish") as pool:
                results.extend(r for r in pool.map(self._publish_safely, claimed) if r is not None)
            if len(claimed) < self.options.batch_size:
                break
        self._flag_late(self.clock())
        return results

    def _claim(self, now: datetime) -> list[_Claimed]:
        with write_transaction(self.sessions) as session:
            return [_snapshot(session, post) for post in repo.claim_due_posts(session, now, self.options.batch_size)]

    def _recover(self) -> None:
        """Claims are stamped with the database's wall clock, so staleness is judged on it too."""
        with write_transaction(self.sessions) as session:
            _, uncertain = queue.recover_stale(session, datetime.now(UTC), STALE_CLAIM)
            for post in uncertain:
                self.reporter.uncertain(_numbered(session, post), queue.thread_of(session, post), session)

    def _publish_safely(self, claimed: _Claimed) -> dict[str, object] | None:
        try:
            return self._publish(claimed)
        except Exception:  # a bug must not stop the other posts; the claim is recovered after STALE_CLAIM
            log.exception("publishing post %s to %s crashed", claimed.id, claimed.platform)
            return None

    def _publish(self, claimed: _Claimed) -> dict[str, object]:
        if not claimed.unchanged:
            return self._fail(claimed, "the text changed after it was approved; it needs approval again", {})
        if claimed.dry_run:
            detail = f"dry run: no {claimed.platform} account was connected when this was approved; nothing was sent"
            return self._finish(claimed, None, dry_run=True, detail=detail)
        client = self.clients.get(claimed.platform)
        try:
            credentials = self.credentials.get(claimed.brand_id, claimed.platform) if self.credentials else None
        except (MissingKeyError, StoredTokenError) as exc:  # the deployment's key is missing or was changed
            return self._fail(claimed, str(exc), {})
        if client is None or credentials is None:
            how = f"connect it with `brandpilot platforms connect {claimed.platform} --brand {claimed.brand_id}`"
            return self._fail(claimed, f"the brand's {claimed.platform} account is not connected; {how}", {})
        limit = self.options.rate_limits[claimed.platform]
        if not self.coordinator.allow(
            f"publish:{claimed.platform}:{claimed.brand_id}", limit=limit.limit, per=limit.per_seconds
        ):
            wait = self.clock() + timedelta(seconds=limit.per_seconds / limit.limit)
            with write_transaction(self.sessions) as session:
                queue.retry_later(session, claimed.id, at=wait, error="", resume={}, count=False)
            return {"id": claimed.id, "platform": claimed.platform, "status": "scheduled", "detail": "rate limited"}
        try:
            post = _outgoing(claimed)
        except ValueError as exc:
            return self._fail(claimed, str(exc), {})
        with write_transaction(self.sessions) as session:
            state = queue.mark_sending(session, claimed.id, claimed_at=claimed.claimed_at)
            if state == "paused":  # paused after the claim: wait with the rest of the brand's posts
                queue.retry_later(session, claimed.id, at=self.clock(), error="", resume={}, count=False)
        if state != "sending":
            log.warning("post %s was not sent: its claim is %s", claimed.id, state)
            return {"id": claimed.id, "platform": claimed.platform, "status": "scheduled", "detail": state}
        try:
            published = self._send(client, post, claimed, credentials)
        except TransientError as exc:
            if exc.ambiguous:  # the request may have been received: never resend on a guess
                return self._uncertain(claimed, exc.message, exc.resume)
            return self._retry_or_fail(claimed, exc)
        except DeprecatedVersionError as exc:
            self.reporter.api_version(claimed.brand_id, claimed.platform, exc.message)
            return self._fail(claimed, exc.message, exc.resume)
        except PlatformError as exc:
            if exc.code == "duplicate" and claimed.attempts > 0:  # an earlier attempt probably got through
                return self._uncertain(claimed, exc.message, exc.resume)
            return self._fail(claimed, exc.message, exc.resume)
        return self._finish(claimed, published, dry_run=False, detail=None)

    def _send(
        self, client: PlatformClient, post: OutgoingPost, claimed: _Claimed, credentials: Credentials
    ) -> Published:
        """Publish; a refused token is refreshed once (where the platform allows) and the call repeated."""
        try:
            return client.publish(post, credentials)
        except AuthError as exc:
            fresh = self._refreshed(client, claimed, credentials)
            if fresh is None:
                raise AuthError(
                    claimed.platform,
                    f"{exc.message} The token can't be refreshed: reconnect the account with "
                    f"`brandpilot platforms connect {claimed.platform} --brand {claimed.brand_id}`.",
                    status=exc.status,
                    resume=exc.resume,
                ) from exc
            return client.publish(replace(post, options={**post.options, **exc.resume}), fresh)

    def _refreshed(self, client: PlatformClient, claimed: _Claimed, credentials: Credentials) -> Credentials | None:
        try:
            fresh = client.refresh(credentials, self.app_credentials.get(claimed.platform))
        except TransientError:
            raise  # the token endpoint is briefly away: retried like any transient failure
        except PlatformError as exc:
            log.warning("refreshing the %s token of %s failed: %s", claimed.platform, claimed.brand_id, exc.message)
            return None
        if fresh is not None and self.credentials is not None:
            self.credentials.update_tokens(claimed.brand_id, claimed.platform, fresh)
        return fresh

    def _retry_or_fail(self, claimed: _Claimed, exc: TransientError) -> dict[str, object]:
        attempt = claimed.attempts + 1
        if attempt >= self.options.max_attempts:
            message = f"{exc.message} (gave up after {attempt} attempts)"
            return self._fail(claimed, message, exc.resume)
        backoff = min(self.options.retry_base_seconds * 2 ** (attempt - 1), self.options.retry_max_seconds)
        delay = max(exc.retry_after or 0.0, backoff * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not crypto
        at = self.clock() + timedelta(seconds=delay)
        with write_transaction(self.sessions) as session:
            post = queue.retry_later(session, claimed.id, at=at, error=exc.message, resume=exc.resume)
            summary, thread = _numbered(session, post), queue.thread_of(session, post)
        self.reporter.retrying(summary, thread, exc.message, at, attempt)
        return summary

    def _uncertain(self, claimed: _Claimed, error: str, resume: dict[str, Any]) -> dict[str, object]:
        """The platform may have the post: a person checks, then confirms it or retries it."""
        return self._settle(claimed, "uncertain", error, resume)

    def _fail(self, claimed: _Claimed, error: str, resume: dict[str, Any]) -> dict[str, object]:
        return self._settle(claimed, "failed", error, resume)

    def _settle(
        self, claimed: _Claimed, status: Literal["failed", "uncertain"], error: str, resume: dict[str, Any]
    ) -> dict[str, object]:
        """Record the outcome and report it in one transaction: a failure is never stored without its alert."""
        with write_transaction(self.sessions) as session:
            post = queue.settle(session, claimed.id, status, error=error, resume=resume)
            _audit(session, claimed, f"post.{status}", {"error": error})
            summary, thread = _numbered(session, post), queue.thread_of(session, post)
            if status == "failed":
                self.reporter.failed(summary, thread, error, session)
            else:
                self.reporter.uncertain(summary, thread, session)
            return summary

    def _finish(
        self, claimed: _Claimed, published: Published | None, *, dry_run: bool, detail: str | None
    ) -> dict[str, object]:
        with write_transaction(self.sessions) as session:
            post = repo.finish_publish(
                session,
                claimed.id,
                outcome="published",
                dry_run=dry_run,
                external_id=published.external_id if published else None,
                url=published.url if published else None,
                detail=detail,
            )
            history.record_published(session, post)
            summary, thread = post_summary(post), queue.thread_of(session, post)
            _audit(session, claimed, f"post.{post.status}", {"detail": detail, "url": post.url})
            if published is not None:
                self.reporter.published(summary, thread, session)
            else:
                self.reporter.dry_run(summary, thread, session)
        return summary

    def _flag_late(self, now: datetime) -> None:
        late_after = timedelta(minutes=self.options.late_after_minutes)
        with write_transaction(self.sessions) as session:
            paused = queue.pauses(session)
            late = [
                (post_summary(p), queue.thread_of(session, p), paused.get(p.brand_id) is not None)
                for p in queue.late_posts(session, now, late_after)
            ]
        for post, thread, is_paused in late:
            self.reporter.late(post, thread, now, paused=is_paused)

    def check_tokens(self) -> int:
        """Refresh tokens that expire within the warning window where the platform allows; warn about the rest.

        Returns how many accounts people were warned about.
        """
        if self.credentials is None:
            return 0
        window = timedelta(days=self.options.token_warning_days)
        warned = 0
        for connection in self.credentials.expiring(window, self.clock()):
            if not self._renewed(connection.brand_id, connection.platform):
                self.reporter.token_expiring(connection, self.clock())
                warned += 1
        return warned

    def _renewed(self, brand_id: str, platform: str) -> bool:
        """Whether a refresh worked now: the account can keep renewing its short-lived tokens by itself."""
        client = self.clients.get(platform)
        try:
            credentials = self.credentials.get(brand_id, platform) if self.credentials else None
            if client is None or credentials is None or credentials.refresh_token is None:
                return False
            fresh = client.refresh(credentials, self.app_credentials.get(platform))
        except (PlatformError, MissingKeyError, StoredTokenError) as exc:
            log.warning("could not refresh the %s token of %s ahead of expiry: %s", platform, brand_id, exc)
            return False
        if fresh is None:
            return False
        assert self.credentials is not None
        self.credentials.update_tokens(brand_id, platform, fresh)
        return True


def _numbered(session: Session, post: ScheduledPost) -> dict[str, object]:
    """The post's summary with its attempt number over its whole life, which keys its reports."""
    return {**post_summary(post), "occurrence": queue.attempt_count(session, post.id)}


def _snapshot(session: Session, post: ScheduledPost) -> _Claimed:
    approval = session.get(Approval, post.approval_id)
    current = repo.hash_content(post.platform, post.text)
    unchanged = approval is not None and current == post.content_hash == approval.content_hash
    return _Claimed(
        id=post.id,
        brand_id=post.brand_id,
        platform=post.platform,
        text=post.text,
        dry_run=post.dry_run,
        unchanged=unchanged,
        attempts=post.attempts,
        resume=dict(post.resume or {}),
        options=dict(post.options or {}),
        scheduled_for=post.scheduled_for,
        claimed_at=post.updated_at,
    )


def _outgoing(claimed: _Claimed) -> OutgoingPost:
    """The post as a client sends it: media and title from the markers, an X thread in parts, resume data.

    Raises:
        ValueError: the draft names media that is not a web address, or a reply target or message recipient the
            platform can't take.
    """
    spec = get_platform(claimed.platform)
    reply_to, dm_to = targets_in(claimed.platform, claimed.text)
    parts = thread_parts(claimed.text) if spec.supports_threads and not dm_to else [claimed.text]
    listed = tuple(Media(**item) for item in claimed.options.get("media", ()))
    return OutgoingPost(
        post_id=claimed.id,
        platform=claimed.platform,
        parts=tuple(part for part in (strip_markers(p) for p in parts) if part),
        media=media_in(claimed.text) + listed,
        title=title_in(claimed.text) or claimed.options.get("title"),
        reply_to=reply_to,
        dm_to=dm_to,
        options={**claimed.options, **claimed.resume},
    )


def _audit(session: Session, claimed: _Claimed, action: str, detail: dict[str, Any]) -> None:
    repo.record_audit(
        session,
        actor="publisher",
        action=action,
        subject_type="scheduled_post",
        subject_id=claimed.id,
        detail={"platform": claimed.platform, **detail},
    )
