import json

import pytest
from shared import shared_path
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def invoke(*args, **kwargs):
    return runner.invoke(app, list(args), catch_exceptions=False, **kwargs)


def lines(output):
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_ask_json_then_approve_json_schedules_a_dry_run_post():
    asked = invoke("ask", "Draft a LinkedIn post about our new workshop tours", "--thread", "launch", "--json")
    assert asked.exit_code == 0, asked.output
    [data] = lines(asked.stdout)
    assert data["thread"] == "launch" and data["agent"] == "linkedin"
    pending = data["pending_approval"]
    assert set(pending) >= {"id", "platform", "text", "scheduled_for", "findings"}
    approved = invoke("approve", "launch", "--approve", "--json")
    assert approved.exit_code == 0, approved.output
    [result] = lines(approved.stdout)
    assert result["decision"] == "approved" and result["status"] == "scheduled"
    assert result["post"]["dry_run"] is True and result["post"]["text"] == pending["text"]
    queue = invoke("queue", "list", "--json")
    [posts] = lines(queue.stdout)
    assert [p["id"] for p in posts["posts"]] == [result["post"]["id"]]


def test_approve_with_nothing_pending_exits_non_zero_and_changes_nothing():
    invoke("ask", "write a tweet about our candle sale", "--thread", "t", "--json")
    invoke("approve", "t", "--reject", "not now")
    again = invoke("approve", "t", "--approve", "--json")
    assert again.exit_code == 1
    assert "Nothing is waiting for approval" in again.stderr
    [posts] = lines(invoke("queue", "list", "--json").stdout)
    assert posts["posts"] == []


def test_approve_needs_exactly_one_action():
    result = invoke("approve", "t", "--approve", "--reject", "no")
    assert result.exit_code == 2 and "exactly one" in result.stderr


def test_approve_unknown_thread_is_reported():
    result = invoke("approve", "never-made", "--approve")
    assert result.exit_code == 1 and "no thread named" in result.stderr


def test_bad_thread_name_is_reported():
    result = invoke("ask", "hello", "--thread", "bad name!")
    assert result.exit_code == 1 and "not a valid thread name" in result.stderr


def test_route_json_shape():
    result = invoke("route", "write a tweet about the spring sale", "--json")
    assert json.loads(result.stdout) == {"agent": "x", "confidence": pytest.approx(1.0, abs=0.5), "method": "semantic"}


def test_route_file_writes_one_line_per_input_line_and_reports_bad_lines(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "tweet about our sale", "id": 1}\n{not json\n\n{"txt": "x"}\n{"text": "hi there!"}\n')
    result = invoke("route", "--file", str(source), "--json")
    out = lines(result.stdout)
    assert len(out) == 4
    assert out[0]["agent"] == "x"
    assert "line 2: not valid JSON" in out[1]["error"]
    assert "line 4" in out[2]["error"]
    assert out[3]["agent"] is None
    assert result.exit_code == 1 and "2 line(s)" in result.stderr


def test_check_text_json_cites_rule_and_guideline():
    result = invoke("check", "--platform", "x", "--text", "Guaranteed to relieve stress, act now!", "--json")
    data = json.loads(result.stdout)
    assert data["passed"] is False
    rules = {f["rule"] for f in data["findings"]}
    assert "banned-guarantee-language" in rules
    assert all(f["guideline"] for f in data["findings"])


def test_check_batch_matches_the_compliance_dev_set():
    dev = shared_path("data", "compliance_dev.jsonl")
    brand = shared_path("brand", "kettle-ember")
    result = invoke("check", "--batch", str(dev), "--brand", str(brand), "--json")
    assert result.exit_code == 0, result.stderr
    expected = [json.loads(line)["expected_violations"] for line in dev.read_text().splitlines() if line.strip()]
    got = [sorted({f["rule"] for f in row["findings"]}) for row in lines(result.stdout)]
    assert got == [sorted(e) for e in expected]


def test_check_rejects_unknown_platform_and_missing_file(tmp_path):
    bad = invoke("check", "--platform", "myspace", "--text", "hi", "--json")
    assert bad.exit_code == 1 and "unknown platform" in bad.stderr
    missing = invoke("check", "--platform", "x", "--file", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 1 and "does not exist" in missing.stderr


def test_config_check_masks_secrets(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:hunter2@localhost/db")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value")
    result = invoke("config", "check", "--json")
    assert result.exit_code == 0
    assert "hunter2" not in result.stdout and "sk-secret-value" not in result.stdout
    assert json.loads(result.stdout)["brands"][0]["id"] == "harbor-pine"


def test_bad_config_names_file_field_and_what_is_allowed(tmp_path, monkeypatch):
    config = tmp_path / "brandpilot.yaml"
    config.write_text("agents:\n  timezone: Mars/Olympus\n")
    monkeypatch.setenv("BRANDPILOT_CONFIG", str(config))
    result = invoke("config", "check")
    assert result.exit_code == 1
    assert str(config) in result.stderr and "agents.timezone" in result.stderr and "IANA" in result.stderr


def test_secrets_in_the_config_file_are_refused(tmp_path, monkeypatch):
    config = tmp_path / "brandpilot.yaml"
    config.write_text("slack_bot_token: xoxb-123\n")
    monkeypatch.setenv("BRANDPILOT_CONFIG", str(config))
    result = invoke("config", "check")
    assert result.exit_code == 1 and "only from the environment" in result.stderr


def test_unknown_model_provider_is_explained(monkeypatch):
    monkeypatch.setenv("BRANDPILOT_MODEL", "acme:big-model")
    result = invoke("ask", "hello", "--json")
    assert result.exit_code == 1 and "not supported" in result.stderr and "openai" in result.stderr


def test_missing_provider_package_or_key_is_explained(monkeypatch):
    monkeypatch.setenv("BRANDPILOT_MODEL", "openai:gpt-4.1-mini")
    result = invoke("route", "hello", "--json")
    assert result.exit_code == 1
    assert "langchain-openai" in result.stderr or "OPENAI_API_KEY" in result.stderr


def test_empty_edit_text_is_explained():
    invoke("ask", "write a tweet about our candle sale", "--thread", "e", "--json")
    result = invoke("approve", "e", "--edit", "  ")
    assert result.exit_code == 1 and "needs the new text" in result.stderr
