"""The `brandpilot` command line: chat, ask, approve, queue, route, check, knowledge, config, db, worker."""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from agents.llm import ModelConfigError
from bot.turns import InputError, Turn, TurnResult, check_thread_name
from config.errors import ConfigError
from config.settings import Settings, load_settings, local_user
from knowledge.errors import PackError, StoreBusyError
from memory.coordination import ThreadBusyError
from memory.credentials import MissingKeyError
from memory.crypto import StoredTokenError
from memory.db import SchemaNotCurrentError
from memory.repository import NotFoundError, PostStateError
from tools.content.rulebook import RulebookError
from tools.monitor.playbook_model import PlaybookError

app = typer.Typer(help="BrandPilot: your marketing team's assistant.", no_args_is_help=True, add_completion=False)
queue_app = typer.Typer(help="The publishing queue.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
config_app = typer.Typer(help="Configuration.", no_args_is_help=True)
app.add_typer(queue_app, name="queue")
app.add_typer(db_app, name="db")
app.add_typer(config_app, name="config")
out = Console()
err = Console(stderr=True)
USER_ERRORS = (
    InputError,
    NotFoundError,
    PostStateError,
    MissingKeyError,
    StoredTokenError,
    ConfigError,
    SchemaNotCurrentError,
    ModelConfigError,
    RulebookError,
    ThreadBusyError,
    PackError,
    StoreBusyError,
    PlaybookError,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
ThreadOpt = Annotated[str | None, typer.Option("--thread", "-t", help="Thread name (letters, digits, _ . : -).")]


def fail(message: str, *, code: int = 1) -> None:
    """Print a plain-words error to stderr and exit."""
    err.print(Text.assemble(("Error: ", "red"), message), highlight=False)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn errors a person can fix into a message and a non-zero exit."""
    import psycopg
    import psycopg_pool
    import redis
    import sqlalchemy.exc

    try:
        yield
    except USER_ERRORS as exc:
        fail(str(exc))
    except (sqlalchemy.exc.OperationalError, psycopg.OperationalError, psycopg_pool.PoolTimeout) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        fail(f"Can't reach the database named by DATABASE_URL ({reason}). Check that it is running and reachable.")
    except redis.exceptions.ConnectionError as exc:
        fail(f"Can't reach Redis at REDIS_URL ({str(exc).splitlines()[0]}). Check that it is running.")
    except ValueError as exc:
        if "DATABASE_URL" in str(exc) or "REDIS_URL" in str(exc):
            fail(str(exc))
        raise


def emit_json(data: Any) -> None:
    """One JSON document on one line of stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def settings_or_exit() -> Settings:
    """Load settings, exiting with the config error's message when they are invalid."""
    with user_errors():
        settings = load_settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    return settings


def thread_key(name: str) -> str:
    """Accept a thread name (`launch`) or a full key (`cli:launch`, `slack:T:C:ts`)."""
    name = check_thread_name(name.strip())
    return name if name.startswith(("cli:", "slack:", "discord:")) else f"cli:{name}"


def thread_name(key: str) -> str:
    """The short name of a terminal thread key."""
    return key.removeprefix("cli:")


def pending_json(result: TurnResult) -> dict[str, Any] | None:
    """The `pending_approval` object of `ask --json`."""
    if result.pending is None:
        return None
    draft = result.pending["draft"]
    return {
        "id": result.pending["approval_id"],
        "platform": draft["platform"],
        "text": draft["text"],
        "parts": draft["parts"],
        "scheduled_for": draft["scheduled_for"],
        "passed": result.pending["passed"],
        "findings": result.pending["findings"],
        "allowed_actions": result.pending["allowed_actions"],
    }


def reply_text(result: TurnResult) -> str:
    """All text replies of a turn joined as Markdown."""
    return "\n\n".join(r.markdown for r in result.replies if r.kind == "text")


def run_with_app(settings: Settings, body: Callable[[Any], None]) -> None:
    """Open the app, run `body(app)`, and report errors a person can fix in plain words."""
    from bot.app import open_app

    with user_errors(), open_app(settings) as running:
        body(running)


@app.command()
def chat(thread: ThreadOpt = None) -> None:
    """Chat with BrandPilot in the terminal."""
    from bot.terminal.chat import run_chat

    settings = settings_or_exit()
    name = thread or f"chat-{time.strftime('%Y%m%d-%H%M%S')}"
    with user_errors():
        key = thread_key(name)

    def body(running: Any) -> None:
        from bot.jobs.worker import background_jobs

        with background_jobs(running):
            run_chat(running, key, local_user(), out)

    run_with_app(settings, body)


@app.command()
def ask(
    text: Annotated[str, typer.Argument(help="Your message.")], thread: ThreadOpt = None, as_json: JsonOpt = False
) -> None:
    """Send one message and print the reply and any draft waiting for approval."""
    settings = settings_or_exit()
    with user_errors():
        key = thread_key(thread or f"ask-{uuid.uuid4().hex[:8]}")

    def body(running: Any) -> None:
        result = running.service.handle_turn(Turn(key, local_user(), text))
        if as_json:
            emit_json(
                {
                    "thread": thread_name(key),
                    "agent": result.agent,
                    "reply": reply_text(result),
                    "pending_approval": pending_json(result),
                }
            )
            return
        from bot.terminal.render import render_reply

        for item in result.replies:
            out.print(render_reply(item))
        if result.pending:
            out.print(
                f"\nDecide with: [bold]brandpilot approve {thread_name(key)} --approve[/] "
                "(or --edit TEXT, --reject REASON, --reschedule ISO8601)"
            )

    run_with_app(settings, body)


@app.command()
def approve(
    thread: Annotated[str, typer.Argument(help="The thread with a draft waiting.")],
    do_approve: Annotated[bool, typer.Option("--approve", help="Approve the draft.")] = False,
    edit: Annotated[str | None, typer.Option("--edit", help="Replace the text (it is re-checked).")] = None,
    reject: Annotated[str | None, typer.Option("--reject", help="Reject, with a reason.")] = None,
    reschedule: Annotated[str | None, typer.Option("--reschedule", help="Approve for this ISO 8601 time.")] = None,
    approval: Annotated[
        str | None, typer.Option("--id", help="Only act if this approval id (from `ask --json`) is still pending.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Approve, edit, reject or reschedule the draft waiting in a thread."""
    chosen = [
        name
        for name, value in (("approve", do_approve), ("edit", edit), ("reject", reject), ("reschedule", reschedule))
        if value is not None and value is not False
    ]
    if len(chosen) != 1:
        fail("Choose exactly one of --approve, --edit TEXT, --reject REASON, --reschedule ISO8601.", code=2)
    decision: dict[str, Any] = {"action": chosen[0]}
    if edit is not None:
        decision["text"] = edit
    if reject is not None:
        decision["reason"] = reject
    if reschedule is not None:
        decision["scheduled_for"] = reschedule
    if approval is not None:
        decision["approval_id"] = approval
    settings = settings_or_exit()
    with user_errors():
        key = thread_key(thread)

    def body(running: Any) -> None:
        result = running.service.decide(key, decision, user=local_user(), surface="cli")
        outcome = result.outcomes[0] if result.outcomes else {}
        post = _post(running, outcome.get("post_id"))
        if as_json:
            status = outcome.get("status") or ("pending_approval" if result.pending else "unknown")
            emit_json(
                {
                    "thread": thread_name(key),
                    "decision": outcome.get("decision", "edited"),
                    "status": status,
                    "post": post,
                    "pending_approval": pending_json(result),
                }
            )
            return
        from bot.terminal.render import render_reply

        for item in result.replies:
            out.print(render_reply(item))

    run_with_app(settings, body)


def _post(running: Any, post_id: str | None) -> dict[str, Any] | None:
    if not post_id:
        return None
    from memory.ledger import post_summary
    from memory.models import ScheduledPost

    with running.sessions() as session:
        post = session.get(ScheduledPost, post_id)
        return post_summary(post) if post else None


@queue_app.command("list")
def queue_list(
    brand: Annotated[str | None, typer.Option("--brand", help="Only this brand id.")] = None, as_json: JsonOpt = False
) -> None:
    """Show scheduled and published posts with their status."""
    settings = settings_or_exit()

    def body(running: Any) -> None:
        from bot.terminal.render import render_posts
        from memory import repository as repo
        from memory.ledger import post_summary

        if brand and brand not in running.brands:
            raise InputError(f"Unknown brand {brand!r}; known brands: {', '.join(running.brands)}.")
        with running.sessions() as session:
            posts = [post_summary(p) for p in repo.list_posts(session, brand)]
        if as_json:
            emit_json({"posts": posts})
        else:
            out.print(render_posts(posts))

    run_with_app(settings, body)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database tables to this version."""
    from memory.db import head_revision, normalize_database_url, upgrade_database

    settings = settings_or_exit()
    with user_errors():
        settings.home.mkdir(parents=True, exist_ok=True)
        upgrade_database(normalize_database_url(settings.secret("database_url"), settings.home))
    out.print(f"Database is at revision {head_revision()}.")


@config_app.command("check")
def config_check(as_json: JsonOpt = False) -> None:
    """Validate the configuration and print the effective settings with secrets masked."""
    settings = settings_or_exit()
    data = settings.model_dump(mode="json")
    data["brands"] = [b.model_dump(mode="json") for b in settings.brand_entries()]
    if as_json:
        emit_json(data)
        return
    from rich.pretty import Pretty

    out.print("[green]Configuration is valid.[/]")
    out.print(Pretty(data))


def main() -> None:
    """Console-script entry point."""
    app()


from bot import (  # noqa: E402,F401
    cli_alert,
    cli_analysis,
    cli_calendar,
    cli_campaign,
    cli_demo,
    cli_knowledge,
    cli_metrics,
    cli_monitor,
    cli_platforms,
    cli_queue,
    cli_report,
    cli_sentiment,
    cli_serve,
)
