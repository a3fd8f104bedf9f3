"""Replies rendered for Slack: mrkdwn, neutralised mentions, limits, and draft cards with their buttons."""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.blocks import Block

from bot.slack.blocks import (
    ACTION_PREFIX,
    MAX_BLOCKS,
    action_value,
    draft_card,
    mentioning_decider,
    parse_action_value,
    reply_messages,
    text_messages,
)
from bot.slack.mrkdwn import SECTION_LIMIT, ZERO_WIDTH, split, to_mrkdwn
from bot.turns import DraftCard, TextReply


def request(text: str = "Light one tonight. #HarborAndPine", *, passed: bool = True, parts: list[str] | None = None):
    allowed = ["approve", "edit", "reject", "reschedule"] if passed else ["edit", "reject"]
    findings = (
        []
        if passed
        else [
            {
                "rule": "banned-guarantee-language",
                "severity": "error",
                "message": 'Uses "guaranteed"; remove or reword it.',
                "guideline": "guidelines.md § Words we use and avoid",
                "span": "guaranteed",
                "fix": 'remove or reword "guaranteed"',
                "kind": "rule",
            },
            {
                "rule": "voice-judgement",
                "severity": "warning",
                "message": "Sounds pushy.",
                "guideline": "guidelines.md § Voice and tone",
                "span": None,
                "fix": "soften it",
                "kind": "judgement",
            },
        ]
    )
    return {
        "kind": "approval",
        "approval_id": "d1.r1",
        "draft": {
            "id": "d1",
            "revision": 1,
            "brand_id": "harbor-pine",
            "platform": "x",
            "text": text,
            "parts": parts or [text],
            "sponsored": False,
            "scheduled_for": "2026-12-01T09:00:00+00:00",
            "source": "template",
            "request": "a tweet",
        },
        "passed": passed,
        "findings": findings,
        "allowed_actions": allowed,
    }


def all_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_markdown_becomes_mrkdwn():
    markdown = "# Plan\n**Bold** and *italic* and ~~gone~~, see [the site](https://a.example/?x=1&y=2)\n- one"
    converted = to_mrkdwn(markdown)
    assert converted.splitlines() == [
        "*Plan*",
        "*Bold* and _italic_ and ~gone~, see <https://a.example/?x=1&amp;y=2|the site>",
        "• one",
    ]


@pytest.mark.parametrize(
    "content", ["<!channel> sale!", "<!here|here>", "<@U024BE7LH> look", "@here sale", "@Everyone"]
)
def test_mentions_from_content_never_ping(content):
    [message] = text_messages(f"Customer said: {content}")
    payload = all_text(message.payload()["blocks"]) + message.text
    assert "<!" not in payload and "<@" not in payload
    lowered = payload.lower()
    for word in ("@here", "@channel", "@everyone"):
        assert word not in lowered.replace(ZERO_WIDTH, "§"), "a word joiner breaks every broadcast"


def test_code_is_kept_literal_and_escaped():
    converted = to_mrkdwn("Run `brandpilot <thread>` then:\n```\n<@U1> **not bold**\n```")
    assert "`brandpilot &lt;thread&gt;`" in converted
    assert "```\n&lt;@U1&gt; **not bold**\n```" in converted


def test_long_replies_are_split_within_limits_and_nothing_is_lost():
    paragraphs = [f"Paragraph {n}: " + "word " * 300 for n in range(40)]
    messages = text_messages("\n\n".join(paragraphs))
    for message in messages:
        assert len(message.blocks) <= MAX_BLOCKS
        for block in message.payload()["blocks"]:
            assert len(block["text"]["text"]) <= SECTION_LIMIT
        for block in message.blocks:
            block.validate_json()
    joined = " ".join(b["text"]["text"] for m in messages for b in m.payload()["blocks"])
    assert joined.split() == " ".join(paragraphs).split()


def test_an_unbroken_giant_word_and_a_giant_code_block_are_cut_safely():
    assert all(len(piece) <= 100 for piece in split("x" * 450, 100))
    pieces = split("```\n" + "\n".join(f"line {n}" for n in range(200)) + "\n```", 300)
    assert all(len(p) <= 300 and p.startswith("```") and p.endswith("```") for p in pieces)


def test_a_draft_card_shows_the_text_time_findings_and_the_allowed_buttons():
    card = draft_card(request(passed=False), "slack:T1:C1:1.2").payload()
    blocks = card["blocks"]
    assert blocks[0]["type"] == "header" and "blocked" in blocks[0]["text"]["text"]
    text = all_text(blocks)
    assert "2026-12-01T09:00:00+00:00" in text and "banned-guarantee-language" in text
    assert "Fix: remove or reword" in text and "Judgement" in text and "guidelines.md § Words we use and avoid" in text
    [actions] = [b for b in blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == [ACTION_PREFIX + "edit", ACTION_PREFIX + "reject"]
    assert parse_action_value(actions["elements"][0]["value"]) == ("slack:T1:C1:1.2", "d1.r1")
    assert card["unfurl_links"] is False and card["unfurl_media"] is False
    for block in draft_card(request(), "slack:T1:C1:1.2").blocks:
        Block.parse(block.to_dict()).validate_json()


def test_a_passing_draft_offers_all_four_actions_and_a_decided_card_none():
    open_card = draft_card(request(), "t").payload()["blocks"]
    [actions] = [b for b in open_card if b["type"] == "actions"]
    assert [e["action_id"].removeprefix(ACTION_PREFIX) for e in actions["elements"]] == [
        "approve",
        "edit",
        "reschedule",
        "reject",
    ]
    closed = draft_card(request(), "t", decided="Approved by <@U1> at 10:02").payload()["blocks"]
    assert not [b for b in closed if b["type"] == "actions"]
    assert "Approved by &lt;@U1&gt;" in all_text(closed)


def test_draft_text_with_mentions_and_fences_cannot_escape_its_code_block():
    card = draft_card(request("Hey <!channel> ``` *boom*"), "t")
    section = card.payload()["blocks"][1]["text"]["text"]
    assert section.startswith("```") and section.endswith("```") and section.count("```") == 2
    assert "<!channel>" not in section and "<!channel>" not in card.text


def test_a_long_thread_card_stays_within_the_block_limit_and_keeps_its_buttons():
    parts = [f"Post {n}: " + "word " * 50 for n in range(80)]
    blocks = draft_card(request(parts[0], parts=parts), "t").payload()["blocks"]
    assert len(blocks) <= MAX_BLOCKS and blocks[-1]["type"] == "actions"


def test_reply_messages_keep_the_order_of_a_turn():
    messages = reply_messages([TextReply("Here is a post."), DraftCard(request())], "slack:T1:C1:1.2")
    assert messages[0].blocks[0].text.text == "Here is a post."
    assert messages[1].blocks[0].type == "header"


@pytest.mark.parametrize("value", ["", "{}", "[1]", '{"thread": "", "approval": "x"}', "not json", '{"thread": 1}'])
def test_button_values_we_did_not_make_are_refused(value):
    with pytest.raises(ValueError):
        parse_action_value(value)


def test_button_value_round_trips():
    assert parse_action_value(action_value("slack:T:C:1.1", "abc.r2")) == ("slack:T:C:1.1", "abc.r2")


def test_the_decider_is_mentioned_only_where_a_reply_says_who_decided():
    [message] = reply_messages([TextReply("Approved by U12. Ask U12 or U123 <if> unsure; by U123 too.")], "t")
    named = mentioning_decider(message, "U12").payload()
    assert named["text"].startswith("Approved by <@U12>. Ask U12 or U123 &lt;if&gt; unsure; by U123 too.")
    assert "Approved by <@U12>." in json.dumps(named["blocks"]) and "<@U123>" not in json.dumps(named["blocks"])
    assert "<@" not in json.dumps(message.payload()), "the rendered message itself is left as it was"
    assert mentioning_decider(message, "not-a-slack-id").payload() == message.payload()
    card = DraftCard(request(text="Signed by U12."))
    shown = reply_messages([TextReply("Edited by U12."), card], "t", decider="U12")
    assert "Edited by <@U12>." in shown[0].payload()["text"]
    assert "<@U12>" not in json.dumps(shown[1].payload()), "a draft's own words are never rewritten"
