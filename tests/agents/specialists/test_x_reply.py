"""X reply drafts: reading the post to answer, offline replies by kind, a model's reply, and the reply target check."""

from __future__ import annotations

import json

import pytest
from fakes import ScriptedChatModel
from graph_runs import pending, run
from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.routing.reply_asks import x_reply_ask
from agents.specialists.drafting import check_parts
from agents.specialists.x_reply import compose_x_reply, post_kind, reply_ask
from tools.content.text import find_hashtags, find_markers, strip_markers
from tools.platforms.targets import targets_in

URL = "https://x.com/jane_doe/status/1861234567890"


def rules(findings):
    return {f["rule"] for f in findings}


def test_the_post_to_answer_is_read_from_its_address_handle_and_quote():
    ask = reply_ask(f"draft a reply to {URL} she said 'my candle arrived cracked, really disappointed'")
    assert ask is not None
    assert (ask.url, ask.post_id, ask.author) == (URL, "1861234567890", "jane_doe")
    assert ask.original == "my candle arrived cracked, really disappointed"

    by_handle = reply_ask('answer @sam_k who asked "do you ship to Canada?"')
    assert by_handle is not None and (by_handle.url, by_handle.author) == (None, "sam_k")
    assert by_handle.original == "do you ship to Canada?"


@pytest.mark.parametrize(
    "request_text",
    [
        "write a tweet about our winter candle sale",
        "X thread on how we pour our candles",
        "tweet that we're answering questions live on Friday",
    ],
)
def test_a_post_of_our_own_is_not_a_reply(request_text):
    assert reply_ask(request_text) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("my candle arrived cracked, really disappointed", "complaint"),
        ("why is the Fog Bell ALWAYS sold out", "complaint"),
        ("do you ship to Canada?", "question"),
        ("obsessed with the Low Tide candle, best purchase this year", "praise"),
        ("lighting the Harbor candle tonight", "general"),
        (None, "general"),
    ],
)
def test_the_kind_of_post_decides_the_offline_reply(text, kind):
    assert post_kind(text) == kind


def test_an_offline_reply_to_a_complaint_apologises_moves_to_dms_and_names_its_target(make_context):
    request = f"draft a reply to {URL} she said 'my candle arrived cracked, really disappointed'"
    package = compose_x_reply(reply_ask(request), request, Runtime(context=make_context()))

    assert package.shape == "a reply" and package.text.startswith(f"[reply to: {URL}]")
    body = strip_markers(package.text)
    assert body.startswith("Sorry about this.") and "DM us" in body
    assert find_hashtags(body) == [] and len(body) <= 280
    assert targets_in("x", package.text)[0] == "1861234567890"
    passed, findings = check_parts([package.text], "x", make_context().brand, False)
    assert not passed and rules(findings) == {"draft-placeholder"}  # only the facts a person must add
    assert any("as a complaint" in note for note in package.notes)


def test_an_offline_reply_to_praise_is_ready_once_it_knows_the_post(make_context):
    request = f"write a response to {URL}: 'obsessed with the Low Tide candle, best purchase this year'"
    package = compose_x_reply(reply_ask(request), request, Runtime(context=make_context()))

    passed, findings = check_parts([package.text], "x", make_context().brand, False)
    assert passed, findings
    assert strip_markers(package.text).startswith("Thank you, this made our day!")


def test_a_reply_without_the_posts_address_cannot_be_approved_until_it_has_one(graph, make_context):
    snapshot = run(graph, make_context(), "reply to @sam on X: 'do you ship to Canada?'")

    [request] = pending(snapshot)
    draft = request["draft"]
    assert draft["platform"] == "x"
    [marker] = [m for m in find_markers(draft["text"]) if m.kind == "reply"]
    assert marker.value == "paste the X post's https://x.com/… address"
    target = next(f for f in request["findings"] if f["rule"] == "draft-reply-target")
    assert target["span"] == f"[reply to: {marker.value}]"
    assert "put the post's address" in snapshot.values["messages"][-1].content


def test_a_quoted_post_to_answer_goes_to_the_x_specialist_not_the_checker(graph, make_context):
    snapshot = run(graph, make_context(), f'answer this tweet for us {URL}: "are your candles vegan?"')

    assert snapshot.values["agent"] == "x"
    [request] = pending(snapshot)
    assert targets_in("x", request["draft"]["text"])[0] == "1861234567890"


def test_the_reply_rule_needs_an_x_post_and_a_reply():
    assert x_reply_ask(f"reply to {URL}")
    assert x_reply_ask("how should we respond to @maria's tweet")
    assert not x_reply_ask("check this caption: 'reply to win a candle'")  # no X post named
    assert not x_reply_ask('check this tweet before it goes out: "reply to win a candle"')  # the reply is quoted
    assert not x_reply_ask("tweet about our sale")


def test_a_models_reply_is_cut_to_one_post_without_hashtags_and_is_told_the_kind(graph, make_context):
    written = {
        "reply": "So sorry, Jane! A cracked jar is not okay. DM us your order number and we'll send a new one. #Sorry"
    }
    llm = ScriptedChatModel.with_script([json.dumps(written), "[]"])

    snapshot = run(
        graph,
        make_context(llm=llm),
        f"draft a reply to {URL} she said 'my candle arrived cracked, really disappointed'",
    )

    [request] = pending(snapshot)
    body = strip_markers(request["draft"]["text"])
    assert body.startswith("So sorry, Jane!") and "#Sorry" not in body
    prompt = llm.seen[0][0].content
    assert "X, format: reply" in prompt and "The post is a complaint; its author is @jane_doe" in prompt


def test_another_version_of_a_reply_is_still_a_reply(graph, make_context):
    context = make_context()
    [first] = pending(run(graph, context, f"write a response to {URL}: 'obsessed with the Low Tide candle'"))
    config = {"configurable": {"thread_id": "t1"}}
    graph.invoke(Command(resume={"action": "reject", "reason": "try again"}), config, context=context)

    snapshot = run(graph, context, "another version please")

    assert snapshot.values["agent"] == "x"
    [second] = pending(snapshot)
    assert second["draft"]["revision"] == 2 and second["draft"]["text"] != first["draft"]["text"]
    assert targets_in("x", second["draft"]["text"])[0] == "1861234567890"
