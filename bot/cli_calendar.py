"""`brandpilot calendar [DATES]`: the content calendar of a brand, as text or JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli import JsonOpt, app, emit_json, fail, out, settings_or_exit, user_errors
from bot.cli_platforms import BrandOpt, _brand
from bot.deployment import deployment
from tools.content.periods import PeriodError


@app.command()
def calendar(
    dates: Annotated[
        list[str] | None, typer.Argument(help="The dates, e.g. `next week`, `december`, `2026-12-01 to 2026-12-14`.")
    ] = None,
    brand: BrandOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Planned slots and queued posts for a period (default: the next 14 days)."""
    from agents.specialists.calendar_view import render_items
    from bot.calendar_command import calendar_items, item_json

    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    words = " ".join(dates or [])
    with user_errors(), deployment(settings) as where:
        try:
            period_label, items = calendar_items(where, brand_id, words)
        except PeriodError as error:
            fail(str(error))
    if as_json:
        emit_json({"brand": brand_id, "period": period_label, "items": [item_json(item) for item in items]})
    else:
        out.print(render_items(settings.agents.timezone, period_label, items), markup=False, highlight=False)
