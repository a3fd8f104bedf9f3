"""`brandpilot metrics import FILE`: all or nothing into the history the strategist learns from."""

import json

from typer.testing import CliRunner

from bot.cli import app as cli
from bot.deployment import deployment
from config.settings import SAMPLE_BRAND_PATH, load_settings
from memory.history import HistoryStore

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
