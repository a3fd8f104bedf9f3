"""A report's charts (trend, channel mix, funnel) from its data, and the report written out as files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tools.platforms.specs import platform_label
from tools.reports.atomic import write_atomic
from tools.reports.chart_data import ChannelMix, ChannelValue, Funnel, TrendSeries
from tools.reports.charts import channel_mix_chart, funnel_chart, save_png, trend_chart
from tools.reports.render import to_json, to_markdown
from tools.reports.summary import Report


@dataclass(frozen=True)
class Chart:
    """A rendered chart: a file name, a title for people, and the PNG."""

    name: str
    title: str
    png: bytes


def report_charts(report: Report) -> list[Chart]:
    """The trend (engagements per week with the forecast), the channel mix and the funnel; none for an empty report."""
    if report.empty or report.comparison is None:
        return []
    charts = []
    weeks = [(week, totals.engagements) for week, totals in report.weekly]
    if weeks:
        forecast = report.forecast.weeks if report.forecast else ()
        series = TrendSeries(
            title=f"Engagements per week, {len(weeks)} weeks to {report.period.label}",
            metric="Engagements per week",
            weeks=tuple(w for w, _ in weeks),
            values=tuple(v for _, v in weeks),
            forecast=forecast,
            forecast_level=report.forecast.level if report.forecast else 0.8,
            demo=report.demo,
        )
        charts.append(Chart("trend.png", series.title, trend_chart(series)))
    channels = tuple(
        ChannelValue(platform_label(p.platform), p.change("engagements").current, p.change("engagements").previous)
        for p in report.comparison.platforms
    )
    if channels:
        mix = ChannelMix(
            title=f"Engagements by platform: {report.period.label} against {report.previous.label}",
            metric="Engagements",
            channels=channels,
            current_label=report.period.label,
            previous_label=report.previous.label,
            demo=report.demo,
        )
        charts.append(Chart("channel_mix.png", mix.title, channel_mix_chart(mix)))
    overall = report.comparison.overall
    funnel = Funnel.marketing(
        f"Funnel, {report.period.label} (all platforms)",
        impressions=overall.change("impressions").current,
        engagements=overall.change("engagements").current,
        clicks=overall.change("clicks").current,
        conversions=overall.change("conversions").current,
        demo=report.demo,
    )
    charts.append(Chart("funnel.png", funnel.title, funnel_chart(funnel)))
    return charts


def write_report(report: Report, folder: Path) -> list[Path]:
    """Write report.md, report.json and the charts' PNGs into `folder` (created if needed); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in (
        ("report.md", to_markdown(report).encode()),
        ("report.json", json.dumps(to_json(report), indent=2).encode()),
    ):
        written.append(write_atomic(data, folder / name))
    written += [save_png(chart.png, folder / chart.name) for chart in report_charts(report)]
    return written
