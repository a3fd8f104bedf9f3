"""Weekly and monthly reports from the database: numbers that match their SQL, campaigns, forecast, demo mark."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from bot.deployment import deployment
from config.settings import load_settings
from memory.db import write_transaction
from memory.demo import seed_demo
from memory.reports import make_report
from tools.analytics.demo_history import demo_history
from tools.reports.render import to_json, to_markdown
from tools.reports.summary import report_periods

TODAY = date(2026, 11, 27)  # a Friday
BRAND = "harbor-pine"


@pytest.fixture(scope="module")
def history():
    return demo_history(end=TODAY, platforms=("x", "linkedin", "instagram", "facebook", "tiktok"), weeks=30)


@pytest.fixture
def sessions(history):
    with deployment(load_settings()) as where:
        with write_transaction(where.sessions) as session:
            seed_demo(session, BRAND, history, actor="test")
        yield where.sessions


def test_report_periods_are_the_last_full_week_and_month():
    week, before = report_periods("weekly", TODAY)
    assert (week.start, week.end, week.label) == (date(2026, 11, 16), date(2026, 11, 23), "week of Nov 16-22")
    assert (before.start, before.end) == (date(2026, 11, 9), date(2026, 11, 16))
    month, before = report_periods("monthly", date(2026, 1, 5))
    assert (month.start, month.end, month.label) == (date(2025, 12, 1), date(2026, 1, 1), "December 2025")
    assert (before.start, before.end) == (date(2025, 11, 1), date(2025, 12, 1))


def test_the_weekly_headlines_match_the_documented_sql(sessions):
    report = make_report(sessions, BRAND, "weekly", TODAY)
    query = text(
        "SELECT SUM(m.impressions), SUM(m.engagements), SUM(m.revenue) FROM post_metrics m "
        "JOIN post_history h ON h.id = m.post_id WHERE h.brand_id = :brand AND m.day >= :start AND m.day < :end"
    )
    with sessions() as session:
        impressions, engagements, revenue = session.execute(
            query, {"brand": BRAND, "start": report.period.start, "end": report.period.end}
        ).one()
    shown = {line.metric: line.current for line in report.headlines}
    assert (shown["impressions"], shown["engagements"]) == (impressions, engagements)
    assert shown["revenue"] == pytest.approx(revenue)
    assert shown["engagement_rate"] == pytest.approx(engagements / impressions)


def test_the_report_covers_campaigns_top_posts_changes_and_a_forecast(sessions):
    report = make_report(sessions, BRAND, "weekly", TODAY)
    assert report.demo and not report.empty
    [campaign] = report.campaigns
    assert campaign.name == "Winter launch" and campaign.pacing is not None
    assert {k.metric for k in campaign.kpis} == {"revenue", "roas"}
    assert 1 <= len(report.top_posts) <= 3
    rates = [p.rate for p in report.top_posts]
    assert rates == sorted(rates, reverse=True)
    assert report.changes and report.forecast is not None and len(report.forecast.weeks) == 4
    card = to_markdown(report)
    assert "(includes DEMO data)" in card and "Winter launch (active)" in card and "**What changed**" in card
    assert "engagement rate = engagements / impressions" in card
    assert to_json(report)["period"]["start"] == "2026-11-16"


def test_a_brand_without_metrics_gets_a_report_that_says_how_to_get_them():
    with deployment(load_settings()) as where:
        report = make_report(where.sessions, BRAND, "monthly", TODAY)
    assert report.empty and not report.demo
    card = to_markdown(report)
    assert "No metrics were recorded for October 2026" in card and "brandpilot metrics import" in card
