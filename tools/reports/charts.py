"""Pure chart renderers for marketing reports: frozen data in, deterministic 1000x560 PNG bytes out."""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Annotation
from matplotlib.ticker import FuncFormatter, MaxNLocator

from tools.reports.atomic import write_atomic
from tools.reports.chart_data import (
    ChannelMix,
    Funnel,
    FunnelStage,
    TrendSeries,
)

# Charts are built on their own Figure and drawn by the Agg canvas; pyplot and rcParams are never touched, so
# renderers can run in several threads at once. Every style is passed per call.

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDTH_PX = 1000
HEIGHT_PX = 560
DPI = 100
DEMO_MARKER = "DEMO DATA"
PNG_METADATA: dict[str, str | None] = {"Software": None}  # no version string: identical data, identical bytes

# Okabe-Ito: distinguishable with the common forms of colour blindness.
BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
VERMILLION = "#D55E00"
GREY = "#999999"
LIGHT_GREY = "#BBBBBB"
TEXT = "#222222"
MUTED_TEXT = "#555555"
GRID = "#E5E5E5"

TITLE_SIZE = 16
LABEL_SIZE = 13
TICK_SIZE = 12
ANNOTATION_SIZE = 12
LEGEND_SIZE = 12
MARKER_SIZE = 10

MAX_DATE_TICKS = 10
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BAR_ROOM = 1.12  # the value axis runs at least to this multiple of the largest bar, further if its label needs it
TITLE_WIDTH = 66  # characters of a title line; longer titles wrap


def trend_chart(series: TrendSeries) -> bytes:
    """Render a weekly metric as a line with points, with optional previous period and forecast band, as PNG."""
    return render_png(trend_figure(series))


def channel_mix_chart(mix: ChannelMix) -> bytes:
    """Render per-platform current and previous values as grouped horizontal bars with the change, as PNG."""
    return render_png(channel_mix_figure(mix))


def funnel_chart(funnel: Funnel) -> bytes:
    """Render funnel stages as linear horizontal bars labelled with counts and stage-to-stage rates, as PNG."""
    return render_png(funnel_figure(funnel))


def render_png(fig: Figure) -> bytes:
    """Draw a figure with the Agg canvas and return its PNG bytes; the same figure always gives the same bytes."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    canvas.print_png(buffer, metadata=PNG_METADATA)
    return buffer.getvalue()


def trend_figure(series: TrendSeries) -> Figure:
    """The trend chart's figure: the weekly line with points, the dashed previous period, the forecast band."""
    fig, ax = new_chart(series.title, demo=series.demo)
    x = [week.toordinal() for week in series.weeks]
    handles: list[object] = []
    labels: list[str] = []

    (current,) = ax.plot(x, series.values, color=BLUE, linewidth=2.5, marker="o", markersize=6, zorder=4)
    handles.append(current)
    labels.append(series.current_label)
    if series.previous is not None:
        (previous,) = ax.plot(x, series.previous, color=GREY, linewidth=2, linestyle="--", zorder=3)
        handles.append(previous)
        labels.append(series.previous_label)
    if series.forecast:
        # The forecast continues from the last actual week, where its interval has no width yet.
        fx = [x[-1]] + [point.week.toordinal() for point in series.forecast]
        last = series.values[-1]
        band = ax.fill_between(
            fx,
            [last] + [point.low for point in series.forecast],
            [last] + [point.high for point in series.forecast],
            color=ORANGE,
            alpha=0.25,
            linewidth=0,
            zorder=1,
        )
        (line,) = ax.plot(
            fx,
            [last] + [point.value for point in series.forecast],
            color=VERMILLION,
            linewidth=2,
            linestyle=":",
            marker="o",
            markersize=4,
            markevery=list(range(1, len(fx))),
            zorder=3,
        )
        handles.append((band, line))
        labels.append(f"Forecast ({_format_level(series.forecast_level)} range)")

    ax.annotate(
        _format_number(series.values[-1]),
        (x[-1], series.values[-1]),
        xytext=(0, 9),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=ANNOTATION_SIZE,
        fontweight="bold",
        color=BLUE,
        zorder=5,
    )

    all_weeks = list(series.weeks) + [point.week for point in series.forecast]
    ticks = all_weeks[:: math.ceil(len(all_weeks) / MAX_DATE_TICKS)]
    ax.set_xticks([week.toordinal() for week in ticks], _week_labels(ticks))
    pad = 3.5  # days either side, so the first and last points are not on the frame
    ax.set_xlim(all_weeks[0].toordinal() - pad, all_weeks[-1].toordinal() + pad)
    ax.set_xlabel("Week starting", fontsize=LABEL_SIZE, color=TEXT)
    ax.set_ylabel(series.metric, fontsize=LABEL_SIZE, color=TEXT)
    top = max([*series.values, *(series.previous or ()), *(point.high for point in series.forecast)])
    ax.set_ylim(0, top * 1.12 if top > 0 else 1)
    ax.yaxis.set_major_locator(_value_locator([*series.values, *(series.previous or ())]))
    ax.yaxis.set_major_formatter(FuncFormatter(tick_number))
    ax.grid(axis="y", color=GRID, linewidth=1)
    legend_above(ax, handles, labels)
    return fig


def channel_mix_figure(mix: ChannelMix) -> Figure:
    """The channel-mix chart's figure: per platform a current and a previous bar, largest current value on top."""
    fig, ax = new_chart(mix.title, demo=mix.demo)
    channels = sorted(mix.channels, key=lambda channel: -channel.current)  # stable: ties keep the given order
    rows = range(len(channels) - 1, -1, -1)  # largest on top
    height = 0.38
    label_size = _bar_label_size(len(channels))
    current_y = [row + height / 2 for row in rows]
    previous_y = [row - height / 2 for row in rows]
    ax.barh(current_y, [c.current for c in channels], height=height, color=BLUE, zorder=3)
    ax.barh(previous_y, [c.previous for c in channels], height=height, color=LIGHT_GREY, zorder=3)

    labels: list[Annotation] = []
    for channel, y_now, y_before in zip(channels, current_y, previous_y, strict=True):
        now = ax.annotate(
            f"{_format_number(channel.current)}  ({_format_change(channel.current, channel.previous)})",
            (channel.current, y_now),
            xytext=(5, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=label_size,
            fontweight="bold",
            color=TEXT,
        )
        before = ax.annotate(
            _format_number(channel.previous),
            (channel.previous, y_before),
            xytext=(5, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=label_size - 1,
            color=MUTED_TEXT,
        )
        labels += [now, before]

    ax.set_yticks(list(rows), [c.platform for c in channels])
    ax.set_ylim(-0.6, len(channels) - 0.4)
    ax.tick_params(axis="y", length=0, labelsize=LABEL_SIZE)
    ax.xaxis.set_major_locator(_value_locator([value for c in channels for value in (c.current, c.previous)]))
    ax.xaxis.set_major_formatter(FuncFormatter(tick_number))
    ax.set_xlabel(mix.metric, fontsize=LABEL_SIZE, color=TEXT)
    ax.grid(axis="x", color=GRID, linewidth=1, zorder=0)
    ax.spines["left"].set_visible(False)
    handles = [Patch(color=BLUE), Patch(color=LIGHT_GREY)]
    legend_above(ax, handles, [mix.current_label, mix.previous_label])
    _fit_bar_labels(fig, ax, labels)
    return fig


def funnel_figure(funnel: Funnel) -> Figure:
    """The funnel chart's figure: a linear bar per stage, its count and its rate from the previous stage."""
    fig, ax = new_chart(funnel.title, demo=funnel.demo)
    stages = funnel.stages
    rows = list(range(len(stages)))
    labels: list[Annotation] = []
    ax.barh(rows, [stage.count for stage in stages], height=0.6, color=BLUE, zorder=3)
    for row, stage in zip(rows, stages, strict=True):
        # The count in bold just above the bar's centre line, the rate from the previous stage just below it.
        count = ax.annotate(
            _format_number(stage.count),
            (stage.count, row),
            xytext=(6, 1 if row > 0 else 0),
            textcoords="offset points",
            ha="left",
            va="bottom" if row > 0 else "center",
            fontsize=ANNOTATION_SIZE + 1,
            fontweight="bold",
            color=TEXT,
        )
        labels.append(count)
        if row > 0:
            rate = ax.annotate(
                _format_rate(stage.count, stages[row - 1]),
                (stage.count, row),
                xytext=(6, -1),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=ANNOTATION_SIZE,
                color=MUTED_TEXT,
            )
            labels.append(rate)

    ax.set_yticks(rows, [stage.name for stage in stages])
    ax.set_ylim(len(stages) - 0.4, -0.6)  # first stage on top
    ax.tick_params(axis="y", length=0, labelsize=LABEL_SIZE)
    ax.xaxis.set_major_locator(_value_locator([stage.count for stage in stages]))
    ax.xaxis.set_major_formatter(FuncFormatter(tick_number))
    ax.set_xlabel(funnel.metric, fontsize=LABEL_SIZE, color=TEXT)
    ax.grid(axis="x", color=GRID, linewidth=1, zorder=0)
    ax.spines["left"].set_visible(False)
    _fit_bar_labels(fig, ax, labels)
    return fig


def save_png(data: bytes, path: Path) -> Path:
    """Write PNG bytes to `path` atomically: a temporary file in the same folder, then a rename over `path`.

    Readers never see a half-written chart. Missing parent folders are created.

    Raises:
        ValueError: `data` is not a PNG image.
    """
    if bytes(data[: len(PNG_SIGNATURE)]) != PNG_SIGNATURE:
        raise ValueError("data is not a PNG image (no PNG signature): pass the bytes a chart renderer returned")
    return write_atomic(bytes(data), path)


def new_chart(title: str, *, demo: bool) -> tuple[Figure, Axes]:
    """A white 1000x560 figure on an Agg canvas: one uncluttered axes, a left-aligned title, the demo marker."""
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor="white", layout="constrained")
    FigureCanvasAgg(fig)
    fig.get_layout_engine().set(w_pad=0.12, h_pad=0.1)
    fig.suptitle(
        textwrap.fill(title, TITLE_WIDTH), x=0.012, ha="left", fontsize=TITLE_SIZE, fontweight="bold", color=TEXT
    )
    ax = fig.add_subplot()
    ax.set_facecolor("white")
    ax.spines[["top", "right"]].set_visible(False)
    ax.spines[["left", "bottom"]].set_color(LIGHT_GREY)
    ax.tick_params(labelsize=TICK_SIZE, colors=MUTED_TEXT, labelcolor=TEXT)
    ax.set_axisbelow(True)
    if demo:
        fig.text(
            0.995,
            0.008,
            DEMO_MARKER,
            ha="right",
            va="bottom",
            fontsize=MARKER_SIZE,
            fontweight="bold",
            color=VERMILLION,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": VERMILLION, "linewidth": 1},
            in_layout=False,
        )
    return fig, ax


def legend_above(ax: Axes, handles: Sequence[object], labels: Sequence[str]) -> None:
    """A frameless one-row legend between the title and the plot, aligned with the plot's left edge."""
    ax.legend(
        handles,
        labels,
        loc="lower left",
        bbox_to_anchor=(0, 1.01),
        ncols=len(handles),
        frameon=False,
        fontsize=LEGEND_SIZE,
        borderaxespad=0,
        handlelength=2.6,
    )


def _fit_bar_labels(fig: Figure, ax: Axes, labels: Sequence[Annotation]) -> None:
    """Run the value axis from 0 far enough that every label at the end of a bar ends inside the plot.

    A label sits a fixed number of points after its bar's end, so with the axis ending at `limit` and the plot
    `width` pixels wide it ends at value / limit * width + extra pixels; solving for `limit` over all labels.
    """
    largest = max(label.xy[0] for label in labels)
    limit = largest * BAR_ROOM if largest > 0 else 1.0
    ax.set_xlim(0, limit)
    fig.draw_without_rendering()  # lays the figure out, so the plot's size and the labels' extents are final
    renderer = fig.canvas.get_renderer()
    plot = ax.get_window_extent(renderer)
    usable = plot.width * 0.99
    for label in labels:
        value = label.xy[0]
        end = label.get_window_extent(renderer).x1
        extra = end - ax.transData.transform((value, 0))[0]
        if value > 0 and extra < usable:
            limit = max(limit, value * plot.width / (usable - extra))
    ax.set_xlim(0, limit)


def _bar_label_size(platforms: int) -> int:
    """Font size of bar labels: smaller when many platforms' pairs of bars share the plot's height."""
    if platforms <= 6:
        return ANNOTATION_SIZE
    if platforms <= 9:
        return ANNOTATION_SIZE - 2
    return ANNOTATION_SIZE - 3


def _value_locator(values: Sequence[float]) -> MaxNLocator:
    """About six ticks on a value axis; whole-number ticks only when every value is a whole number (counts)."""
    return MaxNLocator(nbins=6, integer=all(float(value).is_integer() for value in values))


def _week_labels(weeks: Sequence[date]) -> list[str]:
    """Tick labels like "6 Jan", with the year under the first tick and wherever the year changes."""
    labels = []
    for i, week in enumerate(weeks):
        label = f"{week.day} {MONTHS[week.month - 1]}"
        if i == 0 or week.year != weeks[i - 1].year:
            label += f"\n{week.year}"
        labels.append(label)
    return labels


def _format_number(value: float) -> str:
    """A count with thousands separators: whole numbers as integers, small fractions with up to two decimals."""
    if float(value).is_integer() or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def tick_number(value: float, _position: float) -> str:
    """Axis tick formatter with thousands separators."""
    return _format_number(value)


def _format_change(current: float, previous: float) -> str:
    """Percentage change from `previous` to `current`, e.g. "+12%", "−3.5%"; "new" when previous is 0."""
    if previous == 0:
        return "new" if current > 0 else "±0%"
    change = (current - previous) / previous * 100
    if change == 0:
        return "±0%"
    text = f"{change:+,.0f}%" if abs(change) >= 9.95 else f"{change:+.1f}%"
    return text.replace("-", "\u2212")


def _format_percent(share: float) -> str:
    """A share as a percentage with enough decimals to tell small rates apart: "38%", "2.4%", "0.35%"."""
    percent = share * 100
    if percent == 0:
        return "0%"
    if percent < 0.01:
        return "<0.01%"
    if percent >= 9.95:
        return f"{percent:,.0f}%"
    if percent >= 0.995:
        return f"{percent:.1f}%"
    return f"{percent:.2f}%"


def _format_rate(count: float, previous: FunnelStage) -> str:
    """The stage's conversion from the previous stage, e.g. "2.4% of impressions"."""
    name = _lower_first(previous.name)
    if previous.count == 0:
        return f"rate n/a (no {name})"
    return f"{_format_percent(count / previous.count)} of {name}"


def _lower_first(name: str) -> str:
    """Lower-case a name's first letter for use mid-sentence, unless it starts an acronym ("CTA clicks")."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def _format_level(level: float) -> str:
    """An interval level as a percentage: 0.8 -> "80%", 0.975 -> "97.5%"."""
    return f"{round(level * 100, 2):g}%"
