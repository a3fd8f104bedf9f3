"""The LinkedIn specialist: company-page, thought-leadership, B2B and document posts, offline and with a model."""

from __future__ import annotations

import json

import pytest
from fakes import ScriptedChatModel
from graph_runs import pending, run
from langgraph.runtime import Runtime

from agents.specialists.drafting import check_parts
from agents.specialists.linkedin import b2b_audience, compose_linkedin, linkedin_format, page_count
from tools.content.text import find_hashtags, find_markers, strip_markers

PDF = "https://cdn.harborandpine.example/guides/first-burn.pdf"


def compose(make_context, request, **context):
    return compose_linkedin(request, Runtime(context=make_context(**context)), history=[])


def rules(findings):
    return {f["rule"] for f in findings}


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("write a linkedin post about our new roastery", "company"),
        ("linkedin update to celebrate ten years in business", "company"),
        ("post on linkedin for our customers about the holiday hours", "company"),
        ("a thought leadership piece on LinkedIn about why we stopped discounting", "thought_leadership"),
        ("LinkedIn post from our founder's point of view on slow retail", "thought_leadership"),
        ("what we've learned from five years of small-batch pouring, for linkedin", "thought_leadership"),
        ("our take on the future of the candle industry, LinkedIn", "thought_leadership"),
        ("B2B angle on LinkedIn about our candle subscription", "b2b"),
        ("linkedin post aimed at HR leaders about our office gifting boxes", "b2b"),
        ("LinkedIn post for hotel procurement teams about our amenity candles", "b2b"),
        ("linkedin: wholesale terms for stockists", "b2b"),
        ("LinkedIn document post with 7 tips for stocking candles", "document"),
        ("turn our care guide into a LinkedIn PDF", "document"),
        ("LinkedIn carousel on 5 mistakes new candle makers make", "document"),
    ],
)
def test_the_format_follows_what_the_request_asks_for(request_text, expected):
    assert linkedin_format(request_text) == expected


@pytest.mark.parametrize(
    ("request_text", "audience"),
    [
        ("B2B angle for café owners on our cold brew concentrate", "café owners"),
        ("linkedin post aimed at HR leaders about our office gifting boxes", "HR leaders"),
        (
            "LinkedIn post targeting procurement teams at hotels introducing our amenity candles",
            "procurement teams at hotels",
        ),
        ("linkedin post for our customers about the holiday hours", None),
        ("linkedin post for the winter sale", None),
        ("post to linkedin that we're looking for a part-time shop assistant", None),  # who is sought, not told
        ("linkedin post: we are searching for a studio manager", None),
    ],
)
def test_the_business_audience_is_read_from_the_request(request_text, audience):
    assert b2b_audience(request_text) == audience


def test_document_pages_count_the_points_plus_a_cover_and_a_closing_page():
    assert page_count("LinkedIn document with 7 tips for stocking candles") == 9
    assert page_count("a 6-page LinkedIn PDF about scent layering") == 6
    assert page_count("LinkedIn carousel about our process") == 7
    assert page_count("LinkedIn document with 40 tips") == 12


def test_an_offline_b2b_post_speaks_to_its_audience_and_leaves_the_outcome_to_a_person(make_context):
    package = compose(make_context, "B2B angle for café owners on LinkedIn about our candle subscription")

    assert package.shape == "a B2B post" and package.topic == "our candle subscription"
    assert package.text.startswith("For café owners: our candle subscription.")
    assert "utm_content=" in package.text  # lead tracking on the link
    passed, findings = check_parts([package.text], "linkedin", make_context().brand, False)
    assert not passed and "draft-placeholder" in rules(findings)
    assert any("Written for café owners" in note for note in package.notes)
    assert any("Lead tracking" in note for note in package.notes)


def test_a_b2b_post_without_a_named_audience_has_a_gap_for_it(make_context):
    package = compose(make_context, "B2B linkedin post about our wholesale terms")

    assert "[who this is for, such as café owners]" in package.text
    assert any("couldn't tell which business audience" in note for note in package.notes)


def test_an_offline_thought_leadership_post_asks_for_the_brands_own_experience(make_context):
    package = compose(make_context, "a thought leadership piece on LinkedIn about why we stopped discounting")

    assert package.shape == "a thought-leadership post"
    assert package.text.startswith("Why we stopped discounting")
    assert "[One thing you have seen first-hand" in package.text
    assert package.text.rstrip().split("\n\n")[-2].endswith("?")  # ends on a question, then the hashtags
    assert len(find_hashtags(package.text)) <= 3


def test_an_offline_document_post_has_a_title_a_page_outline_and_a_document_gap(make_context):
    package = compose(make_context, "LinkedIn document post with 4 tips for a cleaner candle burn")

    markers = {m.kind: m.value for m in find_markers(package.text)}
    assert markers["title"] == "4 tips for a cleaner candle burn: a short guide"
    assert markers["document"] == "paste the PDF's https:// address"
    outline = next(note for note in package.notes if note.startswith("**Document pages**"))
    assert outline.count("\n") == 6  # heading, then a cover, 4 points and a closing page
    _, findings = check_parts([package.text], "linkedin", make_context().brand, False)
    assert "draft-media-address" in rules(findings)

    filled = package.text.replace("paste the PDF's https:// address", PDF)
    passed, findings = check_parts([filled], "linkedin", make_context().brand, False)
    assert passed, findings
    assert "[document:" not in strip_markers(filled)


def test_a_company_page_post_is_still_the_general_post_with_lead_tracking(make_context):
    package = compose(make_context, "write a linkedin post about our new workshop tours")

    assert package.shape == "a post" and find_markers(package.text) == []
    assert "utm_content=li-workshop-tours" in package.text


def test_another_version_keeps_the_format(make_context):
    first = compose_linkedin("a thought leadership post about slow retail", Runtime(context=make_context()))
    other = compose_linkedin(
        "a thought leadership post about slow retail", Runtime(context=make_context()), variant=3, history=[]
    )
    assert other.shape == first.shape == "a thought-leadership post"


def test_a_document_post_from_the_model_keeps_its_title_short_and_lists_its_pages(graph, make_context):
    written = {
        "post": "Five things we wish we had known before our first market stall. #SmallBusiness",
        "title": "Five lessons from our first market stall, told honestly and in full detail for anyone starting " * 2,
        "pages": ["Five lessons", "Bring change", "Price clearly", "Talk to people", "Track what sells", "Say hi"],
    }
    llm = ScriptedChatModel.with_script([json.dumps(written), "[]"])

    snapshot = run(graph, make_context(llm=llm), "LinkedIn carousel: lessons from our first market stall")

    [request] = pending(snapshot)
    draft = request["draft"]
    assert draft["platform"] == "linkedin" and draft["source"] == "llm"
    title = next(m.value for m in find_markers(draft["text"]) if m.kind == "title")
    assert len(title) <= 100
    assert "Five things we wish we had known" in draft["text"] and len(find_hashtags(draft["text"])) <= 3
    reply = snapshot.values["messages"][-1].content
    assert "1. Five lessons" in reply and "6. Say hi" in reply
    assert "LinkedIn company page, format: document" in llm.seen[0][0].content


def test_a_b2b_post_from_the_model_is_told_its_audience(graph, make_context):
    written = {"post": "Hotel buyers: guests remember how a room smells. Our amenity candles make that easy."}
    llm = ScriptedChatModel.with_script([json.dumps(written), "[]"])

    snapshot = run(graph, make_context(llm=llm), "LinkedIn post for hotel procurement teams about our amenity candles")

    [request] = pending(snapshot)
    assert request["draft"]["text"].startswith("Hotel buyers: guests remember")
    assert "Audience: hotel procurement teams" in llm.seen[0][0].content
