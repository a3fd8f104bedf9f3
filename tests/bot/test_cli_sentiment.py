"""`brandpilot sentiment --file F`: one result per input line, JSON or a table, and unreadable files explained."""

import json

import pytest
from typer.testing import CliRunner

import bot.cli_sentiment  # noqa: F401  registers the command until bot.cli imports it
from bot.cli import app as cli

pytestmark = pytest.mark.slow


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_json_output_has_one_line_per_input_line_including_blank_ones(tmp_path):
    mentions = tmp_path / "mentions.txt"
    mentions.write_text("Absolutely love the new flavour!\n\nWorst delivery ever, still waiting.\r\n", encoding="utf-8")
    result = run("sentiment", "--file", str(mentions), "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["line"] for row in rows] == [1, 2, 3]
    assert [row["label"] for row in rows] == ["positive", "neutral", "negative"]
    assert rows[1]["note"] == "empty text" and rows[0]["note"] is None
    assert sum(rows[0]["scores"].values()) == pytest.approx(1.0, abs=1e-3)
    assert set(rows[2]["emotions"]) >= {"anger", "joy", "sadness"}


def test_the_table_shows_each_mention_with_its_label(tmp_path):
    mentions = tmp_path / "mentions.txt"
    mentions.write_text("Absolutely love the new flavour! [bold]\n", encoding="utf-8")
    result = run("sentiment", "--file", str(mentions))
    assert result.exit_code == 0, result.output
    assert "positive" in result.output and "[bold]" in result.output


def test_a_missing_file_is_explained(tmp_path):
    result = run("sentiment", "--file", str(tmp_path / "nope.txt"))
    assert result.exit_code == 1 and "Can't read" in result.output


def test_a_file_that_is_not_utf8_is_explained(tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("café géniale\n".encode("latin-1"))
    result = run("sentiment", "--file", str(latin))
    assert result.exit_code == 1 and "not UTF-8" in result.output


def test_an_empty_file_is_explained(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = run("sentiment", "--file", str(empty), "--json")
    assert result.exit_code == 1 and "is empty" in result.output


def test_an_encoder_that_cannot_be_built_is_explained(tmp_path, monkeypatch):
    from tools.sentiment import encoder, scorer

    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("BRANDPILOT_MODEL_CACHE", str(blocked / "cache"))
    texts = tmp_path / "mentions.txt"
    texts.write_text("love it\n", encoding="utf-8")
    for cached in (encoder.load_session, scorer.load_scorer):
        cached.cache_clear()
    try:
        result = run("sentiment", "--file", str(texts))
    finally:
        for cached in (encoder.load_session, scorer.load_scorer):
            cached.cache_clear()
    assert result.exit_code == 1 and "BRANDPILOT_MODEL_CACHE to a writable folder" in result.output
