"""With a model, an answer streams into the Slack thread as it is written, then settles into the rendered reply."""

from __future__ import annotations

import json

import pytest
from fake_slack import BOT_USER, TEAM
from fakes import ScriptedChatModel
from slack_requests import event, post, settle

from bot.slack.server import WORKING
from bot.slack.streaming import defuse

ANSWER = (
    "The Fog Bell candle burns for about 40 hours [1]. Trim the wick to a quarter inch before every burn, "
    "let the first burn reach the edge of the jar so it never tunnels, and keep it away from drafts. "
    "Tell @here in the shop that the three-wick version needs the same care, only more so, and that the "
    "burn time printed on the label assumes you follow these steps every single time you light it."
)


@pytest.fixture
def with_model(monkeypatch, sample_knowledge):
    monkeypatch.setenv("BRANDPILOT_MODEL", "openai:scripted")
    monkeypatch.setattr("bot.app.make_chat_model", lambda *a, **k: ScriptedChatModel.with_script([ANSWER]))


async def test_an_answer_streams_then_becomes_the_rendered_reply(with_model, slack):
    fake, application, _ = slack
    await post(application, event(f"<@{BOT_USER}> how long does the fog bell candle burn?", event_id="EvStream"))
    [started] = await settle(fake, "chat.startStream")
    assert started.args["thread_ts"] == "1700000000.000100" and started.args["recipient_user_id"] == "U123"
    assert started.args["recipient_team_id"] == TEAM
    [stopped] = await settle(fake, "chat.stopStream")
    appended = fake.of("chat.appendStream")
    assert appended, "long text arrives in several pieces"
    streamed = started.args["markdown_text"] + "".join(c.args["markdown_text"] for c in appended)
    assert streamed == defuse(ANSWER) and "@here" not in streamed, "streamed text pings nobody"
    updates = await settle(fake, "chat.update")
    final = [u for u in updates if u.args["ts"] == stopped.args["ts"]]
    assert final and "Sources:" in json.dumps(final[0].args["blocks"])
    [deleted] = await settle(fake, "chat.delete")
    [working] = [c for c in fake.of("chat.postMessage") if c.args.get("text") == WORKING]
    assert deleted.args["ts"] not in fake.messages and len(fake.of("chat.postMessage")) == 1
    assert working.args["thread_ts"] == "1700000000.000100"


async def test_when_slack_will_not_stream_the_reply_arrives_the_usual_way(with_model, slack):
    fake, application, _ = slack
    fake.refuse_next("chat.startStream", "not_allowed_token_type")
    await post(application, event(f"<@{BOT_USER}> how long does the fog bell candle burn?", event_id="EvNoStream"))
    [update] = await settle(fake, "chat.update")
    assert "40 hours" in json.dumps(update.args["blocks"]) and not fake.of("chat.appendStream")
    assert not fake.of("chat.delete")


def test_defuse_breaks_every_kind_of_mention():
    for text in ("<!here>", "<!channel|x>", "<@U123>", "<#C1>", "@channel now", "@everyone"):
        assert defuse(text) != text
    assert defuse("plain text, a@b.com and 5 < 6") == "plain text, a@b.com and 5 < 6"


async def test_whatever_breaks_the_stream_the_turn_goes_on():
    from bot.slack.streaming import TextStream

    class Broken:
        async def chat_startStream(self, **kwargs):
            raise RuntimeError("not what anyone expected")

    stream = TextStream(Broken(), channel="C1", thread_ts="1.1", team="T1", user="U1")
    stream.feed("some words " * 30)
    assert await stream.finish() is None and stream.failed
