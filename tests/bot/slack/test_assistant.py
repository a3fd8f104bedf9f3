"""The assistant pane through the real Bolt app: signed assistant events in, what the fake Slack Web API got out."""

from __future__ import annotations

import asyncio
import json

from fake_slack import TEAM
from slack_requests import callback, event, post, settle

from agents.specialists.registry import build_registry
from bot.slack.assistant import PROMPTS_TITLE, STATUS, SUGGESTED_PROMPTS, greeting, thread_title
from bot.slack.server import WORKING
from bot.turns import DraftCard, TextReply, Turn

PANE, THREAD = "D42", "1700000100.000100"  # the DM channel of the pane and the thread Slack opened in it


def thread_started(event_id: str = "EvStart") -> dict:
    """An `assistant_thread_started` callback: a person opened a new thread in the pane from channel C42."""
    thread = {"user_id": "U123", "context": {"channel_id": "C42", "team_id": TEAM}, "channel_id": PANE}
    inner = {"type": "assistant_thread_started", "assistant_thread": {**thread, "thread_ts": THREAD}}
    return callback({**inner, "event_ts": "1700000100.000200"}, event_id)


def in_pane(text: str, *, event_id: str, ts: str = "1700000101.000100", **extra: object) -> dict:
    """A message someone (or some bot) wrote in the pane's thread."""
    return event(
        text, event_id=event_id, ts=ts, type="message", channel=PANE, channel_type="im", thread_ts=THREAD, **extra
    )


def index_of(fake, method: str, **args: object) -> int:
    """Where the first call of `method` with these arguments is in the order the fake received calls."""
    return next(i for i, c in enumerate(fake.calls) if c.method == method and args.items() <= c.args.items())


async def test_opening_a_pane_thread_greets_once_and_suggests_prompts(slack):
    fake, application, _ = slack
    for _ in range(2):  # Slack retried the event
        assert (await post(application, thread_started())).status_code == 200
    [prompts] = await settle(fake, "assistant.threads.setSuggestedPrompts")
    assert prompts.args["channel_id"] == PANE and prompts.args["thread_ts"] == THREAD
    assert prompts.args["prompts"] == [dict(p) for p in SUGGESTED_PROMPTS] and prompts.args["title"] == PROMPTS_TITLE
    [hello] = await settle(fake, "chat.postMessage")
    assert hello.args["channel"] == PANE and hello.args["thread_ts"] == THREAD
    assert "X specialist" in json.dumps(hello.args["blocks"])
    await asyncio.sleep(0.3)
    assert len(fake.of("chat.postMessage")) == 1 and len(fake.of("assistant.threads.setSuggestedPrompts")) == 1


def test_the_greeting_promises_only_what_is_built():
    registry = build_registry()
    text = greeting(registry)
    for specialist in registry.values():
        assert (specialist.title in text) == specialist.available, specialist.name


async def test_a_pane_message_is_titled_shows_status_then_gets_its_draft_card_in_the_thread(slack):
    fake, application, _ = slack
    await post(application, in_pane("write a tweet about our winter candle sale", event_id="EvPane"))
    posted = await settle(fake, "chat.postMessage", 2)
    [title] = fake.of("assistant.threads.setTitle")
    pane = {"channel_id": PANE, "thread_ts": THREAD}
    assert {**pane, "title": "write a tweet about our winter candle sale"}.items() <= title.args.items()
    [status] = fake.of("assistant.threads.setStatus")
    assert {**pane, "status": STATUS}.items() <= status.args.items()
    assert index_of(fake, "assistant.threads.setStatus") < index_of(fake, "chat.postMessage", thread_ts=THREAD)
    assert all(p.args["channel"] == PANE and p.args["thread_ts"] == THREAD for p in posted)
    card = posted[-1].args
    actions = [b for b in card["blocks"] if b["type"] == "actions"]
    assert actions and actions[0]["elements"][0]["action_id"] == "brandpilot.approve"
    assert not fake.of("chat.update") and WORKING not in [p.args.get("text") for p in posted], "status, not a message"


async def test_only_the_first_message_titles_the_thread(slack):
    fake, application, _ = slack
    await post(application, in_pane("write a tweet about our winter candle sale", event_id="EvFirst"))
    await settle(fake, "chat.postMessage", 2)
    await post(application, in_pane("and one for LinkedIn?", event_id="EvSecond", ts="1700000102.000100"))
    await settle(fake, "assistant.threads.setStatus", 2)
    posted = await settle(fake, "chat.postMessage", 3)
    assert "still waiting for a decision" in json.dumps(posted[2].args["blocks"])
    assert len(fake.of("assistant.threads.setTitle")) == 1


async def test_a_retried_pane_message_runs_once_and_only_in_the_pane(slack):
    fake, application, _ = slack
    body = in_pane("draft a linkedin post about our workshop tours", event_id="EvPaneRetry")
    for _ in range(3):
        assert (await post(application, body)).status_code == 200
    await settle(fake, "chat.postMessage", 2)
    await asyncio.sleep(0.5)
    assert len(fake.of("assistant.threads.setStatus")) == 1 and len(fake.of("assistant.threads.setTitle")) == 1
    assert len(fake.of("chat.postMessage")) == 2, "one text reply and one card"
    assert not fake.of("chat.update"), "the DM listener never saw it (it would have posted 'Working on it…')"


async def test_bot_messages_in_the_pane_are_ignored(slack):
    fake, application, _ = slack
    assert (await post(application, in_pane("beep", event_id="EvPaneBot", bot_id="B999"))).status_code == 200
    await asyncio.sleep(0.5)
    assert not [c for c in fake.calls if c.method.startswith(("chat.", "assistant."))]


async def test_a_pane_turn_that_fails_is_answered_in_plain_words(slack, monkeypatch):
    fake, application, app = slack

    def broken(turn: Turn, **_: object) -> None:
        raise RuntimeError("the graph fell over")

    monkeypatch.setattr(app.service, "handle_turn", broken)
    await post(application, in_pane("write a tweet about our winter candle sale", event_id="EvPaneFail"))
    [reply] = await settle(fake, "chat.postMessage")
    assert reply.args["thread_ts"] == THREAD
    assert "Something went wrong on my side (RuntimeError)" in json.dumps(reply.args["blocks"])
    assert index_of(fake, "assistant.threads.setStatus") < index_of(fake, "chat.postMessage")


async def test_without_the_assistant_scope_the_pane_shows_a_progress_message_instead(slack):
    fake, application, _ = slack
    fake.refuse_next("assistant.threads.setTitle", "missing_scope")
    fake.refuse_next("assistant.threads.setStatus", "missing_scope")
    await post(application, in_pane("write a tweet about our winter candle sale", event_id="EvNoScope"))
    [update] = await settle(fake, "chat.update")
    working = fake.of("chat.postMessage")[0].args
    assert working["text"] == WORKING and working["thread_ts"] == THREAD and update.args["channel"] == PANE
    cards = await settle(fake, "chat.postMessage", 2)
    assert any(b["type"] == "actions" for b in cards[-1].args["blocks"])


async def test_a_context_change_is_acknowledged_and_runs_nothing(slack):
    fake, application, _ = slack
    body = thread_started("EvContext")
    body["event"]["type"] = "assistant_thread_context_changed"
    body["event"]["assistant_thread"]["context"] = {"channel_id": "C99", "team_id": TEAM}
    assert (await post(application, body)).status_code == 200
    await asyncio.sleep(0.3)
    assert [c.method for c in fake.calls if c.method != "auth.test"] == []


def test_every_suggested_prompt_is_answered_by_a_built_capability(sample_knowledge, slack):
    _, _, app = slack
    for number, prompt in enumerate(SUGGESTED_PROMPTS):
        turn = Turn(f"slack:{TEAM}:{PANE}:17000002{number:02d}.000100", "U123", prompt["message"], surface="slack")
        replies = app.service.handle_turn(turn).replies
        texts = " ".join(r.markdown for r in replies if isinstance(r, TextReply))
        assert replies and "isn't available yet" not in texts and "not sure which" not in texts, prompt["title"]
        assert prompt["title"].startswith("Draft") == any(isinstance(r, DraftCard) for r in replies), prompt["title"]


def test_thread_titles_are_one_line_and_cut_at_a_word():
    assert thread_title("  write a tweet\nabout   tea ") == "write a tweet about tea"
    long = "write a LinkedIn post about the people who pour every candle in our workshop in Portland by hand"
    cut = thread_title(long)
    assert len(cut) <= 60 and cut.endswith("…") and long.startswith(cut.removesuffix("…"))
    assert long[len(cut) - 1] == " ", "cut between words"
    assert thread_title("") == ""
