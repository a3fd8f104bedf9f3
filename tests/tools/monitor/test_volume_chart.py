"""Volume chart of an alert card: mentions binned from the window's start, and a real 1000x560 PNG with no leak."""

import ast
import gc
import inspect
import io
import weakref
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
from matplotlib.dates import date2num
from matplotlib.image import imread
from matplotlib.text import Text

from tools.monitor import volume_chart
from tools.monitor.volume_chart import VolumePoint, incident_volume_chart, incident_volume_figure, volume_points
from tools.reports.charts import PNG_SIGNATURE

START = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
NOW = START + 24 * HOUR - timedelta(minutes=23)
OPENED = START + 20 * HOUR + timedelta(minutes=40)
BLUE = (0x00, 0x72, 0xB2)
VERMILLION = (0xD5, 0x5E, 0x00)


def day_of_mentions():
    """24 hourly bins: about 30 mentions an hour, then a negative surge of 220 an hour from hour 20."""
    counts = [30 + (i % 5) for i in range(20)] + [220, 235, 228, 240]
    return [VolumePoint(START + i * HOUR, count, count * (0.4 if i >= 20 else 0.1)) for i, count in enumerate(counts)]


def usual_level():
    return [VolumePoint(START - timedelta(days=7) + i * HOUR, 31) for i in range(24)]


def png_size(data):
    """Width and height from the PNG's IHDR chunk."""
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def pixels(data):
    return np.round(imread(io.BytesIO(data), format="png")[..., :3] * 255).astype(int)


def share_near(image, colour, tolerance=4):
    return np.all(np.abs(image - np.array(colour)) <= tolerance, axis=-1).mean()


def drawn_texts(fig):
    fig.draw_without_rendering()
    return [text.get_text() for text in fig.findobj(Text) if text.get_visible()]


# --- volume_points ----------------------------------------------------------------------------------------------


def test_mentions_fall_in_the_bin_their_time_starts_and_soft_negatives_are_summed():
    mentions = [
        (START, 0.9),  # on the first bin's start: in it
        (START + timedelta(minutes=59, seconds=59), 0.25),
        (START + HOUR, 0.5),  # on the edge between bins: in the later one
        (START + 2 * HOUR + timedelta(minutes=30), 0.0),
    ]
    points = volume_points(mentions, START, START + 4 * HOUR, HOUR)
    assert points == [
        VolumePoint(START, 2, 1.15),
        VolumePoint(START + HOUR, 1, 0.5),
        VolumePoint(START + 2 * HOUR, 1, 0.0),
        VolumePoint(START + 3 * HOUR, 0, 0.0),  # empty bins are zero, not missing
    ]


def test_mentions_outside_the_window_are_ignored_and_its_end_is_exclusive():
    mentions = [(START - timedelta(seconds=1), 1.0), (START + 2 * HOUR, 1.0), (START + 5 * HOUR, 1.0)]
    assert volume_points(mentions, START, START + 2 * HOUR, HOUR) == [
        VolumePoint(START, 0, 0.0),
        VolumePoint(START + HOUR, 0, 0.0),
    ]


def test_bins_start_at_the_window_start_even_off_the_hour_and_the_last_is_cut_at_the_end():
    start = START + timedelta(minutes=7)
    five = timedelta(minutes=5)
    points = volume_points([(start + timedelta(minutes=11), 0.3)], start, start + timedelta(minutes=12), five)
    assert [p.start for p in points] == [start, start + five, start + 2 * five]
    assert [p.count for p in points] == [0, 0, 1]


def test_times_in_another_time_zone_are_binned_in_utc():
    paris = timezone(timedelta(hours=1))
    points = volume_points([(START.astimezone(paris), 0.2)], START.astimezone(paris), START + HOUR, HOUR)
    assert points == [VolumePoint(START, 1, 0.2)]
    assert points[0].start.utcoffset() == timedelta(0)


def test_an_empty_window_has_no_bins():
    assert volume_points([(START, 1.0)], START, START, HOUR) == []


@pytest.mark.parametrize(
    ("start", "end", "width", "message"),
    [
        (START, START + HOUR, timedelta(0), "positive width"),
        (START.replace(tzinfo=None), START + HOUR, HOUR, "start .* has no time zone"),
        (START + HOUR, START, HOUR, "end .* is before start"),
    ],
)
def test_bad_windows_raise_a_value_error_saying_what_to_pass(start, end, width, message):
    with pytest.raises(ValueError, match=message):
        volume_points([], start, end, width)


# --- The chart --------------------------------------------------------------------------------------------------


def test_the_chart_is_a_decodable_1000_by_560_png_with_bars_and_the_negative_part():
    data = incident_volume_chart(day_of_mentions(), brand="Acme", opened_at=OPENED, now=NOW, baseline=usual_level())
    assert data.startswith(PNG_SIGNATURE)
    assert png_size(data) == (1000, 560)
    image = pixels(data)
    assert image.shape[:2] == (560, 1000)
    assert share_near(image, BLUE) > 0.02
    assert share_near(image, VERMILLION) > 0.01
    assert data == incident_volume_chart(
        day_of_mentions(), brand="Acme", opened_at=OPENED, now=NOW, baseline=usual_level()
    )  # deterministic


def test_the_chart_has_its_title_alert_marker_baseline_and_utc_hour_ticks():
    fig = incident_volume_figure(day_of_mentions(), brand="Acme", opened_at=OPENED, now=NOW, baseline=usual_level())
    ax = fig.axes[0]
    texts = drawn_texts(fig)
    assert fig.get_suptitle() == "Mentions of Acme, last 24 hours"
    assert ax.get_ylabel() == "Mentions per hour"
    assert ax.get_xlabel() == "Time (UTC)"
    assert "alert" in texts
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Mentions", "Likely negative", "Usual level"]
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and list(dashed[0].get_ydata()) == [31] * 24
    marker = next(line for line in ax.get_lines() if line.get_linestyle() == "-")
    assert list(marker.get_xdata()) == [date2num(OPENED)] * 2
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "12:00\n3 Mar" and "00:00\n4 Mar" in ticks and "03:00" in ticks
    assert len(ticks) <= 10
    assert all(float(value).is_integer() for value in ax.get_yticks())
    assert [bar.get_height() for bar in ax.patches[:24]] == [p.count for p in day_of_mentions()]


def test_five_minute_bins_are_labelled_per_5_minutes():
    points = volume_points([], NOW - 6 * HOUR, NOW, timedelta(minutes=5))
    points[-3] = VolumePoint(points[-3].start, 3, 1.5)
    fig = incident_volume_figure(points, brand="Acme", opened_at=NOW - timedelta(minutes=10), now=NOW)
    assert fig.get_suptitle() == "Mentions of Acme, last 6 hours"
    assert fig.axes[0].get_ylabel() == "Mentions per 5 minutes"
    assert fig.axes[0].get_legend().get_texts()[-1].get_text() == "Likely negative"  # no baseline, no entry


@pytest.mark.parametrize("points", [[], [VolumePoint(START + i * HOUR, 0) for i in range(24)]])
def test_a_window_without_mentions_still_draws_with_a_note(points):
    data = incident_volume_chart(points, brand="Acme", opened_at=OPENED, now=NOW)
    assert png_size(data) == (1000, 560)
    texts = drawn_texts(incident_volume_figure(points, brand="Acme", opened_at=OPENED, now=NOW))
    assert any("no mentions" in text.lower() for text in texts)
    assert "alert" in texts


def test_rendering_leaves_no_figure_behind(monkeypatch):
    import matplotlib.pyplot as plt  # only to look at pyplot's registry; the chart itself never uses pyplot

    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(inspect.getsource(volume_chart)))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert imported and not any("pyplot" in name for name in imported)
    figures = []
    build = volume_chart.incident_volume_figure

    def tracked(*args, **kwargs):
        fig = build(*args, **kwargs)
        figures.append(weakref.ref(fig))
        return fig

    monkeypatch.setattr(volume_chart, "incident_volume_figure", tracked)
    before = plt.get_fignums()
    for _ in range(3):
        incident_volume_chart(day_of_mentions(), brand="Acme", opened_at=OPENED, now=NOW, baseline=usual_level())
    gc.collect()
    assert plt.get_fignums() == before == []
    assert len(figures) == 3 and all(ref() is None for ref in figures)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"opened_at": OPENED.replace(tzinfo=None)}, "opened_at .* has no time zone"),
        ({"baseline": usual_level()[:5]}, "baseline has 5 points for 24 bins"),
        ({"points": day_of_mentions()[::-1]}, "not in time order"),
    ],
)
def test_bad_chart_input_raises_a_value_error_saying_what_is_wrong(changes, message):
    arguments = {"points": day_of_mentions(), "brand": "Acme", "opened_at": OPENED, "now": NOW} | changes
    with pytest.raises(ValueError, match=message):
        incident_volume_chart(arguments.pop("points"), **arguments)
