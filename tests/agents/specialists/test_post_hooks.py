"""X trend hooks and LinkedIn lead-tracking fields: the helpers, and through the graph."""

from urllib.parse import parse_qs, urlsplit

from graph_runs import pending, run

from agents.specialists.post_hooks import lead_tracking, trend_hook
from tools.content.text import find_hashtags, find_links

LINK = "https://harborandpine.example/?utm_source=linkedin&utm_medium=social&utm_campaign=spring"


def test_a_hashtag_trend_joins_the_hashtags_and_replaces_the_last_at_the_limit():
    assert trend_hook(["New scent. #HarborAndPine"], "#CozySeason", hashtag_limit=2, max_chars=280) == [
        "New scent. #HarborAndPine #CozySeason"
    ]
    full = trend_hook(["New scent. #HarborAndPine #Candles", "2/2"], "#CozySeason", hashtag_limit=2, max_chars=280)
    assert full == ["New scent. #HarborAndPine #CozySeason", "2/2"]
    assert trend_hook(["Cozy. #cozyseason"], "#CozySeason", hashtag_limit=2, max_chars=280) == ["Cozy. #cozyseason"]


def test_a_named_trend_opens_the_post_unless_that_breaks_the_length():
    assert trend_hook(["Low Tide is back."], "silent review", hashtag_limit=2, max_chars=280) == [
        "Silent review, our take: Low Tide is back."
    ]
    assert trend_hook(["x" * 270], "silent review", hashtag_limit=2, max_chars=280) == ["x" * 270]


def test_lead_tracking_names_the_post_in_utm_content_and_keeps_an_existing_one():
    parts, fields = lead_tracking([f"Join us: {LINK}"], "our new workshop tours", "linkedin")
    [link] = find_links(parts[0])
    assert parse_qs(urlsplit(link).query)["utm_content"] == ["li-workshop-tours"]
    assert fields == {
        "utm_source": "linkedin",
        "utm_medium": "social",
        "utm_campaign": "spring",
        "utm_content": "li-workshop-tours",
    }
    kept, _ = lead_tracking([f"{LINK}&utm_content=mine"], "tours", "linkedin")
    assert "utm_content=mine" in kept[0] and "li-tours" not in kept[0]
    assert lead_tracking(["no link here"], "tours", "linkedin") == (["no link here"], None)


def test_an_x_post_rides_the_trend_the_user_names(graph, make_context):
    snapshot = run(graph, make_context(), "write a tweet about our winter candles jumping on the #CozySeason trend")
    [request] = pending(snapshot)
    assert "#CozySeason" in find_hashtags(request["draft"]["text"])
    assert "jumping" not in request["draft"]["text"].lower()
    assert "Trend hook: #CozySeason" in snapshot.values["messages"][-1].content


def test_a_linkedin_post_carries_lead_tracking_fields(graph, make_context):
    snapshot = run(graph, make_context(), "write a linkedin post about our new workshop tours")
    [request] = pending(snapshot)
    [link] = find_links(request["draft"]["text"])
    assert parse_qs(urlsplit(link).query)["utm_content"] == ["li-workshop-tours"]
    assert request["passed"] and "Lead Gen Form" in snapshot.values["messages"][-1].content


def test_lead_tracking_leaves_a_link_it_cannot_read_as_it_is():
    parts, fields = lead_tracking([f"Join us: http://[x and {LINK}"], "our new workshop tours", "linkedin")
    assert parts[0].startswith("Join us: http://[x and ") and "utm_content=" in parts[0]
    assert fields is not None
