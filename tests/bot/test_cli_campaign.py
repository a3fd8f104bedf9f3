"""`brandpilot campaign ...`: campaigns created with checked values, listed, moved by legal steps, measured to date."""

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.deployment import deployment
from config.settings import load_settings
from memory.db import write_transaction
from memory.history import DailyMetrics, NewPost, add_post, set_metrics

TODAY = datetime.now(UTC).date()


class _TestsDay(datetime):
    """A clock on the day the tests' dates count from: a run that crosses midnight still agrees with them."""

    @classmethod
    def now(cls, tz=None):  # noqa: D102 - datetime's own
        return datetime.combine(TODAY, time(12), UTC).astimezone(tz) if tz else datetime.combine(TODAY, time(12))


@pytest.fixture(autouse=True)
def _cli_on_the_tests_day(monkeypatch):
    monkeypatch.setattr("bot.cli_campaign.datetime", _TestsDay)


def run(*args):
    return CliRunner().invoke(cli, list(args))


def said(result):
    """The output with the terminal's line wrapping undone."""
    return " ".join(result.output.split())


def stored():
    return json.loads(run("campaign", "list", "--json").output)["campaigns"]


def test_create_then_list_then_status_in_json_and_text():
    empty = run("campaign", "list")
    assert empty.exit_code == 0 and "has no campaigns. Create one with: brandpilot campaign create" in said(empty)

    created = run(
        "campaign", "create", "Spring Sale", "--objective", "sales", "--budget", "20000.50",
        "--start", "2026-03-01", "--end", "2026-05-31", "--channel", "Instagram", "--channel", "facebook",
        "--kpi", "revenue=60000", "--kpi", "roas=3", "--json",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert json.loads(created.output)["campaign"] == {
        "name": "Spring Sale", "objective": "sales", "status": "planning", "budget": 20000.5,
        "starts_on": "2026-03-01", "ends_on": "2026-05-31", "channels": ["instagram", "facebook"],
        "kpis": [{"metric": "revenue", "target": 60000.0}, {"metric": "roas", "target": 3.0}], "is_demo": False,
    }  # fmt: skip

    untargeted = run("campaign", "create", "Harbor Days", "--objective", "awareness")
    assert untargeted.exit_code == 0, untargeted.output
    assert "awareness campaigns are judged on impressions and engagement_rate" in said(untargeted)
    assert "--kpi revenue=60000" in said(untargeted)
    assert stored()[0]["kpis"] == []  # newest first; no made-up targets

    listed = said(run("campaign", "list"))
    assert listed.index("Harbor Days: planning, awareness") < listed.index(
        "Spring Sale: planning, sales"
    )  # newest first
    assert (
        "budget 20,000.50, 2026-03-01 to 2026-05-31, channels: instagram, facebook, "
        "KPIs: revenue >= $60,000, roas >= 3.00x" in listed
    )
    assert "Harbor Days: planning, awareness, budget 0.00, no dates, channels: not set, KPIs: no targets set" in listed
    assert "has no active campaigns" in said(run("campaign", "list", "--status", "active"))

    status = run("campaign", "status", "spring sale")
    assert status.exit_code == 0, status.output
    assert "No metrics yet" in said(status) and "their campaign is 'Spring Sale'" in said(status)
    report = json.loads(run("campaign", "status", "Harbor Days", "--json").output)
    assert report["has_metrics"] is False and report["pacing"] is None
    assert [(k["metric"], k["target"]) for k in report["kpis"]] == [("impressions", None), ("engagement_rate", None)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kpi", "revnue=5"], "--kpi 'revnue=5': unknown KPI 'revnue'; use one of impressions,"),
        (["--kpi", "roas"], "--kpi 'roas' has no target; write METRIC=TARGET, e.g. --kpi revenue=60000."),
        (["--kpi", "roas=0"], "--kpi 'roas=0': the target must be a number above 0"),
        (["--kpi", "cpa=-3"], "--kpi 'cpa=-3': the target must be a number above 0"),
        (["--kpi", "roas=2", "--kpi", "ROAS=3"], "--kpi roas is given twice"),
        (["--channel", "instagram", "--channel", "myspace"], "Unknown channel(s) myspace; use --channel with x,"),
        (["--budget", "-5"], "--budget '-5' is not an amount; write a plain number of zero or more, e.g. 20000."),
        (["--budget", "nan"], "--budget 'nan' is not an amount"),
        (["--budget", "$20k"], "--budget '$20k' is not an amount"),
        (["--start", "2026/03/01"], "--start '2026/03/01' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01."),
        (
            ["--start", "2026-03-05", "--end", "2026-03-01"],
            "The campaign ends (2026-03-01) before it starts (2026-03-05); swap the dates.",
        ),
    ],
)
def test_a_bad_value_is_explained_and_nothing_is_stored(args, message):
    result = run("campaign", "create", "Spring Sale", "--objective", "sales", "--kpi", "revenue=60000", *args)
    assert result.exit_code == 1, result.output
    assert f"Error: Nothing was stored: {message}" in said(result)
    assert stored() == []


def test_the_full_lifecycle_and_illegal_moves():
    assert run("campaign", "create", "Spring Sale", "--objective", "leads").exit_code == 0

    early = run("campaign", "pause", "Spring Sale")
    assert early.exit_code == 1 and "Spring Sale is planning, so it can't become paused" in said(early)
    assert "from planning it can go to active" in said(early)
    wrong_verb = run("campaign", "resume", "Spring Sale")
    assert wrong_verb.exit_code == 1
    assert 'Spring Sale is planning; start it: brandpilot campaign start "Spring Sale"' in said(wrong_verb)

    started = run("campaign", "start", "spring sale", "--json")
    assert started.exit_code == 0, started.output
    moved = json.loads(started.output)
    assert moved["previous_status"] == "planning" and moved["campaign"]["status"] == "active"
    assert "Spring Sale: active -> paused." in said(run("campaign", "pause", "Spring Sale"))
    restart = run("campaign", "start", "Spring Sale")
    assert restart.exit_code == 1 and "paused; resume it: brandpilot campaign resume" in said(restart)
    assert "Spring Sale: paused -> active." in said(run("campaign", "resume", "Spring Sale"))
    assert "Spring Sale: active -> completed." in said(run("campaign", "complete", "Spring Sale"))

    final = run("campaign", "resume", "Spring Sale")
    assert final.exit_code == 1 and "from completed it can go to nothing: it is finished" in said(final)
    assert [c["status"] for c in stored()] == ["completed"]


def add_campaign_post(session, platform, campaign, days):
    published = datetime.combine(TODAY - timedelta(days=12), time(9), UTC)
    post_id = add_post(session, NewPost("harbor-pine", platform, published, "Sale!", campaign=campaign))
    set_metrics(session, post_id, [DailyMetrics(TODAY - timedelta(days=ago), **numbers) for ago, numbers in days])


def test_status_sums_the_campaigns_metrics_since_its_start_and_paces_its_budget():
    start, end = TODAY - timedelta(days=9), TODAY + timedelta(days=20)  # 30 days: 10 of them gone by today
    created = run(
        "campaign", "create", "Spring Sale", "--objective", "sales", "--budget", "3000",
        "--start", start.isoformat(), "--end", end.isoformat(), "--kpi", "revenue=6000", "--kpi", "roas=3",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    with deployment(load_settings()) as where, write_transaction(where.sessions) as session:
        add_campaign_post(
            session, "instagram", "Spring Sale",
            [(3, {"impressions": 1000, "spend": 400, "revenue": 1200}), (0, {"spend": 200, "revenue": 600})],
        )  # fmt: skip
        add_campaign_post(
            session, "facebook", "Spring Sale",
            [(1, {"spend": 400, "revenue": 1200}), (10, {"spend": 999, "revenue": 9999})],  # the day before the start
        )  # fmt: skip
        add_campaign_post(session, "x", "Another Campaign", [(2, {"spend": 500, "revenue": 5000})])

    report = json.loads(run("campaign", "status", "spring sale", "--json").output)
    assert report["has_metrics"] is True
    assert report["totals"]["spend"] == 1000 and report["totals"]["revenue"] == 3000
    kpis = {k["metric"]: k for k in report["kpis"]}
    assert kpis["revenue"]["progress"] == pytest.approx(0.5) and not kpis["revenue"]["met"]
    assert kpis["roas"]["actual"] == pytest.approx(3.0) and kpis["roas"]["met"]
    assert report["pacing"]["status"] == "on track" and report["pacing"]["expected"] == pytest.approx(1000)
    assert report["pacing"]["projected"] == pytest.approx(3000)

    text = said(run("campaign", "status", "Spring Sale"))
    assert f"KPIs from {start} to {TODAY}:" in text
    assert "- revenue: $3,000 of $6,000 (50% of target), not met yet" in text
    assert "- roas: 3.00x of 3.00x (100% of target), met" in text
    assert "Budget pacing: on track; spent 1,000.00 of 3,000.00 (an even pace: 1,000.00 by today" in text


def test_unknown_campaign_names_list_the_known_ones():
    assert run("campaign", "create", "Spring Sale", "--objective", "sales").exit_code == 0
    for command in ("status", "start", "complete"):
        result = run("campaign", command, "Summer Sale")
        assert result.exit_code == 1
        assert "Error: harbor-pine has no campaign called 'Summer Sale' (campaigns: Spring Sale)." in said(result)
    unknown_brand = run("campaign", "list", "--brand", "nope")
    assert unknown_brand.exit_code == 1 and "Unknown brand 'nope'" in said(unknown_brand)


def test_update_changes_the_plan_checked_and_audited():
    assert run("campaign", "create", "Winter Sale", "--objective", "sales", "--budget", "10000").exit_code == 0
    result = run(
        "campaign", "update", "winter sale", "--budget", "25000", "--end", "2027-01-15", "--kpi", "revenue=80000"
    )
    assert result.exit_code == 0, result.output
    assert (
        "budget 25,000.00" in said(result) and "to 2027-01-15" in said(result) and "revenue >= $80,000" in said(result)
    )
    [campaign] = stored()
    assert campaign["budget"] == 25000 and campaign["kpis"] == [{"metric": "revenue", "target": 80000.0}]
    again = run("campaign", "update", "Winter Sale", "--kpi", "roas=3", "--kpi", "revenue=90000", "--json")
    assert json.loads(again.output)["campaign"]["kpis"] == [
        {"metric": "revenue", "target": 90000.0},
        {"metric": "roas", "target": 3.0},
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2027-02-01", "--end", "2027-01-01"], "before it starts"),
        (["--kpi", "vibes=3"], "unknown KPI 'vibes'"),
        (["--budget", "-5"], "is not an amount"),
        ([], "Nothing to change"),
    ],
)
def test_update_with_a_bad_value_changes_nothing(args, message):
    assert run("campaign", "create", "Winter Sale", "--objective", "sales", "--budget", "10000").exit_code == 0
    result = run("campaign", "update", "Winter Sale", *args)
    assert result.exit_code != 0 and message in said(result)
    assert stored()[0]["budget"] == 10000 and stored()[0]["ends_on"] is None
