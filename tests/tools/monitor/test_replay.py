"""Replaying a `timestamp,value` file: strict reading with line numbers, one alert line per incident."""

import json
import math
from datetime import datetime, timedelta

import numpy as np
import pytest

from tools.monitor.replay import SeriesFileError, main, parse_series, read_series, replay_series

GOOD = "timestamp,value\n2024-01-01 00:00:00,5\n2024-01-01 00:05:00,7.5\n"


def test_reads_a_well_formed_file(tmp_path):
    path = tmp_path / "series.csv"
    path.write_text(GOOD)
    assert read_series(path) == [(datetime(2024, 1, 1), 5.0), (datetime(2024, 1, 1, 0, 5), 7.5)]


def test_bad_timestamp_and_non_numeric_value_are_reported_with_line_numbers():
    text = "timestamp,value\n2024-01-01 00:00:00,5\nyesterday,6\n2024-01-01 00:10:00,lots\n"
    with pytest.raises(SeriesFileError) as caught:
        parse_series(text, "s.csv")
    assert caught.value.problems == [
        "line 3: timestamp 'yesterday' is not ISO 8601 (e.g. 2015-03-01 12:05:00)",
        "line 4: value 'lots' is not a number",
    ]
    assert isinstance(caught.value, ValueError)
    assert "nothing was read" in str(caught.value)


def test_missing_column_is_reported():
    with pytest.raises(SeriesFileError, match="missing column.*value"):
        parse_series("timestamp,count\n2024-01-01 00:00:00,5\n")


def test_empty_file_and_header_only_are_reported(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(SeriesFileError, match="empty"):
        read_series(path)
    with pytest.raises(SeriesFileError, match="no rows"):
        parse_series("timestamp,value\n")


def test_timestamps_out_of_order_and_wrong_field_counts_are_reported():
    text = "timestamp,value\n2024-01-01 00:05:00,5\n2024-01-01 00:00:00,6\n2024-01-01 00:10:00,1,2\n"
    with pytest.raises(SeriesFileError) as caught:
        parse_series(text)
    assert [p.split(":")[0] for p in caught.value.problems] == ["line 3", "line 4"]


def test_missing_file_is_a_series_file_error(tmp_path):
    with pytest.raises(SeriesFileError, match="cannot read"):
        read_series(tmp_path / "nope.csv")


def spiky_rows():
    rng = np.random.default_rng(3)
    start = datetime(2024, 3, 4)
    rows = []
    for i in range(288 * 21):
        ts = start + timedelta(minutes=5 * i)
        mean = 50 * (1 + 0.7 * math.sin(2 * math.pi * (ts.hour - 9) / 24))
        rows.append((ts, float(rng.poisson(mean))))
    at = 288 * 18 + 150
    for i in range(at, at + 12):  # one hour of a crisis, many alerting points
        rows[i] = (rows[i][0], rows[i][1] * 6)
    return rows, rows[at][0]


def test_replay_gives_one_alert_per_incident():
    rows, spike = spiky_rows()
    alerts = replay_series(rows)
    assert len(alerts) == 1
    assert set(alerts[0]) == {"timestamp", "severity", "score"}
    assert datetime.fromisoformat(alerts[0]["timestamp"]) - spike <= timedelta(minutes=10)
    assert alerts[0]["severity"].startswith("SEV")


def test_command_prints_json_lines(tmp_path, capsys):
    rows, _ = spiky_rows()
    path = tmp_path / "volume.csv"
    path.write_text("timestamp,value\n" + "".join(f"{ts.isoformat(' ')},{v:g}\n" for ts, v in rows))
    assert main(["--series", str(path), "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert set(json.loads(lines[0])) == {"timestamp", "severity", "score"}


def test_command_reports_a_bad_file_and_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("timestamp,value\nnot-a-time,3\n")
    assert main(["--series", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "line 2" in captured.err
