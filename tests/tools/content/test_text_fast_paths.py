"""Tests for the text helpers' fast paths: the case-folded pre-screen and patterns rewritten for speed."""

from __future__ import annotations

import inspect
import random
import re
import sys
from pathlib import Path

import pytest

from tools.content import text as tx
from tools.content.rulebook import load_rulebook
from tools.content.text import (
    count_syllables,
    flesch_kincaid_grade,
    fold_case,
    has_any_term,
    hashtag_words,
    may_match,
    remove_emoji,
    strip_markers,
)

SAMPLE_BRAND = Path(__file__).resolve().parents[3] / "knowledge" / "sample_brand"

# --- fold_case and may_match -----------------------------------------------------------------


def test_fold_case_turns_what_ignorecase_matches_to_ascii_into_that_letter() -> None:
    non_ascii = "".join(chr(code) for code in range(0x80, 0x110000) if not 0xD800 <= code <= 0xDFFF)
    twins = 0
    for code in range(0x80):
        for match in re.finditer(re.escape(chr(code)), non_ascii, re.IGNORECASE):
            assert fold_case(match.group(0)) == chr(code).lower(), hex(ord(match.group(0)))
            twins += 1
    assert twins == 8  # İ and ı (for I and i), ſ (S, s), the Kelvin sign (K, k)


def test_fold_case_lowercases_everything_else() -> None:
    assert fold_case("ÉCOLE İstanbul ſo \u212aELVIN ☕ Ab") == "école istanbul so kelvin ☕ ab"


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"\bkelvin\b", "\u212aELVIN"),
        (r"\bsafe\b", "ſafe"),
        (r"\bistanbul\b", "İstanbul"),
        (r"\bpin\b", "pın"),
        (r"(best|finest) coffee", "Our FINEST Coffee"),
        (r"caf\u00e9", "CAFÉ"),
        (r"eco[- ]friendly", "Eco-Friendly"),
        (r"(?-i:Best) buy", "Best BUY"),
    ],
)
def test_may_match_lets_through_what_ignorecase_matches(pattern: str, text: str) -> None:
    compiled = re.compile(pattern, re.IGNORECASE)
    assert compiled.search(text)
    assert may_match(compiled, fold_case(text))


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"\bcheap\b", "Great value beans"),
        (r"(best|finest) coffee", "The finest tea"),
        (r"(best|finest) coffee", "Coffee, the best"),
        (r"\b(energy|focus)[- ]boost(s|er)?\b", "Boost your mornings"),
        (r"(#1|\bnumber one)\s+(coffee|roaster)\b", "number two roaster"),
        (r"caf\u00e9", "Tea room"),
        (r"a+b", "bbb"),
    ],
)
def test_may_match_rules_out_text_without_the_literals(pattern: str, text: str) -> None:
    compiled = re.compile(pattern, re.IGNORECASE)
    assert not compiled.search(text)
    assert not may_match(compiled, fold_case(text))


@pytest.mark.parametrize(
    "pattern", [r"[a-z]+", r"(ab)?c?", r"\d+[%$]", r"(?=abc)", r"abc|", r"a*b{0,2}", r"(?:ab|[cd])", "é+"]
)
def test_may_match_never_rules_out_a_pattern_without_certain_literals(pattern: str) -> None:
    assert may_match(re.compile(pattern, re.IGNORECASE), fold_case("zzz"))


def _claim_patterns() -> list[re.Pattern[str]]:
    rules = load_rulebook(SAMPLE_BRAND).rules
    return [rule.pattern for rule in rules.claims_requiring_review] + [
        rule.detect_pattern for rule in rules.required_disclosures if rule.detect_pattern
    ]


def _scrambled(word: str, rng: random.Random) -> str:
    twins = {"i": "İı", "s": "ſ", "k": "\u212a"}
    chars = []
    for char in word:
        roll = rng.random()
        if roll < 0.2 and char.lower() in twins:
            chars.append(rng.choice(twins[char.lower()]))
        elif roll < 0.5:
            chars.append(char.swapcase())
        else:
            chars.append(char)
    return "".join(chars)


def test_may_match_lets_through_a_pattern_nested_deeper_than_the_stack_left_can_read() -> None:
    pattern = re.compile("(?:" * 150 + "best" + ")" * 150, re.IGNORECASE)  # compiled with the stack to spare
    tx._pattern_needs.cache_clear()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 200)  # a check called deep inside a graph run, say
    try:
        assert may_match(pattern, fold_case("the BEST candle")) is True
        assert may_match(pattern, fold_case("no such word")) is True  # could not read it: it could match
    finally:
        sys.setrecursionlimit(limit)
        tx._pattern_needs.cache_clear()
    assert may_match(pattern, fold_case("no such word")) is False  # with room again, the screen works


def test_may_match_passes_every_text_a_brand_claim_pattern_matches() -> None:
    patterns = _claim_patterns()
    # Words and phrases from the patterns themselves, so that many texts do match.
    words = sorted({word for p in patterns for word in re.findall(r"[A-Za-z][A-Za-z' %.#-]*", p.pattern)})
    rng = random.Random(20)
    matched = 0
    for _ in range(3000):
        joints = ["", " ", "-", "'", ".", "\n", "s", "ing"]
        text = " ".join(_scrambled(rng.choice(words), rng) + rng.choice(joints) for _ in range(rng.randint(1, 4)))
        folded = fold_case(text)
        for pattern in patterns:
            if pattern.search(text):
                matched += 1
                assert may_match(pattern, folded), (pattern.pattern, text)
    assert matched > 1000


TERMS = ("best", "best ever", "c++", "100%", "no. 1", "eco-friendly", "Café", "kick", "İstanbul")
TEXTS = ["", "The bestest candle", "Our BEST EVER candle", "café au lait", "ſecond beſt.", "\u212aICK off", "istanbul"]


@pytest.mark.parametrize("text", TEXTS)
def test_term_search_with_the_folded_text_finds_the_same(text: str) -> None:
    folded = fold_case(text)
    for term in TERMS:
        assert tx.find_term(text, term, folded=folded) == tx.find_term(text, term)
        assert has_any_term(text, (term,), folded=folded) is has_any_term(text, (term,))
    assert has_any_term(text, TERMS, folded=folded) is has_any_term(text, TERMS)


# --- Patterns rewritten so that re can skip ahead --------------------------------------------

TRICKY = [
    "",
    "See https://a.example/x?y=1. and www.b.example, (http://c.example) “https://d.example”",
    "HTTPS://E.EXAMPLE/A Www.f.example xhttps://g.example hhttp://h.example ww.i.example wwww.j.example",
    "https://\nwww.\nhttp:// https:/ ftp://k.example [https://l.example] <www.m.example> 'http://n.example'",
    "#coffee #1 a#b &#38; ##x #Ünïcode #_x @maya a@b.c .@x @@y (@z) #tag@x",
    'Hi. Really?! Yes... No.\nNew line!"Quoted." (Paren.) End?',
    "e.g. 3.5 U.S.A. done!! “Quote.” ‘single’ x.y.z",
    "don't rock’n’roll o'clock 'tis -- A-B c'",
]
PLAIN_PATTERNS = [
    (tx._LINK_RE, r"(?<![^\s(\[<\"'“‘])(?:https?://|www\.)\S+", re.IGNORECASE),
    (tx._HASHTAG_RE, r"(?<![\w&#])#[^\W\d_]\w*", 0),
    (tx._MENTION_RE, r"(?<![\w@.])@\w+", 0),
    (tx._SENTENCE_BREAK_RE, r"[.!?]+(?=[\s\"')\]”’]|$)|\n", 0),
    (tx._WORD_PIECE_RE, r"[A-Za-z]+(?:['’][A-Za-z]+)*", 0),
]


@pytest.mark.parametrize(("fast", "plain", "flags"), PLAIN_PATTERNS)
def test_rewritten_pattern_matches_like_the_plain_one(fast: re.Pattern[str], plain: str, flags: int) -> None:
    rng = random.Random(4)
    pieces = [piece for text in TRICKY for piece in re.split(r"( )", text)] + ["İ", "\u212a", "h", "w", "W", "H"]
    texts = TRICKY + ["".join(rng.choice(pieces) for _ in range(12)) for _ in range(2000)]
    for text in texts:
        spans = [match.span() for match in fast.finditer(text)]
        assert spans == [match.span() for match in re.finditer(plain, text, flags)], text
        assert fast.split(text) == re.split(plain, text, flags=flags)


def _remove_emoji_char_by_char(text: str) -> str:
    pieces, i = [], 0
    while i < len(text):
        end = tx._emoji_end(text, i)
        if end is None:
            if text[i] not in ("\ufe0f", "\ufe0e", "\u200d", "\u20e3"):
                pieces.append(text[i])
            i += 1
        else:
            pieces.append(" ")
            i = end
    return "".join(pieces)


def test_remove_emoji_agrees_with_a_look_at_every_character() -> None:
    alphabet = [
        "a",
        " ",
        "\n",
        "#",
        "1",
        "*",
        "\ufe0f",
        "\ufe0e",
        "\u200d",
        "\u20e3",
        "☕",
        "❤",
        "👨",
        "🇺",
        "🏽",
        "©",
        "é",
    ]
    rng = random.Random(9)
    texts = ["a\ufe0f b", "1\ufe0f\u20e3 ok", "x\u200d\u200dy", "plain ascii"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10))) for _ in range(5000)]
    for text in texts:
        assert remove_emoji(text) == _remove_emoji_char_by_char(text), ascii(text)
    assert remove_emoji("a\ufe0f b") == "  b"  # a letter before FE0F goes, as an emoji would


def _grade_word_by_word(text: str) -> float | None:
    words = [token for token in text.split() if re.search("[A-Za-z]", token)]
    if not words:
        return None
    parts = re.split(r"[.!?]+(?=[\s\"')\]”’]|$)|\n", text)
    sentences = sum(1 for part in parts if any(re.search("[A-Za-z]", token) for token in part.split()))
    pieces = [piece for word in words for piece in re.findall(r"[A-Za-z]+(?:['’][A-Za-z]+)*", word)]
    syllables = sum(count_syllables(piece) for piece in pieces)
    return 0.39 * len(words) / max(sentences, 1) + 11.8 * syllables / len(words) - 15.59


@pytest.mark.parametrize("text", [*TRICKY, "Grind right before you brew. It keeps the flavor bright.", "☕ 22 350 "])
def test_flesch_kincaid_grade_agrees_with_counting_word_by_word(text: str) -> None:
    assert flesch_kincaid_grade(text) == _grade_word_by_word(text)


def test_strip_markers_without_a_bracket_only_trims() -> None:
    assert strip_markers("  Hello\n\n world \n") == "Hello\n\n world"


def test_hashtag_words_look_in_known_only_for_words_not_in_the_word_list() -> None:
    class Recording(frozenset):
        asked: list[str] = []

        def __contains__(self, word: object) -> bool:
            self.asked.append(str(word))
            return super().__contains__(word)

    known = Recording({"fogbell"})
    assert [word for _, word in hashtag_words("#FogbellCandle", known)] == ["Fogbell", "Candle"]
    assert known.asked == ["fogbell"]
