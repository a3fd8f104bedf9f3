"""Slack events become turns with deterministic thread keys; bots, edits and joins never start a run."""

from __future__ import annotations

import pytest

from bot.slack.events import plain_text, thread_key, turn_from_event
from config.errors import ConfigError
from config.settings import load_settings

BOT = "U0BOT"


def mention(**extra):
    event = {
        "type": "app_mention",
        "user": "U123",
        "channel": "C42",
        "ts": "1700000000.000100",
        "text": f"<@{BOT}> write a tweet about our winter sale &amp; gifts",
        "team": "T1",
    }
    return {**event, **extra}


def test_a_mention_outside_a_thread_starts_one_at_its_own_message():
    turn = turn_from_event(mention(), team_id="T1", bot_user_id=BOT)
    assert turn is not None
    assert turn.thread_key == "slack:T1:C42:1700000000.000100" == thread_key("T1", "C42", "1700000000.000100")
    assert turn.text == "write a tweet about our winter sale & gifts"
    assert (turn.surface, turn.user, turn.workspace) == ("slack", "U123", "T1")


def test_a_reply_in_a_thread_continues_that_thread():
    turn = turn_from_event(
        mention(thread_ts="1699999999.000001", text="make it shorter"), team_id="T1", bot_user_id=BOT
    )
    assert turn is not None and turn.thread_key.endswith(":1699999999.000001") and turn.text == "make it shorter"


@pytest.mark.parametrize(
    "extra",
    [
        {"bot_id": "B1"},
        {"user": BOT},
        {"subtype": "bot_message"},
        {"subtype": "message_changed"},
        {"subtype": "channel_join"},
        {"bot_profile": {"name": "another bot"}},
        {"user": None},
        {"ts": None},
    ],
)
def test_bots_edits_joins_and_malformed_events_never_start_a_turn(extra):
    assert turn_from_event(mention(**extra), team_id="T1", bot_user_id=BOT) is None


def test_slack_markup_reads_as_the_person_wrote_it():
    text = "<@U0BOT> ask <@U777|ana> in <#C9|marketing> about <https://example.com/a?b=1|our site> <!here>"
    assert (
        plain_text(text, bot_user_id=BOT) == "ask @U777 in #marketing about our site (https://example.com/a?b=1) @here"
    )
    assert plain_text("<https://example.com>") == "https://example.com"


def test_the_team_of_the_event_wins_over_the_installation():
    turn = turn_from_event(mention(team="T-OTHER"), team_id="T1", bot_user_id=BOT)
    assert turn is not None and turn.workspace == "T-OTHER" and turn.thread_key.startswith("slack:T-OTHER:")


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "xoxb-"),
        ("SLACK_APP_TOKEN", "xoxb-not-an-app-token", "xapp-"),
        ("SLACK_API_URL", "slack.example/api", "Web API base URL"),
    ],
)
def test_malformed_slack_settings_name_the_variable_and_the_fix(monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    message = str(error.value)
    assert f"environment variable {variable}" in message and expected in message and value not in message


def test_each_slack_mode_names_what_it_still_needs(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-3")
    settings = load_settings()
    assert settings.slack_missing("http") == ["SLACK_SIGNING_SECRET"]
    assert settings.slack_missing("socket") == ["SLACK_APP_TOKEN"]
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:8089/api")
    assert load_settings().slack_api_url == "http://127.0.0.1:8089/api/"
