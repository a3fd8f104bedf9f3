"""Chart renderers: real 1000x560 PNGs with content, honest labels, clear errors, and thread-safe determinism."""

import ast
import inspect
import io
import math
import struct
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta

import matplotlib
import numpy as np
import pytest
from matplotlib.image import imread

from tools.reports import atomic, charts
from tools.reports.chart_data import ChannelMix, ChannelValue, ForecastPoint, Funnel, FunnelStage, TrendSeries
from tools.reports.charts import (
    PNG_SIGNATURE,
    channel_mix_chart,
    channel_mix_figure,
    funnel_chart,
    funnel_figure,
    save_png,
    trend_chart,
    trend_figure,
)

START = date(2025, 1, 6)  # a Monday
WEEKS = tuple(START + timedelta(weeks=i) for i in range(8))
BLUE = (0x00, 0x72, 0xB2)
VERMILLION = (0xD5, 0x5E, 0x00)

TREND = TrendSeries(
    title="Engagements per week",
    metric="Engagements per week",
    weeks=WEEKS,
    values=(8200, 9100, 8700, 10400, 11800, 11200, 12900, 12100),
    previous=(7900, 8100, 8600, 8300, 9200, 9900, 9400, 10100),
    forecast=tuple(
        ForecastPoint(START + timedelta(weeks=8 + i), 12500 + 300 * i, 11000 + 100 * i, 14000 + 600 * i)
        for i in range(3)
    ),
)
MIX = ChannelMix(
    title="Engagements by platform, May vs April",
    metric="Engagements per month",
    channels=(
        ChannelValue("X", 12400, 15100),
        ChannelValue("LinkedIn", 48200, 41500),
        ChannelValue("TikTok", 23900, 0),
        ChannelValue("Instagram", 61300, 65800),
        ChannelValue("YouTube", 0, 0),
    ),
    current_label="May",
    previous_label="April",
)
FUNNEL = Funnel.marketing("Funnel, May", impressions=1_284_000, engagements=52_300, clicks=6_180, conversions=212)

CHARTS = {
    "trend": (trend_chart, TREND),
    "mix": (channel_mix_chart, MIX),
    "funnel": (funnel_chart, FUNNEL),
}
DEMO_CHARTS = {f"{name}_demo": (render, replace(data, demo=True)) for name, (render, data) in CHARTS.items()}


@pytest.fixture(scope="module")
def pngs():
    """Each chart, plain and marked as demo, rendered once single-threaded: the reference for the other tests."""
    return {name: render(data) for name, (render, data) in (CHARTS | DEMO_CHARTS).items()}


def png_size(data):
    """Width and height from the IHDR chunk, which a PNG must start with."""
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def pixels(data):
    """The decoded image as 0-255 RGB integers."""
    image = imread(io.BytesIO(data), format="png")
    return np.round(image[..., :3] * 255).astype(int)


def share_near(image, colour, tolerance=12):
    """Fraction of pixels within `tolerance` of `colour` on every channel."""
    return np.all(np.abs(image - np.array(colour)) <= tolerance, axis=-1).mean()


def drawn_texts(fig):
    """Every text on the laid-out figure: titles, labels, tick labels, legend entries and annotations."""
    fig.draw_without_rendering()
    return [text.get_text() for text in fig.findobj(matplotlib.text.Text) if text.get_visible()]


# --- The images -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_is_a_decodable_png_of_1000_by_560_pixels(pngs, name):
    data = pngs[name]
    assert data.startswith(PNG_SIGNATURE)
    assert png_size(data) == (1000, 560)
    assert imread(io.BytesIO(data), format="png").shape[:2] == (560, 1000)


@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_draws_its_data_in_the_okabe_ito_blue_on_white(pngs, name):
    image = pixels(pngs[name])
    colours = np.unique(image[..., 0] << 16 | image[..., 1] << 8 | image[..., 2])
    assert len(colours) >= 20  # lines, bars, text and anti-aliasing; a blank image has one
    assert 0.5 < share_near(image, (255, 255, 255)) < 0.97  # mostly white background, but not empty
    assert share_near(image, BLUE, tolerance=4) > 0.003  # the data itself, not just text


@pytest.mark.parametrize("name", CHARTS)
def test_the_demo_marker_is_drawn_in_the_bottom_right_corner_only_when_asked(pngs, name):
    demo = pngs[f"{name}_demo"]
    assert demo != pngs[name]
    before, after = pixels(pngs[name]), pixels(demo)
    rows, columns = np.nonzero(np.any(before != after, axis=-1))
    assert rows.min() > 500 and columns.min() > 850  # nothing else moved
    assert share_near(after[500:, 850:], VERMILLION, tolerance=8) > 0.01
    assert share_near(before[500:, 850:], VERMILLION, tolerance=8) == 0


def test_pngs_are_deterministic_and_carry_no_software_version(pngs):
    assert trend_chart(TREND) == pngs["trend"]
    for data in pngs.values():
        assert b"Software" not in data
        assert b"matplotlib" not in data.lower()


def test_rendering_from_four_threads_at_once_gives_the_single_threaded_bytes(pngs):
    jobs = ["trend", "trend_demo", "mix_demo", "funnel"]  # two trend charts with different data at once
    start = threading.Barrier(len(jobs))

    def render(name):
        function, data = (CHARTS | DEMO_CHARTS)[name]
        start.wait(timeout=10)  # all four threads draw at the same time
        return function(data)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(render, jobs))
    assert results == [pngs[name] for name in jobs]


def test_charts_use_no_pyplot_and_leave_the_global_rc_params_alone():
    imported = set()
    for node in ast.walk(ast.parse(inspect.getsource(charts))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    assert not any("pyplot" in name for name in imported)

    before = dict(matplotlib.rcParams)
    trend_figure(TREND)
    funnel_figure(FUNNEL)
    assert dict(matplotlib.rcParams) == before


# --- What the charts say ----------------------------------------------------------------------------------------


def test_trend_chart_labels_axes_legend_and_forecast_range_with_thousands_separators():
    fig = trend_figure(TREND)
    ax = fig.axes[0]
    texts = drawn_texts(fig)
    assert fig.get_suptitle() == "Engagements per week"
    assert ax.get_ylabel() == "Engagements per week"
    assert ax.get_xlabel() == "Week starting"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "This period",
        "Previous period",
        "Forecast (80% range)",
    ]
    assert "12,000" in [t.get_text() for t in ax.get_yticklabels()]
    assert ax.get_ylim()[0] == 0
    assert "12,100" in texts  # the last actual value is labelled
    assert any(text.startswith("6 Jan\n2025") for text in texts)
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and list(dashed[0].get_ydata()) == list(TREND.previous)


def test_trend_forecast_starts_at_the_last_actual_week_and_its_label_follows_the_level():
    fig = trend_figure(replace(TREND, forecast_level=0.95, previous=None))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["This period", "Forecast (95% range)"]
    forecast_line = next(line for line in ax.get_lines() if line.get_linestyle() == ":")
    assert forecast_line.get_xdata()[0] == WEEKS[-1].toordinal()
    assert list(forecast_line.get_ydata()) == [12100, 12500, 12800, 13100]


def test_channel_mix_sorts_platforms_by_current_value_and_annotates_the_change():
    fig = channel_mix_figure(MIX)
    ax = fig.axes[0]
    texts = drawn_texts(fig)
    ticks = sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])
    assert [t.get_text() for t in ticks] == ["Instagram", "LinkedIn", "TikTok", "X", "YouTube"]
    assert "61,300  (\u22126.8%)" in texts
    assert "48,200  (+16%)" in texts
    assert "23,900  (new)" in texts  # previous was 0
    assert "0  (\u00b10%)" in texts  # 0 both times
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["May", "April"]
    assert ax.get_xlabel() == "Engagements per month"


def test_bar_labels_fit_inside_the_plot_even_for_long_numbers():
    mix = replace(MIX, channels=(ChannelValue("LinkedIn", 987_654_321, 1), ChannelValue("X", 5, 4)))
    for fig in (channel_mix_figure(mix), funnel_figure(FUNNEL)):
        ax = fig.axes[0]
        fig.draw_without_rendering()
        plot_right = ax.get_window_extent().x1
        for text in ax.texts:
            assert text.get_window_extent().x1 <= plot_right + 1, text.get_text()


def test_funnel_uses_linear_bars_annotated_with_counts_and_rates_from_the_previous_stage():
    fig = funnel_figure(FUNNEL)
    ax = fig.axes[0]
    texts = drawn_texts(fig)
    assert ax.get_xscale() == "linear"
    assert [bar.get_width() for bar in ax.patches] == [1_284_000, 52_300, 6_180, 212]
    assert {"1,284,000", "52,300", "6,180", "212"} <= set(texts)
    assert {"4.1% of impressions", "12% of engagements", "3.4% of clicks"} <= set(texts)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Impressions", "Engagements", "Clicks", "Conversions"]


def test_funnel_stages_with_zero_are_drawn_as_zero():
    funnel = Funnel.marketing("Quiet week", impressions=54_000, engagements=120, clicks=0, conversions=0)
    fig = funnel_figure(funnel)
    texts = drawn_texts(fig)
    assert [bar.get_width() for bar in fig.axes[0].patches] == [54_000, 120, 0, 0]
    assert texts.count("0") >= 2
    assert "0% of engagements" in texts
    assert "rate n/a (no clicks)" in texts


# --- save_png ---------------------------------------------------------------------------------------------------


def test_save_png_writes_the_same_bytes_and_leaves_no_temporary_file(tmp_path, pngs):
    target = tmp_path / "reports" / "trend.png"
    assert save_png(pngs["trend"], target) == target
    assert target.read_bytes() == pngs["trend"]
    save_png(pngs["mix"], target)  # overwrites in place
    assert target.read_bytes() == pngs["mix"]
    assert [p.name for p in target.parent.iterdir()] == ["trend.png"]


def test_save_png_keeps_the_old_file_and_cleans_up_when_the_rename_fails(tmp_path, pngs, monkeypatch):
    target = tmp_path / "trend.png"
    target.write_bytes(pngs["trend"])

    def failing_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        save_png(pngs["mix"], target)
    assert target.read_bytes() == pngs["trend"]
    assert [p.name for p in tmp_path.iterdir()] == ["trend.png"]


def test_save_png_refuses_bytes_that_are_not_a_png(tmp_path):
    with pytest.raises(ValueError, match="not a PNG"):
        save_png(b"GIF89a...", tmp_path / "chart.png")
    assert list(tmp_path.iterdir()) == []


# --- Bad input --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weeks": (), "values": ()}, "values is empty"),
        ({"values": TREND.values[:-1]}, "different lengths"),
        ({"previous": TREND.previous[:-1]}, "previous and values have different lengths"),
        ({"values": (8200, -1, *TREND.values[2:])}, r"values\[1\] is negative"),
        ({"values": (math.nan, *TREND.values[1:])}, r"values\[0\] is NaN"),
        ({"previous": (*TREND.previous[:-1], math.inf)}, r"previous\[7\] is infinite"),
        ({"values": ("8200", *TREND.values[1:])}, "not a number"),
        ({"weeks": (WEEKS[1], WEEKS[0], *WEEKS[2:])}, "not in order"),
        ({"forecast": (ForecastPoint(WEEKS[-1], 1, 0, 2),)}, "not after"),
        ({"forecast": (ForecastPoint(WEEKS[-1] + timedelta(weeks=1), 5, 6, 7),)}, "low <= value <= high"),
        ({"forecast": (ForecastPoint(WEEKS[-1] + timedelta(weeks=1), math.nan, 0, 7),)}, "is NaN"),
        ({"forecast_level": 80}, "between 0 and 1"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_trend_input_raises_a_value_error_saying_what_is_wrong(changes, message):
    with pytest.raises(ValueError, match=message):
        replace(TREND, **changes)


@pytest.mark.parametrize(
    ("channels", "message"),
    [
        ((), "channels is empty"),
        ((ChannelValue("X", 1, 2), ChannelValue("X", 3, 4)), "'X' appears twice"),
        ((ChannelValue("X", -5, 2),), r"current \(X\) is negative"),
        ((ChannelValue("X", 5, math.nan),), r"previous \(X\) is NaN"),
        ((ChannelValue("", 5, 2),), "platform"),
    ],
)
def test_bad_channel_mix_input_raises_a_value_error_saying_what_is_wrong(channels, message):
    with pytest.raises(ValueError, match=message):
        replace(MIX, channels=channels)


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ((), "stages is empty"),
        ((FunnelStage("Clicks", 5), FunnelStage("Clicks", 3)), "'Clicks' appears twice"),
        ((FunnelStage("Impressions", 100), FunnelStage("Clicks", -3)), r"count \(Clicks\) is negative"),
        ((FunnelStage("Impressions", math.nan),), "is NaN"),
    ],
)
def test_bad_funnel_input_raises_a_value_error_saying_what_is_wrong(stages, message):
    with pytest.raises(ValueError, match=message):
        Funnel("Funnel", stages)
