"""`brandpilot monitor import|replay` and `brandpilot crisis status`: listening from the terminal."""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from bot.cli import JsonOpt, app, emit_json, fail, out, settings_or_exit, user_errors
from bot.cli_platforms import BrandOpt, _brand
from bot.deployment import deployment
from config.settings import Settings
from tools.monitor.competitors import SubjectReader

monitor_app = typer.Typer(help="Social listening: import mentions, replay series and mentions.", no_args_is_help=True)
crisis_app = typer.Typer(help="Crisis incidents.", no_args_is_help=True)
app.add_typer(monitor_app, name="monitor")
app.add_typer(crisis_app, name="crisis")
FileArg = Annotated[Path, typer.Argument(help="A JSONL file: one mention per line (platform, id, author, text, ...).")]


def _zone(name: str | None) -> ZoneInfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        fail(f"--assume-tz {name!r} is not a time zone; use an IANA name like UTC or America/New_York.", code=2)


@monitor_app.command("import")
def import_mentions(
    file: FileArg,
    brand: BrandOpt = None,
    assume_tz: Annotated[
        str | None, typer.Option("--assume-tz", help="Zone of timestamps written without one (else they are errors).")
    ] = None,
    competitor: Annotated[
        str | None,
        typer.Option("--competitor", help="Every line is about this competitor (an id from brand.yaml `competitors`)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import mentions exported from a listening tool; a file with any bad line imports nothing and lists them.

    A line is about a competitor when `--competitor` says so, when it has a `subject` (a competitor id), or when
    its text names exactly one competitor and not the brand; everything else is about the brand.
    """
    from bot.listening.ingest import Ingestor
    from tools.monitor.import_file import MentionFileError, read_mention_file

    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    try:
        parsed = read_mention_file(file, default_tz=_zone(assume_tz))
    except MentionFileError as error:
        fail(str(error))
    except OSError as error:
        fail(f"Can't read {file}: {error.strerror or error}.")
    try:
        mentions = subject_reader(settings, brand_id).tag(parsed.mentions, competitor=competitor)
    except ValueError as error:
        fail(f"{file}: {error}. Nothing was imported.")
    with user_errors(), deployment(settings) as where:
        result = Ingestor(where.sessions).ingest(brand_id, mentions)
    if as_json:
        emit_json({"brand": brand_id, **asdict(result), "collapsed_in_file": parsed.duplicates_collapsed})
        return
    out.print(
        f"Imported {result.new} new mentions for {brand_id} ({result.duplicates} already known or repeated, "
        f"{result.negative} read as negative)."
    )


def subject_reader(settings: Settings, brand_id: str) -> SubjectReader:
    """The brand's competitor reader, from its brand pack."""
    from bot.app import load_brand

    entry = next(e for e in settings.brand_entries() if e.id == brand_id)
    profile = load_brand(entry)
    names = [profile.name, profile.rulebook.brand.name, brand_id.replace("-", " ")]
    return SubjectReader(names, profile.rulebook.tracked_competitors())


@monitor_app.command("replay")
def replay(
    series: Annotated[Path | None, typer.Option("--series", help="CSV with a `timestamp,value` header.")] = None,
    mentions: Annotated[
        Path | None, typer.Option("--mentions", help="JSONL mentions, through the whole pipeline.")
    ] = None,
    brand: BrandOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Replay a volume series through the detector, or mentions through the whole pipeline, and print the alerts.

    Mentions are replayed into a throwaway database: nothing is stored, alerted or paused for real.
    """
    if (series is None) == (mentions is None):
        fail("Give exactly one of --series FILE.csv or --mentions FILE.jsonl.", code=2)
    lines = _replay_series(series) if series is not None else _replay_mentions(mentions, brand)
    for line in lines:
        if as_json:
            typer.echo(json.dumps(line))
        else:
            action = f"{line['action']:<8} " if "action" in line else ""
            out.print(f"{line['timestamp']}  {action}{line['severity']:<7} score {line['score']:.1f}", highlight=False)


def _replay_series(path: Path) -> list[dict]:
    from tools.monitor.replay import SeriesFileError, read_series, replay_series

    try:
        return replay_series(read_series(path))
    except SeriesFileError as error:
        fail(str(error))
    except OSError as error:
        fail(f"Can't read {path}: {error.strerror or error}.")


def _replay_mentions(path: Path, brand: str | None) -> list[dict]:
    from bot.listening.ingest import Ingestor
    from bot.listening.watch import CrisisWatch, brand_playbooks
    from tools.monitor.import_file import MentionFileError, read_mention_file
    from tools.monitor.signals import BIN

    settings = settings_or_exit()
    brand_id = _brand(settings, brand)
    try:
        parsed = read_mention_file(path)
    except MentionFileError as error:
        fail(str(error))
    except OSError as error:
        fail(f"Can't read {path}: {error.strerror or error}.")
    if not parsed.mentions:
        fail(f"{path} holds no mentions.")
    with tempfile.TemporaryDirectory(prefix="brandpilot-replay-") as home:
        scratch = settings.model_copy(update={"home": Path(home), "database_url": None})
        with user_errors(), deployment(scratch) as where:
            Ingestor(where.sessions).ingest(brand_id, list(parsed.mentions))
            first = min(m.created_at for m in parsed.mentions)
            last = max(m.created_at for m in parsed.mentions)
            playbooks = brand_playbooks(settings)
            watch = CrisisWatch(where.sessions, [brand_id], settings.monitor, live=False, playbooks=playbooks)
            end = last + BIN + timedelta(seconds=settings.monitor.grace_seconds) + timedelta(hours=3)
            posts = watch.run_once(end, since=first)
    return [
        {"timestamp": p.timestamp.isoformat(), "action": p.action, "severity": p.severity, "score": round(p.score, 2)}
        for p in posts
    ]


IncidentArg = Annotated[str, typer.Argument(help="The incident's id (see `brandpilot crisis status`).")]


@crisis_app.command("report")
def crisis_report(incident: IncidentArg, as_json: JsonOpt = False) -> None:
    """The post-crisis report of an incident: timeline, volumes, sentiment recovery, response times, pauses."""
    from bot.listening.aftermath import post_crisis_report
    from memory.incidents import IncidentStore

    settings = settings_or_exit()
    with user_errors(), deployment(settings) as where:
        try:
            view = IncidentStore(where.sessions).get(incident)
        except LookupError as error:
            fail(str(error))
        report = post_crisis_report(where.sessions, view)
    if as_json:
        emit_json({"incident": asdict(view), "report": report})
    else:
        out.print(report, highlight=False)


@crisis_app.command("resolve")
def crisis_resolve(incident: IncidentArg) -> None:
    """Mark an incident resolved (audited on its timeline) and print its post-crisis report."""
    from bot.listening.aftermath import post_crisis_report, resolve_incident
    from config.settings import local_user

    settings = settings_or_exit()
    with user_errors(), deployment(settings) as where:
        try:
            view = resolve_incident(where.sessions, incident, actor=local_user())
        except LookupError as error:
            fail(str(error))
        out.print(post_crisis_report(where.sessions, view), highlight=False)


@crisis_app.command("status")
def crisis_status(brand: BrandOpt = None, as_json: JsonOpt = False) -> None:
    """Open crisis incidents: severity, type, when they opened, and whether posts are paused."""
    from bot.listening.status import crisis_status_text
    from memory.incidents import IncidentStore

    settings = settings_or_exit()
    brand_id = _brand(settings, brand) if brand else None
    with user_errors(), deployment(settings) as where:
        incidents = IncidentStore(where.sessions).open_incidents(brand_id)
    if as_json:
        emit_json({"incidents": [asdict(i) for i in incidents]})
        return
    out.print(crisis_status_text(incidents), highlight=False)
