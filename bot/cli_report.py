"""`brandpilot report weekly|monthly`: the report card in the terminal, with its charts and data saved as files."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.cli import JsonOpt, app, emit_json, fail, out, settings_or_exit, user_errors
from bot.cli_platforms import BrandOpt, _brand
from bot.deployment import deployment


class ReportKind(StrEnum):
    """Which report."""

    weekly = "weekly"
    monthly = "monthly"


@app.command()
def report(
    kind: Annotated[ReportKind, typer.Argument(help="weekly (last full Monday-Sunday week) or monthly (last month).")],
    brand: BrandOpt = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for report.md, report.json and the PNG charts.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Summary card (KPIs against the previous period and targets, top posts, changes, advice) plus charts.

    The files go to --out, or to BRANDPILOT_HOME/reports/<brand>/<period start>-<kind>/.
    """
    from memory.reports import make_report
    from tools.reports.files import write_report
    from tools.reports.render import to_json, to_markdown

    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    with user_errors(), deployment(settings) as where:
        built = make_report(where.sessions, brand_id, kind.value, datetime.now(UTC).date())
    folder = out_dir or settings.home / "reports" / brand_id / f"{built.period.start}-{kind.value}"
    try:
        written = write_report(built, folder)
    except OSError as error:
        fail(f"Can't write the report to {folder}: {error.strerror or error}. Pick another folder with --out.")
    if as_json:
        emit_json({**to_json(built), "files": [str(path) for path in written]})
        return
    out.print(to_markdown(built), markup=False, highlight=False)
    out.print(f"\nSaved: {', '.join(str(path) for path in written)}", markup=False, highlight=False)
