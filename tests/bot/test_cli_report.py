"""`brandpilot report weekly|monthly`: the card in the terminal, files saved, JSON, and bad arguments explained."""

import json

from typer.testing import CliRunner

from bot.cli import app as cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_a_report_on_demo_data_prints_the_card_and_saves_its_charts(tmp_path):
    assert run("demo", "seed", "--weeks", "8").exit_code == 0
    result = run("report", "weekly", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "Weekly report for harbor-pine" in result.output and "DEMO" in result.output
    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert names == ["channel_mix.png", "funnel.png", "report.json", "report.md", "trend.png"]
    assert all((tmp_path / "out" / name).stat().st_size > 1000 for name in names if name.endswith(".png"))

    as_json = json.loads(run("report", "monthly", "--json", "--out", str(tmp_path / "m")).output)
    assert as_json["kind"] == "monthly" and as_json["demo"] is True and len(as_json["files"]) == 5


def test_a_report_without_metrics_says_how_to_get_them_and_saves_no_charts(tmp_path):
    result = run("report", "monthly", "--out", str(tmp_path / "empty"))
    assert result.exit_code == 0 and "No metrics were recorded" in result.output
    assert sorted(path.name for path in (tmp_path / "empty").iterdir()) == ["report.json", "report.md"]


def test_bad_kinds_and_folders_are_explained(tmp_path):
    assert run("report", "yearly").exit_code == 2
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    result = run("report", "weekly", "--out", str(blocked / "x"))
    assert result.exit_code == 1 and "Can't write the report to" in result.output
