"""Tests for the pure text helpers: markers, hashtags, links, emoji, casing and readability."""

from __future__ import annotations

import pytest

from tools.content.text import (
    camel_case_hashtag,
    count_emoji,
    count_syllables,
    emoji_only_lines,
    find_all_caps_words,
    find_hashtags,
    find_links,
    find_markers,
    find_mentions,
    find_term,
    flesch_kincaid_grade,
    has_any_term,
    hashtag_words,
    readability_text,
    strip_markers,
)


def test_strip_markers_drops_marker_only_lines_and_inline_markers() -> None:
    draft = "Roast day.\n\n[image: roast.jpg]\n[alt: Beans cooling in a tray]\n\n#coffee"
    assert strip_markers(draft) == "Roast day.\n\n\n#coffee"
    assert strip_markers("Look [image: a.jpg] [alt: A mug] here") == "Look here"


def test_find_markers_reads_kind_and_stripped_value() -> None:
    markers = find_markers("[image: a.jpg]\n[ALT:  ]\n[alt: A mug]")
    assert [(m.kind, m.value) for m in markers] == [
        ("image", "a.jpg"),
        ("alt", ""),
        ("alt", "A mug"),
    ]


def test_hashtag_needs_a_letter_after_the_hash() -> None:
    assert find_hashtags("Our #1 coffee, #2024 and #V60 #cold_brew.") == ["#V60", "#cold_brew"]


def test_hashtags_stop_at_punctuation_and_skip_links() -> None:
    text = "Try #coffee. See https://kettleandember.example/guide#bloom or www.x.example/#tag #Café!"
    assert find_hashtags(text) == ["#coffee", "#Café"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Go to https://kettleandember.example/a?utm_source=x.",
            "https://kettleandember.example/a?utm_source=x",
        ),
        ("(www.kettleandember.example/shop)!", "www.kettleandember.example/shop"),
        ('Read "http://kettleandember.example/x?y=1",', "http://kettleandember.example/x?y=1"),
        ("Really? https://kettleandember.example/q?!", "https://kettleandember.example/q"),
    ],
)
def test_links_drop_trailing_punctuation(text: str, expected: str) -> None:
    assert find_links(text) == [expected]


def test_link_must_start_its_token() -> None:
    assert find_links("see kettleandember.example or xhttps://a.example") == []


def test_mentions_skip_email_addresses() -> None:
    assert find_mentions("Thanks @maya_ok! Mail hello@kettleandember.example") == ["@maya_ok"]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("☕☕☕", 3),
        ("Family 👨\u200d👩\u200d👧 time", 1),
        ("Thumbs 👍🏽 up", 1),
        ("Flags 🇺🇸🇨🇴", 2),
        ("Keycap 1️⃣ first", 1),
        ("Camp 🏕️ and heart ❤️ and bare heart ❤", 3),
        ("Rainbow flag 🏳️\u200d🌈", 1),
        ("Our #1 coffee, 2 cups, (c) 2025 © ™", 0),
        ("Copyright as emoji ©️", 1),
        ("Text-style cup ☕\ufe0e", 0),
    ],
)
def test_count_emoji_treats_each_sequence_as_one(text: str, count: int) -> None:
    assert count_emoji(text) == count


def test_emoji_only_lines_ignore_spaces_and_mixed_lines() -> None:
    text = "Cold brew is here.\n☕ 🧊 ☕\nMix 1:1 🧊\n  \n👨\u200d👩\u200d👧"
    assert emoji_only_lines(text) == ["☕ 🧊 ☕", "👨\u200d👩\u200d👧"]


def test_all_caps_words_need_four_letters_and_skip_tags_mentions_links() -> None:
    text = "BIG NEWS from PDX! #COLDBREW @KETTLE https://KETTLEANDEMBER.example/SHOP USDA"
    assert find_all_caps_words(text) == ["NEWS", "USDA"]


def test_all_caps_word_is_a_run_of_letters() -> None:
    assert find_all_caps_words("DON'T miss the V60-GRINDER") == ["GRINDER"]


@pytest.mark.parametrize(
    ("text", "term", "found"),
    [
        ("So cheap!", "cheap", "cheap"),
        ("The cheapest beans", "cheap", None),
        ("One HELL of a drink", "hell", "HELL"),
        ("Hello, Eggshell!", "hell", None),
        ("#cheap eats", "cheap", "cheap"),
        ("@cheap", "cheap", "cheap"),
        ("coffee snobs unite", "coffee snob", None),
        ("K&E team", "K&E", "K&E"),
        ("risk-free trial", "risk-free", "risk-free"),
        ("cheap2go", "cheap", None),
    ],
)
def test_find_term_matches_whole_words_only(text: str, term: str, found: str | None) -> None:
    assert find_term(text, term) == found


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("the", 1),
        ("coffee", 2),
        ("espresso", 3),
        ("roasted", 2),
        ("brewed", 1),
        ("table", 2),
        ("makes", 1),
        ("boxes", 2),
        ("beautiful", 3),
        ("procurement", 3),
        ("ready", 2),
        ("123", 0),
    ],
)
def test_count_syllables_estimates_common_words(word: str, syllables: int) -> None:
    assert count_syllables(word) == syllables


def test_flesch_kincaid_grade_is_low_for_plain_text_and_high_for_jargon() -> None:
    plain = flesch_kincaid_grade("Grind right before you brew. It keeps the flavor bright.")
    jargon = flesch_kincaid_grade(
        "Our procurement methodology prioritizes longitudinal relationships with producer "
        "organizations, facilitating transparent remuneration structures."
    )
    assert plain is not None and plain < 4
    assert jargon is not None and jargon > 20


def test_flesch_kincaid_grade_is_none_without_words() -> None:
    assert flesch_kincaid_grade("☕ 22 350 ") is None


def test_readability_text_removes_links_tags_mentions_emoji_and_markers() -> None:
    text = "Hi @maya ☕ #coffee https://kettleandember.example/x\n[image: a.jpg]\n[alt: A mug]"
    assert readability_text(text).split() == ["Hi"]


@pytest.mark.parametrize(
    ("tag", "words"),
    [
        ("#coffee", ["coffee"]),
        ("#Portland", ["Portland"]),
        ("#hiring", ["hiring"]),
        ("#PDX", ["PDX"]),
        ("#coldbrew", ["cold", "brew"]),
        ("#Coldbrew", ["Cold", "brew"]),
        ("#ColdBrew", ["Cold", "Brew"]),
        ("#IcedPourover", ["Iced", "Pour", "over"]),
        ("#PDXCoffee", ["PDX", "Coffee"]),
        ("#homebarista", ["home", "barista"]),
        ("#V60", []),
        ("#iPhone", ["Phone"]),
        ("#weekends", ["weekends"]),
    ],
)
def test_hashtag_words_split_case_changes_and_known_words(tag: str, words: list[str]) -> None:
    assert [word for _, word in hashtag_words(tag)] == words


def test_hashtag_words_treat_extra_known_words_as_single() -> None:
    assert [word for _, word in hashtag_words("#coldbrew", frozenset({"coldbrew"}))] == ["coldbrew"]


def test_camel_case_hashtag_capitalises_each_word() -> None:
    assert camel_case_hashtag("#coldbrew") == "#ColdBrew"
    assert camel_case_hashtag("#kettleandember") == "#KettleAndEmber"
    assert camel_case_hashtag("#coldbrew2025") == "#ColdBrew2025"


TERMS = ("best", "best ever", "c++", "100%", "no. 1", "eco-friendly", "Café")
TEXTS = [
    "",
    "The bestest candle",
    "Our BEST EVER candle",
    "Written in C++ today",
    "100% soy, no. 1 in town",
    "eco-friendlyish",
    "an ECO-FRIENDLY wick",
    "café au lait",
    "best-selling",
    "second best.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_has_any_term_agrees_with_find_term_for_every_term(text: str) -> None:
    expected = any(find_term(text, term) for term in TERMS)
    assert has_any_term(text, TERMS) is expected
    for term in TERMS:
        assert has_any_term(text, (term,)) is (find_term(text, term) is not None)


def test_has_any_term_without_terms_finds_nothing() -> None:
    assert has_any_term("anything at all", ()) is False


def test_video_and_title_markers_are_found_and_never_published() -> None:
    draft = "[title: Pouring the Fog Bell]\nWatch us pour it.\n[video: https://cdn.example/pour.mp4]"
    assert [(m.kind, m.value) for m in find_markers(draft)] == [
        ("title", "Pouring the Fog Bell"),
        ("video", "https://cdn.example/pour.mp4"),
    ]
    assert strip_markers(draft) == "Watch us pour it."


def test_document_and_reply_markers_are_read_and_never_published() -> None:
    draft = "[reply to:  https://x.com/jane/status/123 ]\n\nThanks!\n\n[Document: https://cdn.example/guide.pdf]"
    assert [(m.kind, m.value) for m in find_markers(draft)] == [
        ("reply", "https://x.com/jane/status/123"),
        ("document", "https://cdn.example/guide.pdf"),
    ]
    assert strip_markers(draft) == "Thanks!"
