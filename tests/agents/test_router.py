import json
from pathlib import Path

import pytest
from fakes import ScriptedChatModel, tool_call
from shared import shared_path

from agents.router import Router, current_fingerprint, load_router_model
from agents.routing.exemplars import OUT_OF_SCOPE, load_exemplars
from agents.routing.train import evaluate
from agents.specialists.registry import SPECIALIST_NAMES

EVAL = Path(__file__).resolve().parents[1] / "eval"


def test_every_specialist_has_exemplars_and_nothing_else_does():
    data = load_exemplars()
    assert set(data) == set(SPECIALIST_NAMES) | {OUT_OF_SCOPE}
    assert all(len(d.exemplars) >= 100 for d in data.values())


def test_shipped_router_model_was_trained_on_the_current_exemplars():
    model = load_router_model()
    assert model.fingerprint == current_fingerprint(), "run `python -m agents.routing.train` and commit the model"
    assert set(model.labels) == set(SPECIALIST_NAMES) | {OUT_OF_SCOPE}


def test_dev_set_routes_to_acceptable_specialists(router):
    path = shared_path("data", "routing_dev.jsonl")
    scores = evaluate(router, path)
    assert scores["in_scope_accuracy"] >= 0.93, scores["misses"]
    assert scores["out_of_scope_declined"] >= 0.9, scores["misses"]


@pytest.mark.parametrize("name", ["routing_holdout.jsonl", "routing_holdout_2.jsonl"])
def test_independent_holdout_sets_route_without_an_llm(router, name):
    scores = evaluate(router, EVAL / name)
    assert scores["n"] >= 200
    assert scores["in_scope_accuracy"] >= 0.88, scores["misses"]
    assert scores["out_of_scope_declined"] >= 0.9, scores["misses"]


@pytest.mark.parametrize(
    ("text", "agent"),
    [
        ("pls write a tweet about our saturday pop-up", "x"),
        ("LinkedIn post celebrating 10 years of the company", "linkedin"),
        ("adapt this for ig, fb and x: 'we are open late on fridays now'", "social_coordinator"),
        ("check this caption for banned words: 'cheap candles, act now!'", "content_quality"),
    ],
)
def test_clear_requests_route_semantically(router, text, agent):
    decision = router.route(text)
    assert (decision.agent, decision.method) == (agent, "semantic")


@pytest.mark.parametrize(
    ("text", "agent"),
    [  # none of these is an exemplar or in an evaluation set
        # asks to post on a platform whose content words belong to other specialists (market, drops, moving)
        ("post on instagram that the pop-up is moving to the harbor market", "instagram"),
        ("post on linkedin that the pop-up is moving to the harbor market", "linkedin"),
        ("can you post on tiktok that the new scent drops friday", "tiktok"),
        ("let people know on facebook that the cafe opens at 8", "facebook"),
        ("how did our post on instagram do last week", "performance_analyst"),  # a question about a post stays
        # a misspelt platform name
        ("instgram story ideas for black friday", "instagram"),
        ("what hashtags should go on our linkdn post", "linkedin"),
        ("yotube shorts idea for the candle pour timelapse", "youtube"),
        ("facbook post that the shop is closed monday", "facebook"),
        ("write a twiter thread on how we source wax", "x"),
        # a post request in the words of a specialist that writes no posts
        ("shoot out a tweet saying the crisis hotline is open", "x"),
        ("tiktok announcement that the sentiment around our new scent has been amazing", "tiktok"),
        ("post a tweet that our engagement rate doubled this quarter", "x"),
        ("youtube community post about the mentions we got from creators", "youtube"),
        ("a quick fb update saying the negative comments about delivery have been answered", "facebook"),
        ("put out a linkedin and instagram post saying our sentiment scores are up", "social_coordinator"),
        ("post on linkedin and instagram that our sentiment scores are up", "social_coordinator"),
        # ... while that specialist keeps its questions about posts
        ("what's the sentiment on our tiktok posts this week", "sentiment_analyst"),
        ("how did our last linkedin post perform", "performance_analyst"),
        ("monitor mentions of our brand on instagram", "social_monitor"),
    ],
)
def test_a_message_reaches_the_specialist_it_asks_for(router, text, agent):
    assert router.route(text).agent == agent


def test_out_of_scope_message_is_declined(router):
    decision = router.route("what's the weather in Lisbon tomorrow?")
    assert decision.agent is None
    assert decision.reason == "out_of_scope"


def test_follow_up_stays_with_the_thread_specialist(router):
    decision = router.route("make it a bit shorter and friendlier", current_agent="linkedin")
    assert decision.agent == "linkedin"


def test_clear_new_request_leaves_the_thread_specialist(router):
    decision = router.route("write a tweet about our new wax melts", current_agent="linkedin")
    assert decision.agent == "x"


def test_unsure_router_asks_the_llm_with_structured_output(router):
    llm = ScriptedChatModel.with_script([tool_call("RouteChoice", specialist="youtube", confidence=0.8)])
    strict = Router(router.model, router.specialists, confidence_threshold=0.999, switch_threshold=0.999, llm=llm)
    decision = strict.route("something about our channel")
    assert (decision.agent, decision.method) == ("youtube", "llm")
    prompt = llm.seen[0][0].content
    assert "<message>\nsomething about our channel\n</message>" in prompt
    assert "crisis_responder" in prompt


def test_unsure_router_without_llm_asks_a_question(router):
    strict = Router(router.model, router.specialists, confidence_threshold=0.999, switch_threshold=0.999)
    decision = strict.route("something about our channel")
    assert (decision.agent, decision.method, decision.reason) == (None, "fallback", "unclear")


def test_llm_naming_an_unknown_specialist_falls_back(router):
    llm = ScriptedChatModel.with_script([tool_call("RouteChoice", specialist="astrologer", confidence=0.9)])
    strict = Router(router.model, router.specialists, confidence_threshold=0.999, switch_threshold=0.999, llm=llm)
    assert strict.route("something vague").method == "fallback"


def test_thresholds_are_validated(router):
    with pytest.raises(ValueError, match="confidence_threshold"):
        Router(router.model, router.specialists, confidence_threshold=0.9, switch_threshold=0.5)


def test_route_output_shape(router):
    data = router.route("draft a linkedin post about our hiring").to_dict()
    assert set(data) == {"agent", "confidence", "method"}
    json.dumps(data)


@pytest.mark.parametrize(
    ("text", "agent", "method"),
    [
        ("how often should we post on x", "content_strategist", "rule"),
        ("show the calendar for december", "content_strategist", "rule"),
        ("predict engagement for this tweet: 'our new roast is here'", "content_strategist", "rule"),
        ("write a tweet about the best time of year for a candle", "x", "semantic"),
        ("can you draft the instagram post for our calendar slot on tuesday", "instagram", "semantic"),
        # a post to put up, whatever it says about forecasts or timing, is the platform's
        ("put up a linkedin post that our q3 numbers beat forecast", "linkedin", "semantic"),
        ("can u do a quick tiktok video on how our forecast for winter turned out", "tiktok", "semantic"),
        ("need a tweet that says our holiday hours are the best time to visit", "x", "semantic"),
        ("post more often on tiktok?", "content_strategist", "rule"),  # "post" alone still asks about cadence
    ],
)
def test_a_clear_strategy_ask_naming_a_platform_goes_to_the_strategist(router, text, agent, method):
    decision = router.route(text)
    assert (decision.agent, decision.method) == (agent, method)


@pytest.mark.parametrize(
    "text",
    [
        "is B really better? A: 120/2400, B: 156/2380",
        "control got 3.1% of 10k visitors vs the new page at 3.6% of 10k, significant?",
    ],
)
def test_two_versions_counts_go_to_the_campaign_manager(router, text):
    decision = router.route(text)
    assert decision.agent == "campaign_manager"


def test_a_reply_to_an_x_post_goes_to_x_unless_it_speaks_of_a_crisis(router):
    praise = "write a response to https://x.com/jane_doe/status/1861234567890: 'obsessed with the Low Tide candle'"
    assert router.route(praise).agent == "x"
    outage = "reply to this tweet from an upset customer during the outage: 'third time this month, unreal'"
    assert router.route(outage).agent == "crisis_responder"


ALERT = (
    "SEV1 product safety or recall incident: mentions 9x the usual volume, negative share 81% (usual 12%); "
    "the detector flagged volume and negative share.\nEvidence:\n"
    '- x @upset3 (903 followers): "the jar of my candle cracked and burned my table, this is dangerous"\n'
    "- Top sources: x: upset3 (1), x: upset4 (1)"
)


def test_a_statement_asked_for_a_pasted_alert_goes_to_the_responder(router):
    asked = router.route(f"Draft a public response to this critical crisis alert for our brand: {ALERT}")
    assert (asked.agent, asked.method) == ("crisis_responder", "rule")
    assert router.route(f"we need a holding statement for this:\n{ALERT}").agent == "crisis_responder"


def test_a_question_about_a_pasted_alert_stays_with_the_detector(router):
    assert router.route(f"is this a real spike or just noise?\n{ALERT}").agent != "crisis_responder"
