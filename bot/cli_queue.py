"""`brandpilot worker`, `queue pause|resume|retry|confirm` and `status`: the publishing queue for operators."""

from __future__ import annotations

import getpass
import socket
import threading
from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.cli import JsonOpt, app, emit_json, fail, out, queue_app, settings_or_exit, user_errors
from bot.cli_platforms import BrandOpt, _brand
from bot.deployment import deployment
from memory import queue
from memory import repository as repo
from memory.coordination import make_coordinator
from memory.models import ScheduledPost

PostArg = Annotated[str, typer.Argument(help="The post's id (see `brandpilot queue list --json`).")]


def _actor() -> str:
    return f"{getpass.getuser()}@{socket.gethostname()}"


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="Publish what is due, then exit.")] = False,
    interval: Annotated[
        float | None, typer.Option(help="Seconds between passes (default: publishing.poll_seconds).", min=1.0)
    ] = None,
) -> None:
    """Publish due posts in this process, once or until stopped.

    The loop also checks tokens, syncs metrics, polls mentions and watches for crises, each on its own schedule.
    """
    from bot.jobs.worker import open_publisher, periodic_jobs, run_jobs

    settings = settings_or_exit()
    coordinator = make_coordinator(settings.secret("redis_url"), settings.home / "locks")
    with (
        user_errors(),
        deployment(settings) as where,
        open_publisher(settings, where.sessions, coordinator, where.credentials) as publisher,
    ):
        if once:
            for result in publisher.run_once():
                out.print(f"{result['platform']} post {result['id']}: {result['status']}")
            publisher.check_tokens()
            return
        out.print("Publishing due posts; stop with Ctrl-C.")
        stop = threading.Event()
        report = lambda r: out.print(f"{r['platform']} post {r['id']}: {r['status']}")  # noqa: E731
        try:
            run_jobs(
                publisher,
                stop,
                poll_seconds=interval or settings.publishing.poll_seconds,
                on_result=report,
                periodic=periodic_jobs(publisher, settings),
            )
        except KeyboardInterrupt:
            stop.set()
    coordinator.close()


@queue_app.command("pause")
def pause(
    brand: BrandOpt = None,
    reason: Annotated[str, typer.Option("--reason", help="Why, for the people who see it.")] = "",
) -> None:
    """Hold every scheduled post of a brand (nothing is published until `queue resume`)."""
    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    with user_errors(), deployment(settings) as where, where.sessions.begin() as session:
        new = queue.pause(session, brand_id, actor=_actor(), reason=reason.strip())
        repo.record_audit(session, actor=_actor(), action="queue.paused", detail={"brand": brand_id, "reason": reason})
    out.print(f"{brand_id}'s queue {'is now' if new else 'was already'} paused. Resume with `queue resume`.")


@queue_app.command("resume")
def resume(brand: BrandOpt = None) -> None:
    """Let a paused brand's posts go out again (posts that became late are published now)."""
    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    with user_errors(), deployment(settings) as where:
        was_paused = queue.resume_posts(where.sessions, brand_id, actor=_actor(), surface="cli")
    if not was_paused:
        fail(f"{brand_id}'s queue is not paused.")
    out.print(f"{brand_id}'s queue runs again.")


@queue_app.command("retry")
def retry(post_id: PostArg) -> None:
    """Put a failed or uncertain post back in the queue now (the same approved text)."""
    settings = settings_or_exit()
    with user_errors(), deployment(settings) as where, where.sessions.begin() as session:
        _known(session, post_id)
        post = repo.reschedule_post(session, post_id, scheduled_for=datetime.now(UTC))
        post.next_attempt_at, post.attempts = None, 0
        repo.record_audit(
            session, actor=_actor(), action="post.retry", subject_type="scheduled_post", subject_id=post_id
        )
    out.print(f"Post {post_id} is back in the queue and goes out on the worker's next pass.")


@queue_app.command("confirm")
def confirm(
    post_id: PostArg,
    url: Annotated[str | None, typer.Option("--url", help="The live post's address.")] = None,
    external_id: Annotated[str | None, typer.Option("--external-id", help="The platform's id of the post.")] = None,
) -> None:
    """Record that an uncertain post is live (you checked the account), so it is never sent again."""
    settings = settings_or_exit()
    with user_errors(), deployment(settings) as where, where.sessions.begin() as session:
        _known(session, post_id)
        queue.confirm_live(session, post_id, external_id=external_id, url=url)
        repo.record_audit(
            session, actor=_actor(), action="post.confirmed", subject_type="scheduled_post", subject_id=post_id
        )
    out.print(f"Post {post_id} is recorded as published.")


def _known(session: object, post_id: str) -> None:
    if session.get(ScheduledPost, post_id) is None:  # type: ignore[attr-defined]
        fail(f"There is no post {post_id!r}; see `brandpilot queue list --json` for ids.")


@app.command()
def status(brand: BrandOpt = None, as_json: JsonOpt = False) -> None:
    """Per brand: connected platforms and their tokens, queue depth, pauses, the last success and failure."""
    from bot.status import brand_status, render_status

    settings = settings_or_exit()
    brands = [_brand(settings, brand)] if brand else [entry.id for entry in settings.brand_entries()]
    with user_errors(), deployment(settings) as where:
        report = [brand_status(where, brand_id) for brand_id in brands]
    if as_json:
        emit_json({"brands": report})
    else:
        out.print(render_status(report))
