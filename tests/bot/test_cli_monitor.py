"""`brandpilot monitor import|replay` and `brandpilot crisis status` from the terminal."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.deployment import deployment
from config.settings import load_settings
from memory.models_listening import StoredMention

START = datetime(2026, 11, 2, tzinfo=UTC)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def stored() -> int:
    with deployment(load_settings()) as where, where.sessions() as session:
        return session.scalar(select(func.count()).select_from(StoredMention))


def write_mentions(path: Path, days: int = 2, spike_at: datetime | None = None) -> Path:
    lines = []
    for step in range(days * 288):
        at = START + timedelta(minutes=5 * step)
        for n in range(1 + (12 <= at.hour < 20)):
            text = ["lit the fir candle tonight", "which scent is best for winter?", "love the new jar"][(step + n) % 3]
            lines.append(
                {
                    "platform": "x",
                    "id": f"c{step}-{n}",
                    "author": f"fan{step}{n}",
                    "text": text,
                    "created_at": (at + timedelta(seconds=n)).isoformat(),
                    "followers": 30,
                }
            )
    if spike_at is not None:
        for i in range(60):
            at = spike_at + timedelta(seconds=10 * i)
            lines.append(
                {
                    "platform": "x",
                    "id": f"s{i}",
                    "author": f"upset{i}",
                    "followers": 2000,
                    "text": "my candle jar shattered and cut my hand, this is dangerous. recall it now",
                    "created_at": at.isoformat(),
                }
            )
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return path


def test_import_stores_the_mentions_and_a_bad_file_imports_nothing(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(
        json.dumps({"platform": "x", "id": "1", "user": "ana", "text": "love it", "timestamp": "2026-11-20T10:00:00Z"})
        + "\n"
        + json.dumps({"platform": "tiktok", "id": "2", "author": "bo", "text": "meh", "created_at": "2026-11-20 10:05"})
        + "\n"
    )
    result = run("monitor", "import", str(good))
    assert result.exit_code == 1 and "line 2" in result.output and "--assume-tz" in result.output
    assert stored() == 0
    result = run("monitor", "import", str(good), "--assume-tz", "America/New_York", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["new"] == 2 and stored() == 2
    assert run("monitor", "import", str(good), "--assume-tz", "Mars/Base").exit_code == 2


def test_replaying_a_series_prints_one_json_line_per_alert(tmp_path):
    rows = ["timestamp,value"]
    for step in range(3 * 288):
        at = START + timedelta(minutes=5 * step)
        value = 20 + 10 * (12 <= at.hour < 20) + (step % 5)
        if START + timedelta(days=2, hours=9) <= at < START + timedelta(days=2, hours=10):
            value = 300
        rows.append(f"{at:%Y-%m-%d %H:%M:%S},{value}")
    csv = tmp_path / "volume.csv"
    csv.write_text("\n".join(rows) + "\n")
    result = run("monitor", "replay", "--series", str(csv), "--json")
    assert result.exit_code == 0, result.output
    alerts = [json.loads(line) for line in result.output.splitlines()]
    assert alerts and set(alerts[0]) == {"timestamp", "severity", "score"}
    assert all(a["timestamp"].startswith("2026-11-04T09") for a in alerts)


def test_replaying_mentions_runs_the_whole_pipeline_without_touching_the_database(tmp_path):
    path = write_mentions(tmp_path / "mentions.jsonl", spike_at=START + timedelta(days=2, hours=2))
    result = run("monitor", "replay", "--mentions", str(path), "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    opened = [line for line in lines if line["action"] == "opened"]
    assert len(opened) == 1 and opened[0]["timestamp"].startswith("2026-11-04T02")
    assert stored() == 0 and "No open crisis incidents." in run("crisis", "status").output


def test_replay_needs_exactly_one_input():
    result = run("monitor", "replay")
    assert result.exit_code == 2 and "exactly one of --series" in result.output


def test_crisis_report_and_resolve_from_the_command_line():
    from memory.db import write_transaction
    from memory.incidents import open_incident

    with deployment(load_settings()) as where, write_transaction(where.sessions) as session:
        incident = open_incident(
            session,
            brand_id="harbor-pine",
            severity="SEV2",
            crisis_type="outage",
            type_confidence=0.7,
            score=8.5,
            signals=["volume"],
            mentions=42,
            at=START,
        ).id
    report = run("crisis", "report", incident)
    assert report.exit_code == 0 and "Post-crisis report: SEV2 outage for harbor-pine" in report.output
    assert "still open" in report.output and "Nothing was paused." in report.output
    resolved = run("crisis", "resolve", incident)
    assert resolved.exit_code == 0 and "resolved by" in resolved.output
    assert "No open crisis incidents." in run("crisis", "status").output
    assert run("crisis", "report", "no-such-incident").exit_code == 1


def test_competitor_mentions_are_tagged_on_import_and_an_unknown_competitor_imports_nothing(tmp_path):
    def line(i: int, text: str, **extra: str) -> str:
        stamp = f"2026-11-20T10:0{i}:00Z"
        record = {"platform": "x", "id": str(i), "author": f"a{i}", "text": text, "created_at": stamp}
        return json.dumps({**record, **extra})

    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(
        "\n".join(
            [
                line(1, "Wickwright candles smell like nothing now"),  # names one competitor only
                line(2, "Harbor & Pine beats Wickwright any day"),  # names the brand: about the brand
                line(3, "my new favourite shop", subject="lumen-lane"),  # the file says whom it is about
                line(4, "Wickwright or Lumen Lane, which one?"),  # two competitors: left with the brand
            ]
        )
        + "\n"
    )
    assert run("monitor", "import", str(mixed)).exit_code == 0
    with deployment(load_settings()) as where, where.sessions() as session:
        subjects = dict(session.execute(select(StoredMention.external_id, StoredMention.subject)).all())
    assert subjects == {"1": "wickwright", "2": None, "3": "lumen-lane", "4": None}
    one = tmp_path / "one.jsonl"
    one.write_text(line(5, "so cozy") + "\n")
    result = run("monitor", "import", str(one), "--competitor", "acme-wax")
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "'acme-wax' is not one of the brand's competitors" in said
    assert "wickwright" in said and "Nothing was imported" in said and stored() == 4
    assert run("monitor", "import", str(one), "--competitor", "northlight-scents").exit_code == 0
