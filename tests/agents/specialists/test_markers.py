"""What a draft's document and reply markers must hold before it can be approved."""

from __future__ import annotations

import pytest

from agents.specialists.markers import keep_markers, marker_findings
from tools.platforms.base import x_post_id
from tools.platforms.targets import targets_in

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
        ("[reply to: https://x.com/jane/status/42]\n\nThanks!", "tiktok", "draft-reply-target", "answer by hand"),
        ("[reply to: https://x.com/jane/status/42]\n\nThanks!", "linkedin", "draft-reply-target", "LinkedIn post or"),
        ("[message to: 42]\n\nHi!", "youtube", "draft-reply-target", "send it by hand"),
        ("[message to: @jane]\n\nHi!", "x", "draft-reply-target", "user id to message"),
        ("[reply to: 42]\n[message to: 42]\n\nHi!", "facebook", "draft-reply-target", "not both"),
        ("[reply to: jane's post]\n\nThanks!", "x", "draft-reply-target", "does not name the X post"),
        ("[reply to: https://example.com/status/42]\n\nThanks!", "x", "draft-reply-target", "does not name"),
        # addresses urlsplit cannot read (an unclosed "[" host) are findings, not a crash of the check
        (f"{TITLE}\n\nOur guide.\n\n[document: https://[x/guide.pdf]", "linkedin", "draft-media-address", "not a web"),
        ("New mugs!\n\n[image: https://[x/mug.jpg]", "facebook", "draft-media-address", "not a web address"),
        ("New mugs!\n\n[image: https:///mug.jpg]", "facebook", "draft-media-address", "not a web address"),
        ("New mugs!\n\n[image: https://cdn.example:44x/mug.jpg]", "facebook", "draft-media-address", "not a web"),
        ("[reply to: https://[x/p?comment_id=12]\n\nThanks!", "facebook", "draft-reply-target", "name the Facebook"),
        ("[reply to: https://[x/watch?v=1&lc=abcdefghijk]\n\nThanks!", "youtube", "draft-reply-target", "the YouTube"),
        ("[reply to: https://x.com]/jane/status/42]\n\nThanks!", "x", "draft-reply-target", "does not name"),
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
    with pytest.raises(ValueError, match=r"https://x.com/NAME/status/1234567890 in \[reply to: …\]"):
        targets_in("x", "[reply to: jane's post]\n\nThanks!")
    assert targets_in("x", "Thanks!") == (None, None)


def test_an_edit_that_drops_the_reply_line_gets_it_back():
    original = "[reply to: https://x.com/jane/status/42]\n\nThanks!"
    assert targets_in("x", keep_markers(original, "Thank you so much!")) == ("42", None)


@pytest.mark.parametrize(
    ("platform", "text", "expected"),
    [
        ("facebook", "[reply to: 1234_5678]\n\nThanks!", ("1234_5678", None)),
        ("facebook", "[reply to: https://www.facebook.com/p/1?comment_id=99]\n\nThanks!", ("99", None)),
        ("facebook", "[message to: 24680]\n\nThanks!", (None, "24680")),
        ("instagram", "[reply to: 17890000000000001]\n\nThanks!", ("17890000000000001", None)),
        (
            "youtube",
            "[reply to: https://www.youtube.com/watch?v=abc&lc=UgzABCDEF12345]\n\nThanks!",
            ("UgzABCDEF12345", None),
        ),
        ("youtube", "[reply to: UgzABCDEF12345]\n\nThanks!", ("UgzABCDEF12345", None)),
        (
            "linkedin",
            "[reply to: urn:li:comment:(urn:li:activity:1,2)]\n\nThanks!",
            ("urn:li:comment:(urn:li:activity:1,2)", None),
        ),
        ("x", "[message to: 1234567]\n\nHi", (None, "1234567")),
    ],
)
def test_each_platform_reads_its_own_reply_and_message_targets(platform, text, expected):
    assert targets_in(platform, text) == expected


def test_a_reply_or_message_needs_no_media_on_a_platform_that_otherwise_requires_it(sample_brand):
    assert rules("[reply to: 17890000000000001]\n\nThank you!", "instagram", sample_brand) == {}
    assert "draft-media-missing" in rules("Thank you!", "instagram", sample_brand)
