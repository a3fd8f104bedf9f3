"""The data a report chart is drawn from, checked when created: weekly series, channel mixes and funnels."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tools.analytics.forecast import WeekForecast

DEFAULT_FORECAST_LEVEL = 0.8


ForecastPoint = WeekForecast  # a forecast week after the last actual one: week, value, low <= value <= high


@dataclass(frozen=True)
class TrendSeries:
    """A weekly metric for a trend chart; validated when created.

    Attributes:
        title: Chart title, e.g. "Engagements per week, Q3".
        metric: Y-axis label with its unit, e.g. "Engagements per week" or "Spend (EUR)".
        weeks: First day of each week, strictly increasing.
        values: The metric for each week (same length as `weeks`, finite, not negative).
        previous: The previous period, aligned week by week with `values` (its i-th value is drawn at the i-th
            week as a dashed line), or None for no comparison.
        forecast: Forecast weeks after the last of `weeks`, drawn as a continuation with a shaded interval band.
        forecast_level: Coverage of the forecast interval, between 0 and 1 (0.8 is labelled "80% range").
        current_label: Legend entry of `values`.
        previous_label: Legend entry of `previous`.
        demo: Mark the chart "DEMO DATA" in a corner.
    """

    title: str
    metric: str
    weeks: tuple[date, ...]
    values: tuple[float, ...]
    previous: tuple[float, ...] | None = None
    forecast: tuple[ForecastPoint, ...] = ()
    forecast_level: float = DEFAULT_FORECAST_LEVEL
    current_label: str = "This period"
    previous_label: str = "Previous period"
    demo: bool = False

    def __post_init__(self) -> None:
        _check_text("title", self.title)
        _check_text("metric", self.metric)
        _check_text("current_label", self.current_label)
        _check_text("previous_label", self.previous_label)
        _check_counts("values", self.values)
        _check_weeks("weeks", self.weeks)
        if len(self.weeks) != len(self.values):
            raise ValueError(
                f"weeks and values have different lengths ({len(self.weeks)} and {len(self.values)}): "
                "give exactly one value per week"
            )
        if self.previous is not None:
            _check_counts("previous", self.previous)
            if len(self.previous) != len(self.values):
                raise ValueError(
                    f"previous and values have different lengths ({len(self.previous)} and {len(self.values)}): "
                    "align the previous period week by week with the current one, or pass previous=None"
                )
        if not (isinstance(self.forecast_level, numbers.Real) and 0 < self.forecast_level < 1):
            raise ValueError(f"forecast_level is {self.forecast_level!r}: give a coverage between 0 and 1, e.g. 0.8")
        _check_forecast(self.forecast, after=self.weeks[-1])


@dataclass(frozen=True)
class ChannelValue:
    """One platform's value in the current and the previous period.

    Attributes:
        platform: Platform name, shown as given (e.g. "LinkedIn", "X").
        current: Value in the current period (finite, not negative).
        previous: Value in the previous period (finite, not negative; 0 is shown as "new").
    """

    platform: str
    current: float
    previous: float


@dataclass(frozen=True)
class ChannelMix:
    """Per-platform values of two periods for a channel-mix chart; validated when created.

    Attributes:
        title: Chart title, e.g. "Engagements by platform, May vs April".
        metric: Value-axis label with its unit, e.g. "Engagements" or "Spend (EUR)".
        channels: One entry per platform, platform names unique; drawn sorted by current value, largest on top.
        current_label: Legend entry of the current period, e.g. "May".
        previous_label: Legend entry of the previous period, e.g. "April".
        demo: Mark the chart "DEMO DATA" in a corner.
    """

    title: str
    metric: str
    channels: tuple[ChannelValue, ...]
    current_label: str = "This period"
    previous_label: str = "Previous period"
    demo: bool = False

    def __post_init__(self) -> None:
        _check_text("title", self.title)
        _check_text("metric", self.metric)
        _check_text("current_label", self.current_label)
        _check_text("previous_label", self.previous_label)
        if not self.channels:
            raise ValueError("channels is empty: give at least one platform's values")
        seen: set[str] = set()
        for i, channel in enumerate(self.channels):
            _check_text(f"channels[{i}].platform", channel.platform)
            if channel.platform in seen:
                raise ValueError(f"platform {channel.platform!r} appears twice in channels: give each platform once")
            seen.add(channel.platform)
            _check_count(f"channels[{i}].current ({channel.platform})", channel.current)
            _check_count(f"channels[{i}].previous ({channel.platform})", channel.previous)


@dataclass(frozen=True)
class FunnelStage:
    """One funnel stage.

    Attributes:
        name: Stage name as shown, e.g. "Impressions".
        count: How many reached the stage (finite, not negative; 0 is drawn as an empty bar).
    """

    name: str
    count: float


@dataclass(frozen=True)
class Funnel:
    """Funnel stages, widest first, for a funnel chart; validated when created.

    Attributes:
        title: Chart title, e.g. "Funnel, May".
        stages: Stages in funnel order, e.g. impressions, engagements, clicks, conversions; names unique.
        metric: Value-axis label with its unit.
        demo: Mark the chart "DEMO DATA" in a corner.
    """

    title: str
    stages: tuple[FunnelStage, ...]
    metric: str = "Count"
    demo: bool = False

    def __post_init__(self) -> None:
        _check_text("title", self.title)
        _check_text("metric", self.metric)
        if not self.stages:
            raise ValueError("stages is empty: give at least one funnel stage")
        seen: set[str] = set()
        for i, stage in enumerate(self.stages):
            _check_text(f"stages[{i}].name", stage.name)
            if stage.name in seen:
                raise ValueError(f"stage {stage.name!r} appears twice in stages: give each stage once")
            seen.add(stage.name)
            _check_count(f"stages[{i}].count ({stage.name})", stage.count)

    @classmethod
    def marketing(
        cls,
        title: str,
        *,
        impressions: float,
        engagements: float,
        clicks: float,
        conversions: float,
        demo: bool = False,
    ) -> Funnel:
        """The usual marketing funnel: impressions, engagements, clicks and conversions."""
        stages = (
            FunnelStage("Impressions", impressions),
            FunnelStage("Engagements", engagements),
            FunnelStage("Clicks", clicks),
            FunnelStage("Conversions", conversions),
        )
        return cls(title, stages, demo=demo)


def _check_text(name: str, text: str) -> None:
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{name} is {text!r}: give a non-empty text")


def _check_count(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} is {value!r}, not a number")
    if math.isnan(value):
        raise ValueError(f"{name} is NaN: leave the missing value out or give a number")
    if math.isinf(value):
        raise ValueError(f"{name} is infinite: give a finite number")
    if value < 0:
        raise ValueError(f"{name} is negative ({value}): these charts show amounts, which cannot be below 0")


def _check_counts(name: str, values: Sequence[float]) -> None:
    if len(values) == 0:
        raise ValueError(f"{name} is empty: give at least one value")
    for i, value in enumerate(values):
        _check_count(f"{name}[{i}]", value)


def _check_weeks(name: str, weeks: Sequence[date]) -> None:
    if len(weeks) == 0:
        raise ValueError(f"{name} is empty: give at least one week")
    for i, week in enumerate(weeks):
        if not isinstance(week, date):
            raise ValueError(f"{name}[{i}] is {week!r}, not a date")
        if i > 0 and week <= weeks[i - 1]:
            raise ValueError(
                f"{name} are not in order: {name}[{i}] ({week}) is not after {name}[{i - 1}] ({weeks[i - 1]}); "
                "give each week once, oldest first"
            )


def _check_forecast(forecast: Sequence[ForecastPoint], *, after: date) -> None:
    previous_week = after
    for i, point in enumerate(forecast):
        if not isinstance(point.week, date):
            raise ValueError(f"forecast[{i}].week is {point.week!r}, not a date")
        if point.week <= previous_week:
            raise ValueError(
                f"forecast[{i}] is for {point.week}, not after {previous_week}: forecast weeks come after the last "
                "actual week, each once, oldest first"
            )
        previous_week = point.week
        _check_count(f"forecast[{i}].value", point.value)
        _check_count(f"forecast[{i}].low", point.low)
        _check_count(f"forecast[{i}].high", point.high)
        if not point.low <= point.value <= point.high:
            raise ValueError(
                f"forecast[{i}] ({point.week}) has low {point.low}, value {point.value}, high {point.high}: "
                "the interval must hold the value (low <= value <= high)"
            )
