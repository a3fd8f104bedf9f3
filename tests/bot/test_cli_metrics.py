"""`brandpilot metrics import|journeys FILE`: all or nothing into the history, or the journeys attribution reads."""

import json
from datetime import date

from typer.testing import CliRunner

from agents.specialists.performance_analyst import attribution_answer
from bot.cli import app as cli
from bot.deployment import deployment
from config.settings import SAMPLE_BRAND_PATH, load_settings
from memory.history import HistoryStore
from memory.metrics import MetricsStore

HEADER = "platform,post_id,published_at,date,impressions,engagements,text\n"
ROWS = (
    "instagram,ig-1,2026-11-02T09:00:00-05:00,2026-11-02,1000,80,Low Tide #LowTide\n"
    "instagram,ig-1,2026-11-02T09:00:00-05:00,2026-11-03,200,5,\n"
    "linkedin,li-1,2026-11-03T08:00:00-05:00,2026-11-03,500,30,We're hiring\n"
)


def run(*args):
    return CliRunner().invoke(cli, list(args))


def history(brand="harbor-pine"):
    with deployment(load_settings()) as where:
        return HistoryStore(where.sessions).outcomes(brand)


def test_a_good_file_is_imported_once_however_often_it_is_run(tmp_path):
    file = tmp_path / "metrics.csv"
    file.write_text(HEADER + ROWS)
    first = run("metrics", "import", str(file), "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {"brand": "harbor-pine", "posts": 2, "new_posts": 2, "days": 3}
    again = run("metrics", "import", str(file))
    assert again.exit_code == 0 and "0 new to the history" in again.output
    by_platform = {o.platform: o for o in history()}
    assert by_platform["instagram"].total("impressions") == 1200 and by_platform["instagram"].hashtags == ("#LowTide",)


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_line(tmp_path):
    file = tmp_path / "metrics.csv"
    file.write_text(HEADER + ROWS + "tiktok,tt-1,2026-11-04,2026-11-04,-5,1,\n")
    result = run("metrics", "import", str(file))
    assert result.exit_code == 1
    assert "nothing was imported" in result.output and "line 5: impressions '-5'" in result.output
    assert history() == []


def test_a_missing_file_and_a_post_of_another_brand_are_refused(tmp_path):
    assert "Can't read" in run("metrics", "import", str(tmp_path / "nope.csv")).output
    file = tmp_path / "metrics.csv"
    file.write_text(HEADER + ROWS)
    assert run("metrics", "import", str(file)).exit_code == 0
    config = tmp_path / "brandpilot.yaml"
    pack = SAMPLE_BRAND_PATH
    config.write_text(f"brands:\n  - {{id: harbor-pine, pack: {pack}}}\n  - {{id: other, pack: {pack}}}\n")
    result = CliRunner().invoke(
        cli, ["metrics", "import", str(file), "--brand", "other"], env={"BRANDPILOT_CONFIG": str(config)}
    )
    assert result.exit_code == 1 and "recorded for brand 'harbor-pine'" in result.output
    assert history("other") == []


JOURNEYS = (
    "journey_id,channel,at,converted,value,campaign\n"
    "j-1,email,2026-11-02T09:00:00-05:00,,,winter\n"
    "j-1,paid_search,2026-11-03T10:00:00-05:00,yes,120,winter\n"
    "j-2,instagram,2026-11-04 12:00,,,\n"
    "j-2,email,2026-11-05 12:00,,,\n"
    "j-3,paid_search,2026-11-06T08:00:00Z,1,45.5,\n"
    "j-4,instagram,2026-11-07T08:00:00Z,true,,\n"
    "j-4,organic,2026-11-08T08:00:00Z,,,\n"
    "j-4,email,2026-11-09T08:00:00Z,,,\n"
)


def credit_rows(answer: str) -> dict[str, list[float]]:
    """Each attribution model's credits per channel, from the table of `attribution_answer`."""
    rows = [line.strip("|").split("|") for line in answer.splitlines() if line.startswith("| ") and "Model" not in line]
    return {cells[0].strip(): [float(c) for c in cells[1:]] for cells in rows}


def test_imported_journeys_are_attributed_and_a_reimport_replaces_them(tmp_path):
    file = tmp_path / "journeys.csv"
    file.write_text(JOURNEYS)
    first = run("metrics", "journeys", str(file))
    assert first.exit_code == 0, first.output
    assert "Imported 4 journeys of harbor-pine (4 new, 3 converted) with 8 touches." in first.output
    again = run("metrics", "journeys", str(file), "--json")
    assert json.loads(again.output) == {"brand": "harbor-pine", "journeys": 4, "new": 0, "touches": 8, "converted": 3}
    with deployment(load_settings()) as where:
        answer = attribution_answer(MetricsStore(where.sessions), "harbor-pine", date(2026, 11, 30))
    assert "3 conversions from 4 customer journeys" in answer
    credits = credit_rows(answer)
    assert len(credits) == 6, answer
    for model, shares in credits.items():  # each share is shown to 0.1, so the sum is 3 within the rounding
        assert abs(sum(shares) - 3) <= 0.05 * len(shares) + 1e-9, (model, shares)


def test_a_journeys_file_with_one_bad_row_imports_nothing(tmp_path):
    file = tmp_path / "journeys.csv"
    file.write_text(JOURNEYS + "j-5,email,2026-11-10,no,30,\n")
    result = run("metrics", "journeys", str(file))
    assert result.exit_code == 1
    assert "nothing was imported" in result.output and "line 10: journey j-5 has value 30" in result.output
    with deployment(load_settings()) as where:
        answer = attribution_answer(MetricsStore(where.sessions), "harbor-pine", date(2026, 11, 30))
    assert "no converting customer journeys" in answer and "brandpilot metrics journeys FILE.csv" in answer
