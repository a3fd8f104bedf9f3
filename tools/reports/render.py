"""A report as Markdown (the summary card in chat and the terminal) and as plain JSON data."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from tools.analytics.drivers import RATIO_DEFINITIONS
from tools.reports.summary import Headline, Report

_NAMES = {
    "impressions": "Impressions",
    "engagements": "Engagements",
    "engagement_rate": "Engagement rate",
    "clicks": "Clicks",
    "conversions": "Conversions",
    "revenue": "Revenue",
    "spend": "Spend",
    "roas": "ROAS (paid posts)",
    "cpa": "CPA",
    "ctr": "CTR",
    "roi": "ROI",
    "conversion_rate": "Conversion rate",
}
_RATES = {"engagement_rate", "ctr", "conversion_rate", "roi"}
_MONEY = {"revenue", "spend", "cpa"}


def number(metric: str, value: float | None) -> str:
    """A metric's value as people read it: 12,345 / 4.2% / $1,234 / 3.1x; "n/a" when undefined."""
    if value is None:
        return "n/a"
    if metric in _RATES:
        return f"{value:.2%}"
    if metric in _MONEY:
        return f"${value:,.0f}"
    if metric == "roas":
        return f"{value:.2f}x"
    return f"{value:,.0f}"


def _headline(line: Headline) -> str:
    change = (
        "new" if line.change is None and line.current else f"{line.change:+.0f}%" if line.change is not None else "-"
    )
    now, before = number(line.metric, line.current), number(line.metric, line.previous)
    return f"| {_NAMES[line.metric]} | {now} | {before} | {change} |"


def to_markdown(report: Report) -> str:
    """The summary card: headline KPIs, campaign KPIs against targets, top posts, changes, forecast, advice."""
    kind = {"weekly": "Weekly report", "monthly": "Monthly report"}.get(report.kind, "Performance")
    title = f"**{kind} for {report.brand}: {report.period.label}**"
    lines = [title + (" (includes DEMO data)" if report.demo else "")]
    if report.empty:
        lines.append(
            f"No metrics were recorded for {report.period.label}. Import them with `brandpilot metrics import FILE`, "
            "or try the demo with `brandpilot demo seed`."
        )
        return "\n\n".join(lines)
    table = [f"| | {report.period.label} | {report.previous.label} | change |", "|---|---|---|---|"]
    table += [_headline(line) for line in report.headlines]
    lines.append("\n".join(table))
    if report.campaigns:
        rows = ["**Campaigns** (KPIs to date against target)"]
        for campaign in report.campaigns:
            kpis = "; ".join(
                f"{_NAMES.get(k.metric, k.metric)} {number(k.metric, k.actual)} of {number(k.metric, k.target)}"
                + (" ✓" if k.met else "")
                for k in campaign.kpis
            )
            pace = f"; budget {campaign.pacing.status}" if campaign.pacing else ""
            rows.append(f"- {campaign.name} ({campaign.status}): {kpis or 'no KPI targets set'}{pace}")
        lines.append("\n".join(rows))
    if report.top_posts:
        rows = ["**Top posts** (engagement per impression)"]
        for post in report.top_posts:
            text = " ".join(post.text.split())[:90]
            rows.append(
                f"- {post.platform}, {post.published_at:%b %d}: {post.rate:.1%} of {post.impressions:,.0f} — {text}"
            )
        lines.append("\n".join(rows))
    if report.changes:
        lines.append("**What changed**\n" + "\n".join(f"- {line}" for line in report.changes))
    if report.forecast and report.forecast.weeks:
        first, last = report.forecast.weeks[0], report.forecast.weeks[-1]
        lines.append(
            f"**Next {len(report.forecast.weeks)} weeks** (engagements): {first.value:,.0f} in the week of "
            f"{first.week:%b %d} (range {first.low:,.0f}-{first.high:,.0f}) to {last.value:,.0f} in the week of "
            f"{last.week:%b %d}. {report.forecast.description}"
        )
    if report.advice:
        lines.append("**Recommendations**\n" + "\n".join(f"- {line}" for line in report.advice))
    lines.append(
        "_Definitions: "
        + "; ".join(RATIO_DEFINITIONS[k] for k in ("engagement_rate", "roas"))
        + "._ "
        + (f"_Numbers from {', '.join(report.sources)}._" if report.sources else "")
    )
    return "\n\n".join(lines)


def to_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (dates as ISO strings)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    data = asdict(report)
    data["markdown"] = to_markdown(report)
    return plain(data)
