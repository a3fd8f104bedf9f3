"""`brandpilot metrics import|journeys FILE`: a brand's past posts with metrics, or its journeys, from CSV."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from bot.cli import JsonOpt, app, emit_json, fail, out, settings_or_exit, user_errors
from bot.cli_platforms import BrandOpt, _brand
from bot.deployment import deployment

T = TypeVar("T")
metrics_app = typer.Typer(
    help="Past posts and their metrics, which strategy learns from, and customer journeys for attribution.",
    no_args_is_help=True,
)
app.add_typer(metrics_app, name="metrics")


def import_file(
    file: Path, brand: str | None, parse: Callable[[bytes, str], list[Any]], store: Callable[[Any, str, Any], T]
) -> tuple[str, T]:
    """Read, parse (in the brand's timezone) and store a CSV in one transaction; any problem exits, nothing stored."""
    from memory.db import write_transaction
    from tools.analytics.metrics_csv import MetricsFileError

    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    try:
        raw = file.read_bytes()
    except OSError as error:
        fail(f"Can't read {file}: {error.strerror or error}.")
    try:
        rows = parse(raw, settings.agents.timezone)
    except MetricsFileError as error:
        fail(f"{file}: {error}")
    with user_errors(), deployment(settings) as where:
        try:
            with write_transaction(where.sessions) as session:
                return brand_id, store(session, brand_id, rows)
        except ValueError as error:
            fail(f"{file}: nothing was imported: {error}")
    raise AssertionError("unreachable: fail() exits")


@metrics_app.command("import")
def import_metrics(
    file: Annotated[Path, typer.Argument(help="CSV with platform, post_id, published_at, date and metric columns.")],
    brand: BrandOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a CSV of posts and daily metrics; a file with any bad row imports nothing and lists every problem."""
    from memory.history import import_posts
    from tools.analytics.metrics_csv import parse_metrics_csv

    brand_id, summary = import_file(file, brand, parse_metrics_csv, import_posts)
    if as_json:
        emit_json({"brand": brand_id, "posts": summary.posts, "new_posts": summary.new_posts, "days": summary.days})
    else:
        out.print(
            f"Imported {summary.days} days of metrics for {summary.posts} posts of {brand_id} "
            f"({summary.new_posts} new to the history)."
        )


@metrics_app.command("journeys")
def import_journeys_file(
    file: Annotated[
        Path, typer.Argument(help="CSV with one row per touch: journey_id, channel, at, converted, value.")
    ],
    brand: BrandOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import customer journeys for attribution from a CSV; a file with any bad row imports nothing.

    One row per touch, with the columns:

    - journey_id: your id of the journey; importing the same id again replaces that journey.
    - channel: where the touch happened, e.g. email or paid_search (lower-cased, at most 64 characters).
    - at: when, ISO 8601 like 2026-11-02T09:30:00-05:00; without an offset it is in agents.timezone.
    - converted (optional): true/false, yes/no or 1/0; a journey converted if any of its rows says so.
    - value (optional): the conversion's value, 0 or more; blank is 0, and only a converted journey has one.
    - campaign (optional): the journey's campaign, at most 128 characters.

    A journey's rows must not disagree on converted, value or campaign (a blank cell says nothing).
    Every problem is listed with its line.
    """
    from memory.journeys import import_journeys
    from tools.analytics.journeys_csv import parse_journeys_csv

    brand_id, summary = import_file(file, brand, parse_journeys_csv, import_journeys)
    if as_json:
        emit_json({"brand": brand_id, **asdict(summary)})
    else:
        out.print(
            f"Imported {summary.journeys:,} journeys of {brand_id} ({summary.new:,} new, {summary.converted:,} "
            f"converted) with {summary.touches:,} touches."
        )


@metrics_app.command("sync")
def sync_metrics(brand: BrandOpt = None, as_json: JsonOpt = False) -> None:
    """Read the numbers of the last 4 weeks' posts from every connected platform now (the worker does it every 6 h)."""
    from bot.jobs.worker import metrics_sync, open_publisher
    from memory.coordination import make_coordinator

    settings = settings_or_exit()
    brand_id = _brand(settings, brand) if brand else None
    coordinator = make_coordinator(settings.secret("redis_url"), settings.home / "locks")
    try:
        with (
            user_errors(),
            deployment(settings) as where,
            open_publisher(settings, where.sessions, coordinator, where.credentials) as publisher,
        ):
            results = metrics_sync(publisher, settings.agents.timezone).run_once(brand_id)
    finally:
        coordinator.close()
    if as_json:
        emit_json({"accounts": [asdict(r) for r in results]})
        return
    if not results:
        out.print("No connected accounts to sync. Connect one with: brandpilot platforms connect PLATFORM")
    for r in results:
        outcome = f"couldn't be read: {r.problem}" if r.problem else f"{r.posts} of {r.asked} recent posts updated"
        out.print(f"{r.brand_id} on {r.platform}: {outcome}")
