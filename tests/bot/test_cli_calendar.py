"""`brandpilot calendar [DATES]`: the stored calendar as text and JSON, and dates it can't read."""

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from bot.cli import app as cli
from bot.deployment import deployment
from config.settings import load_settings
from memory.calendar import CalendarStore
from tools.analytics.calendar_plan import PlannedSlot


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_the_calendar_lists_planned_slots_as_text_and_json():
    soon = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    with deployment(load_settings()) as where:
        slot = PlannedSlot("instagram", soon, "Candle care", "winter", 0.03, "your best hour", "reel")
        [entry] = CalendarStore(where.sessions).add("harbor-pine", [slot], created_by="ana", ideas=["Wick-trim reel"])
    text = run("calendar")
    assert text.exit_code == 0, text.output
    assert "Calendar for the next 14 days" in text.output and entry[:8] in text.output
    assert "Wick-trim reel" in text.output and "reel [winter]" in text.output  # format and campaign
    as_json = run("calendar", "--json", "--brand", "harbor-pine")
    [item] = json.loads(as_json.output)["items"]
    assert item["id"] == entry and item["format"] == "reel" and item["campaign"] == "winter"


def test_dates_it_cannot_read_fail_with_how_to_write_them():
    result = run("calendar", "blue", "moon")
    assert result.exit_code == 1 and "couldn't read 'blue moon' as dates" in result.output
    assert run("calendar", "--brand", "nope").exit_code == 1
