"""`brandpilot campaign create|list|status|update|start|pause|resume|complete`: campaigns from the terminal."""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

import typer

from bot.campaign_command import CREATE_HINT, campaign_line, campaign_status_lines
from bot.cli import JsonOpt, app, emit_json, fail, out, settings_or_exit, user_errors
from bot.cli_platforms import BrandOpt, _brand
from bot.deployment import deployment
from config.settings import PLATFORM_NAMES
from memory.campaigns import CampaignChanges, CampaignError, CampaignStore, CampaignView, Kpi, NewCampaign
from memory.models import CAMPAIGN_OBJECTIVES, CAMPAIGN_STATUSES
from tools.analytics.drivers import Totals
from tools.analytics.kpis import OBJECTIVE_KPIS, kpi_actual

campaign_app = typer.Typer(help="A brand's campaigns: objective, budget, KPI targets, lifecycle.", no_args_is_help=True)
app.add_typer(campaign_app, name="campaign")
Objective = StrEnum("Objective", {name: name for name in CAMPAIGN_OBJECTIVES})  # type: ignore[misc]
Status = StrEnum("Status", {name: name for name in CAMPAIGN_STATUSES})  # type: ignore[misc]
NameArg = Annotated[str, typer.Argument(help="The campaign's name (any case).")]
MOVES = {  # command: the state it sets, its help
    "start": ("active", "Start a campaign that is being planned (planning -> active)."),
    "pause": ("paused", "Pause a running campaign (active -> paused)."),
    "resume": ("active", "Resume a paused campaign (paused -> active)."),
    "complete": ("completed", "Finish a running or paused campaign (-> completed); this is final."),
}
MEANT = {("start", "paused"): "resume", ("resume", "planning"): "start"}  # (command, state): the command meant


def say(text: str) -> None:
    """Print plain text: campaign names may hold brackets, which must not be read as markup."""
    out.print(text, markup=False, highlight=False)


def _number(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def parse_amount(text: str) -> float:
    """A budget written as a plain number ("20000", "20000.50"); CampaignError saying how to write it otherwise."""
    value = _number(text)
    if value is None:
        raise CampaignError(f"--budget {text!r} is not an amount; write a plain number of zero or more, e.g. 20000.")
    return value


def parse_day(text: str | None, option: str) -> date | None:
    """An ISO date (YYYY-MM-DD), None when not given; CampaignError saying how to write it otherwise."""
    try:
        return None if text is None else date.fromisoformat(text.strip())
    except ValueError:
        raise CampaignError(f"{option} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01.") from None


def parse_kpis(texts: list[str]) -> list[Kpi]:
    """KPI targets written METRIC=TARGET (e.g. "revenue=60000", "ctr=0.02"), each metric once.

    Raises:
        CampaignError: a target is missing, not a positive number, repeated, or its metric is not a KPI.
    """
    kpis: dict[str, Kpi] = {}
    for text in texts:
        metric, sep, target = (part.strip() for part in text.partition("="))
        metric = metric.lower()
        if not sep:
            raise CampaignError(f"--kpi {text!r} has no target; write METRIC=TARGET, e.g. --kpi revenue=60000.")
        try:
            kpi_actual(metric, Totals())
        except ValueError as error:
            raise CampaignError(f"--kpi {text!r}: {error}.") from None
        value = _number(target)
        if not value:
            raise CampaignError(
                f"--kpi {text!r}: the target must be a number above 0, e.g. revenue=60000 or ctr=0.02 (a rate)."
            )
        if metric in kpis:
            raise CampaignError(f"--kpi {metric} is given twice; give each KPI one target.")
        kpis[metric] = Kpi(metric, value)
    return list(kpis.values())


def parse_channels(names: list[str]) -> list[str]:
    """Known platform names, lower-cased, each once; CampaignError naming the unknown ones otherwise."""
    channels = list(dict.fromkeys(name.strip().lower() for name in names))
    unknown = [name for name in channels if name not in PLATFORM_NAMES]
    if unknown:
        raise CampaignError(f"Unknown channel(s) {', '.join(unknown)}; use --channel with {', '.join(PLATFORM_NAMES)}.")
    return channels


def campaign_json(campaign: CampaignView) -> dict[str, Any]:
    """A campaign as `--json` prints it."""
    return {key: value for key, value in asdict(campaign).items() if key not in ("id", "brand_id")}


@campaign_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="A name the brand doesn't use yet.")],
    objective: Annotated[Objective, typer.Option(help="What the campaign is for; it decides the suggested KPIs.")],
    budget: Annotated[str, typer.Option(help="Total budget, a plain number, e.g. 20000 or 20000.50.")] = "0",
    start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD.")] = None,
    channel: Annotated[list[str] | None, typer.Option(help=f"One of {', '.join(PLATFORM_NAMES)}; repeatable.")] = None,
    kpi: Annotated[
        list[str] | None, typer.Option(help="A target METRIC=TARGET, e.g. revenue=60000; repeatable.")
    ] = None,
    brand: BrandOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a campaign in `planning`; every value is checked first and nothing is stored if one is wrong."""
    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    suggested = OBJECTIVE_KPIS[objective.value]
    try:
        amount, days = parse_amount(budget), (parse_day(start, "--start"), parse_day(end, "--end"))
        channels, kpis = parse_channels(channel or []), parse_kpis(kpi or [])
        new = NewCampaign(brand_id, name, objective.value, amount, *days, channels, kpis)
        with user_errors(), deployment(settings) as where:
            created = CampaignStore(where.sessions).create(new, actor="cli")
    except CampaignError as error:
        fail(f"Nothing was stored: {error}")
    if as_json:
        emit_json({"brand": brand_id, "campaign": campaign_json(created), "suggested_kpis": list(suggested)})
        return
    say(f"Created {campaign_line(created)}")
    if not created.kpis:
        say(
            f"No KPI targets set: {created.objective} campaigns are judged on {' and '.join(suggested)}, and "
            "`campaign status` shows those without a target. Targets are given when creating a campaign, with "
            "--kpi METRIC=TARGET (e.g. --kpi revenue=60000)."
        )
    say(f'Start it with: brandpilot campaign start "{created.name}"')


@campaign_app.command("list")
def list_campaigns(
    status: Annotated[Status | None, typer.Option(help="Only campaigns in this state.")] = None,
    brand: BrandOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The brand's campaigns, newest first, one line each."""
    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    with user_errors(), deployment(settings) as where:
        campaigns = CampaignStore(where.sessions).list(brand_id, statuses=[status.value] if status else [])
    if as_json:
        emit_json({"brand": brand_id, "campaigns": [campaign_json(c) for c in campaigns]})
        return
    if not campaigns:
        say(f"{brand_id} has no {status.value + ' ' if status else ''}campaigns. Create one with: {CREATE_HINT}")
    for campaign in campaigns:
        say(campaign_line(campaign))


@campaign_app.command("status")
def campaign_status(name: NameArg, brand: BrandOpt = None, as_json: JsonOpt = False) -> None:
    """The campaign's KPIs against target from its start to today, and its budget pacing as of today.

    A campaign without targets shows its objective's KPIs without one.
    """
    from memory.campaign_progress import campaign_progress
    from memory.metrics import MetricsStore

    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    today = datetime.now(UTC).date()
    with user_errors(), deployment(settings) as where:
        try:
            campaign = CampaignStore(where.sessions).get(brand_id, name)
        except CampaignError as error:
            fail(str(error))
        progress = campaign_progress(MetricsStore(where.sessions), campaign, today, objective_kpis=True)
    if as_json:
        emit_json(
            {
                "brand": brand_id,
                "campaign": campaign_json(campaign),
                "as_of": today,
                "has_metrics": progress.days_with_metrics > 0,
                "totals": asdict(progress.totals),
                "kpis": [asdict(k) | {"target": k.target or None} for k in progress.kpis],
                "pacing": asdict(progress.pace) if progress.pace else None,
            }
        )
        return
    say("\n".join(campaign_status_lines(campaign, progress, today)))


def move(ctx: typer.Context, name: NameArg, brand: BrandOpt = None, as_json: JsonOpt = False) -> None:
    """Move the campaign to the state the command (`ctx.info_name`) sets, when that is a legal step from where it is."""
    command = str(ctx.info_name)
    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    with user_errors(), deployment(settings) as where:
        store = CampaignStore(where.sessions)
        try:
            before = store.get(brand_id, name)
            if meant := MEANT.get((command, before.status)):
                fail(f'{before.name} is {before.status}; {meant} it: brandpilot campaign {meant} "{before.name}"')
            after = store.transition(brand_id, name, MOVES[command][0], actor="cli")
        except CampaignError as error:
            fail(str(error))
    if as_json:
        emit_json({"brand": brand_id, "previous_status": before.status, "campaign": campaign_json(after)})
    else:
        say(f"{after.name}: {before.status} -> {after.status}.")


@campaign_app.command("update")
def update(
    name: NameArg,
    budget: Annotated[str | None, typer.Option(help="New total budget, a plain number, e.g. 25000.")] = None,
    start: Annotated[str | None, typer.Option(help="New first day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="New last day, YYYY-MM-DD.")] = None,
    channel: Annotated[list[str] | None, typer.Option(help="The channels, replacing the old ones; repeatable.")] = None,
    kpi: Annotated[
        list[str] | None, typer.Option(help="Set or replace a target METRIC=TARGET, e.g. revenue=80000; repeatable.")
    ] = None,
    brand: BrandOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a campaign's budget, dates, channels or KPI targets; every value is checked first, audited."""
    if budget is None and start is None and end is None and not channel and not kpi:
        fail("Nothing to change: give --budget, --start, --end, --channel or --kpi.", code=2)
    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    try:
        changes = CampaignChanges(
            budget=None if budget is None else parse_amount(budget),
            starts_on=parse_day(start, "--start"),
            ends_on=parse_day(end, "--end"),
            channels=parse_channels(channel) if channel else None,
            kpis=parse_kpis(kpi or []),
        )
        with user_errors(), deployment(settings) as where:
            updated = CampaignStore(where.sessions).update(brand_id, name, changes, actor="cli")
    except CampaignError as error:
        fail(f"Nothing was changed: {error}")
    if as_json:
        emit_json({"brand": brand_id, "campaign": campaign_json(updated)})
        return
    say(f"Updated {campaign_line(updated)}")


for _command, (_, _help) in MOVES.items():
    campaign_app.command(_command, help=_help)(move)
