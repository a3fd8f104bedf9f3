"""What a draft's document and reply markers must hold before it can be approved."""

from __future__ import annotations

import pytest

from agents.specialists.markers import keep_markers, marker_findings
from tools.platforms.base import reply_in, x_post_id

PDF = "[document: https://cdn.example/guide.pdf]"
TITLE = "[title: A guide to the first burn]"


def rules(text, platform, brand):
    return {f["rule"]: f for f in marker_findings([text], platform, brand)}


def test_a_titled_linkedin_document_post_passes(sample_brand):
    assert rules(f"{TITLE}\n\nOur guide.\n\n{PDF}", "linkedin", sample_brand) == {}


@pytest.mark.parametrize(
    ("text", "platform", "rule", "words"),
    [
        (f"Our guide.\n\n{PDF}", "linkedin", "draft-title", "A LinkedIn document post needs a title"),
        (f"{TITLE}\n\nOur guide.\n\n{PDF}", "x", "draft-document", "only LinkedIn does"),
        (
            f"{TITLE}\n\nOur guide.\n\n{PDF}\n[image: https://cdn.example/a.jpg]",
            "linkedin",
            "draft-document",
            "no images",
        ),
        (f"{TITLE}\n\nOur guide.\n\n[document: https://cdn.example/guide.key]", "linkedin", "draft-document", "PDF"),
        (f"{TITLE}\n\nOur guide.\n\n[document: guide.pdf]", "linkedin", "draft-media-address", "not a web address"),
        ("[reply to: https://x.com/jane/status/42]\n\nThanks!", "linkedin", "draft-reply-target", "answer by hand"),
        ("[reply to: jane's post]\n\nThanks!", "x", "draft-reply-target", "does not name the X post"),
        ("[reply to: https://example.com/status/42]\n\nThanks!", "x", "draft-reply-target", "does not name"),
    ],
)
def test_markers_that_cannot_be_published_block_approval(sample_brand, text, platform, rule, words):
    found = rules(text, platform, sample_brand)
    assert rule in found and words in found[rule]["message"]
    assert found[rule]["severity"] == "error"


@pytest.mark.parametrize(
    ("value", "post_id"),
    [
        ("https://x.com/jane_doe/status/1861234567890", "1861234567890"),
        ("https://twitter.com/jane/status/42?s=20", "42"),
        ("http://mobile.twitter.com/jane/statuses/42", "42"),
        ("https://x.com/i/web/status/77", "77"),
        ("1861234567890", "1861234567890"),
        ("https://x.com/jane", None),
        ("https://x.com.evil.example/jane/status/42", None),
        ("jane's post", None),
    ],
)
def test_an_x_post_id_comes_from_its_address_or_is_given_bare(value, post_id):
    assert x_post_id(value) == post_id


def test_a_bad_reply_target_stops_the_publisher_too():
    with pytest.raises(ValueError, match=r"\[reply to: https://x.com/NAME/status/ID\]"):
        reply_in("[reply to: jane's post]\n\nThanks!")
    assert reply_in("Thanks!") is None


def test_an_edit_that_drops_the_reply_line_gets_it_back():
    original = "[reply to: https://x.com/jane/status/42]\n\nThanks!"
    assert reply_in(keep_markers(original, "Thank you so much!")) == "42"
