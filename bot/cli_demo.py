"""`brandpilot demo seed|clear`: a realistic, clearly marked demo history so reports have something to show."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.cli import JsonOpt, app, emit_json, fail, out, settings_or_exit, user_errors
from bot.cli_platforms import BrandOpt, _brand
from bot.deployment import deployment

demo_app = typer.Typer(help="Demo history for trying reports on the embedded default.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")


@demo_app.command("seed")
def seed(
    brand: BrandOpt = None,
    weeks: Annotated[int, typer.Option(min=4, max=156, help="Weeks of history before today.")] = 52,
    seed_value: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same history.")] = 7,
    replace: Annotated[bool, typer.Option(help="Clear the brand's demo data first.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write a demo history: posts with daily metrics, campaigns with paid results and customer journeys.

    Everything it writes is marked as demo (posts' source, campaigns' and journeys' flag, "[demo]" in post
    texts) and `brandpilot demo clear` removes exactly that.
    """
    from memory.db import write_transaction
    from memory.demo import clear_demo, seed_demo
    from tools.analytics.demo_history import demo_history

    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    history = demo_history(
        end=datetime.now(UTC).date(), platforms=tuple(settings.platforms), weeks=weeks, seed=seed_value
    )
    with user_errors(), deployment(settings) as where:
        try:
            with write_transaction(where.sessions) as session:
                if replace:
                    clear_demo(session, brand_id)
                counts = seed_demo(session, brand_id, history, actor="cli")
        except ValueError as error:
            fail(f"Nothing was written: {error}.")
    if as_json:
        emit_json({"brand": brand_id, "demo": True, **counts.__dict__})
        return
    out.print(
        f"DEMO data for {brand_id}: {counts.posts} posts with {counts.metric_days} days of metrics, "
        f"{counts.campaigns} campaigns and {counts.journeys} customer journeys over {weeks} weeks. "
        "It is marked as demo everywhere; remove it with `brandpilot demo clear`."
    )


@demo_app.command("clear")
def clear(brand: BrandOpt = None, as_json: JsonOpt = False) -> None:
    """Remove the brand's demo posts, metrics, campaigns and journeys; real data is never touched."""
    from memory.db import write_transaction
    from memory.demo import clear_demo

    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    with user_errors(), deployment(settings) as where, write_transaction(where.sessions) as session:
        counts = clear_demo(session, brand_id)
    if as_json:
        emit_json({"brand": brand_id, **counts.__dict__})
    else:
        out.print(
            f"Removed {brand_id}'s demo data: {counts.posts} posts, {counts.metric_days} metric days, "
            f"{counts.campaigns} campaigns, {counts.journeys} journeys."
        )
