"""Pure text helpers for drafts: markers, hashtags, links, emoji, readability and casing."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from re import _constants as sre_constants
from re import _parser as sre_parser
from typing import Any, Literal, NamedTuple
from urllib.parse import SplitResult, urlsplit

# --- Draft markers ---------------------------------------------------------------------------

_MARKER_RE = re.compile(r"\[\s*(image|video|document|alt|title|reply\s+to|message\s+to)\s*:([^\]\n]*)\]", re.IGNORECASE)
_MARKER_WITH_SPACE_RE = re.compile(r"[ \t]*" + _MARKER_RE.pattern, re.IGNORECASE)


@dataclass(frozen=True)
class DraftMarker:
    """A draft marker and its start: image, video, document, alt, title, reply or message.

    ``[reply to: ...]`` has kind ``reply``; ``[message to: ...]`` has kind ``message``.
    """

    kind: Literal["image", "video", "document", "alt", "title", "reply", "message"]
    value: str
    start: int


def find_markers(text: str) -> list[DraftMarker]:
    """Return the draft markers in ``text`` in order, values stripped of spaces."""
    return [
        DraftMarker(
            kind=m.group(1).lower().split()[0],  # type: ignore[arg-type]
            value=m.group(2).strip(),
            start=m.start(),
        )
        for m in _MARKER_RE.finditer(text)
    ]


def strip_markers(text: str) -> str:
    """Return the publishable text: markers removed, marker-only lines dropped, ends trimmed."""
    if "[" not in text:  # every marker starts with one
        return text.strip()
    lines = []
    for line in text.split("\n"):
        cleaned = _MARKER_WITH_SPACE_RE.sub("", line)
        if cleaned.strip() or not _MARKER_RE.search(line):
            lines.append(cleaned)
    return "\n".join(lines).strip()


# --- Links, hashtags and mentions ------------------------------------------------------------

# A link starts after a space, an opening bracket or quote, or at the start. Matching its first letter
# case-sensitively, before the lookbehind, lets re jump from one h or w to the next (re.IGNORECASE matches
# nothing but h, H, w and W to "h" and "w"): the same matches as ``(?<![^\s(\[<"'“‘])(?:https?://|www\.)\S+``.
_LINK_RE = re.compile(r"(?-i:[HWhw])(?<![^\s(\[<\"'“‘].)(?:(?<=h)ttps?://|(?<=w)ww\.)\S+", re.IGNORECASE)
_LINK_TRAILING = ".,!?)\"'”’;:]>"
# The lookbehinds sit after the "#" / "@" (and look back past it) so that re can jump from one "#" / "@" to the next.
_HASHTAG_RE = re.compile(r"#(?<![\w&#]#)[^\W\d_]\w*")
_MENTION_RE = re.compile(r"@(?<![\w@.]@)\w+")


def find_links(text: str) -> list[str]:
    """Return links (tokens starting http://, https:// or www.) minus trailing punctuation."""
    links = []
    for match in _LINK_RE.finditer(text):
        link = match.group(0).rstrip(_LINK_TRAILING)
        if link.lower() not in ("http://", "https://", "www."):
            links.append(link)
    return links


def split_link(link: str) -> SplitResult | None:
    """`urlsplit(link)`, or None for an address it cannot read.

    That is an unclosed "[" host ("http://[x"), or a port that is not a number from 0 to 65535 ("host:80a"),
    which `urlsplit` only notices when `.port` is read.
    """
    try:
        parts = urlsplit(link)
        parts.port  # noqa: B018 - reading it is the check
    except ValueError:
        return None
    return parts


def split_web_link(value: str) -> SplitResult | None:
    """`split_link` of an http:// or https:// address, else None (a file name, an id, a broken address)."""
    return split_link(value) if value.lower().startswith(("https://", "http://")) else None


def remove_links(text: str) -> str:
    """Replace every link with a space, keeping its trailing punctuation."""
    return _LINK_RE.sub(lambda m: " " + m.group(0)[len(m.group(0).rstrip(_LINK_TRAILING)) :], text)


def find_hashtags(text: str) -> list[str]:
    """Return hashtags (``#`` + a letter + letters, digits or ``_``), ignoring links and markers."""
    return _HASHTAG_RE.findall(remove_links(_MARKER_RE.sub(" ", text)))


def find_mentions(text: str) -> list[str]:
    """Return ``@mentions``, ignoring e-mail addresses and links."""
    return _MENTION_RE.findall(remove_links(text))


# --- Emoji -----------------------------------------------------------------------------------

# Characters that are emoji on their own. Below U+2600 only default-emoji characters (⌚, ⏰);
# in Misc Symbols and Dingbats every Emoji=Yes character (☕, ❤, ✔); above U+1F000 the
# pictograph blocks. Any other character followed by U+FE0F also counts (©️, ↔️).
_EMOJI_RANGES: tuple[tuple[int, int], ...] = (
    (0x231A, 0x231B), (0x23E9, 0x23EC), (0x23F0, 0x23F0), (0x23F3, 0x23F3), (0x25FD, 0x25FE),
    (0x2600, 0x2604), (0x260E, 0x260E), (0x2611, 0x2611), (0x2614, 0x2615), (0x2618, 0x2618),
    (0x261D, 0x261D), (0x2620, 0x2620), (0x2622, 0x2623), (0x2626, 0x2626), (0x262A, 0x262A),
    (0x262E, 0x262F), (0x2638, 0x263A), (0x2640, 0x2640), (0x2642, 0x2642), (0x2648, 0x2653),
    (0x265F, 0x2660), (0x2663, 0x2663), (0x2665, 0x2666), (0x2668, 0x2668), (0x267B, 0x267B),
    (0x267E, 0x267F), (0x2692, 0x2697), (0x2699, 0x2699), (0x269B, 0x269C), (0x26A0, 0x26A1),
    (0x26A7, 0x26A7), (0x26AA, 0x26AB), (0x26B0, 0x26B1), (0x26BD, 0x26BE), (0x26C4, 0x26C5),
    (0x26C8, 0x26C8), (0x26CE, 0x26CF), (0x26D1, 0x26D1), (0x26D3, 0x26D4), (0x26E9, 0x26EA),
    (0x26F0, 0x26F5), (0x26F7, 0x26FA), (0x26FD, 0x26FD), (0x2702, 0x2702), (0x2705, 0x2705),
    (0x2708, 0x270D), (0x270F, 0x270F), (0x2712, 0x2712), (0x2714, 0x2714), (0x2716, 0x2716),
    (0x271D, 0x271D), (0x2721, 0x2721), (0x2728, 0x2728), (0x2733, 0x2734), (0x2744, 0x2744),
    (0x2747, 0x2747), (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757),
    (0x2763, 0x2764), (0x2795, 0x2797), (0x27A1, 0x27A1), (0x27B0, 0x27B0), (0x27BF, 0x27BF),
    (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55),
    (0x1F004, 0x1F004), (0x1F0CF, 0x1F0CF), (0x1F170, 0x1F171), (0x1F17E, 0x1F17F),
    (0x1F18E, 0x1F18E), (0x1F191, 0x1F19A), (0x1F201, 0x1F202), (0x1F21A, 0x1F21A),
    (0x1F22F, 0x1F22F), (0x1F232, 0x1F23A), (0x1F250, 0x1F251), (0x1F300, 0x1F64F),
    (0x1F680, 0x1F6FF), (0x1F7E0, 0x1F7FF), (0x1F90C, 0x1F9FF), (0x1FA70, 0x1FAFF),
)  # fmt: skip
_RANGE_STARTS = tuple(start for start, _ in _EMOJI_RANGES)
_VS_TEXT, _VS_EMOJI, _ZWJ, _KEYCAP = "\ufe0e", "\ufe0f", "\u200d", "\u20e3"
_KEYCAP_BASES = frozenset("0123456789#*")


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _is_skin_tone(char: str) -> bool:
    return 0x1F3FB <= ord(char) <= 0x1F3FF


def _is_tag(char: str) -> bool:
    return 0xE0020 <= ord(char) <= 0xE007F


def _in_emoji_ranges(char: str) -> bool:
    index = bisect_right(_RANGE_STARTS, ord(char)) - 1
    return index >= 0 and ord(char) <= _EMOJI_RANGES[index][1]


def _emoji_base_at(text: str, i: int) -> bool:
    following = text[i + 1 : i + 2]
    if following == _VS_TEXT or text[i].isspace():
        return False
    return _in_emoji_ranges(text[i]) or following == _VS_EMOJI


def _emoji_end(text: str, i: int) -> int | None:
    """Return where the emoji starting at ``i`` ends, or None if none starts there."""
    char = text[i]
    if _is_regional_indicator(char):
        return i + 2 if _is_regional_indicator(text[i + 1 : i + 2] or "a") else i + 1
    if char in _KEYCAP_BASES:
        j = i + 1 + (text[i + 1 : i + 2] == _VS_EMOJI)
        return j + 1 if text[j : j + 1] == _KEYCAP else None
    if not _emoji_base_at(text, i):
        return None
    j = i + 1
    while True:
        if text[j : j + 1] == _VS_EMOJI:
            j += 1
        if j < len(text) and _is_skin_tone(text[j]):
            j += 1
        while j < len(text) and _is_tag(text[j]):
            j += 1
        if text[j : j + 1] == _ZWJ and j + 1 < len(text) and _emoji_base_at(text, j + 1):
            j += 2
            continue
        return j


# Only these can start an emoji: any non-ASCII character, or a keycap base before FE0F / 20E3.
_EMOJI_CANDIDATE = re.compile("[^\x00-\x7f]|[#*0-9](?=[\ufe0f\u20e3])")
# What remove_emoji takes out starts at a non-ASCII character or at any character before FE0F / 20E3 ("a\ufe0f").
_REMOVABLE_START = re.compile("[^\x00-\x7f]|.(?=[\ufe0f\u20e3])", re.DOTALL)


def find_emoji(text: str) -> list[str]:
    """Return each emoji; a ZWJ, skin-tone, keycap or flag sequence is one emoji."""
    found: list[str] = []
    if text.isascii():  # every emoji candidate is or needs a non-ASCII character
        return found
    i = 0
    while (match := _EMOJI_CANDIDATE.search(text, i)) is not None:
        i = match.start()
        end = _emoji_end(text, i)
        if end is None:
            i += 1
        else:
            found.append(text[i:end])
            i = end
    return found


def count_emoji(text: str) -> int:
    """Count emoji, one per emoji sequence; variation selectors do not count."""
    return len(find_emoji(text))


def remove_emoji(text: str) -> str:
    """Return ``text`` without emoji or leftover joiners and variation selectors."""
    if text.isascii():  # emoji, joiners and variation selectors all are or need non-ASCII characters
        return text
    pieces, i = [], 0
    while (match := _REMOVABLE_START.search(text, i)) is not None:
        start = match.start()
        pieces.append(text[i:start])
        end = _emoji_end(text, start)
        if end is None:
            if text[start] not in (_VS_EMOJI, _VS_TEXT, _ZWJ, _KEYCAP):
                pieces.append(text[start])
            i = start + 1
        else:
            pieces.append(" ")
            i = end
    pieces.append(text[i:])
    return "".join(pieces)


def emoji_only_lines(text: str) -> list[str]:
    """Return the lines made only of emoji and spaces."""
    if text.isascii():  # no emoji at all
        return []
    return [
        line.strip()
        for line in text.split("\n")
        if line.strip() and find_emoji(line) and not remove_emoji(line).strip()
    ]


# --- Casing and term matching ----------------------------------------------------------------


_LETTERS_RE = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=8)
def _capitals_re(count: int) -> re.Pattern[str]:
    return re.compile("[A-Z]" * count)


def find_all_caps_words(text: str, min_letters: int = 4) -> list[str]:
    """Return runs of ``min_letters``+ capital letters A-Z; hashtags, mentions and links skipped."""
    # Removing links, hashtags and mentions only splits runs of capitals, so such a word needs one in ``text``.
    if not _capitals_re(max(min_letters, 1)).search(text):
        return []
    cleaned = _MENTION_RE.sub(" ", _HASHTAG_RE.sub(" ", remove_links(text)))
    return [word for word in _LETTERS_RE.findall(cleaned) if len(word) >= min_letters and word.isupper()]


@lru_cache(maxsize=512)
def _term_re(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(term) + r"(?![A-Za-z0-9])", re.IGNORECASE)


def find_term(text: str, term: str, *, folded: str | None = None) -> str | None:
    """Return the text of the first whole-word, case-insensitive match of ``term``, if any.

    ``folded``, the text's ``fold_case``, lets the search be skipped when ``term`` cannot be in the text.
    """
    pattern = _term_re(term)
    if folded is not None and not may_match(pattern, folded):
        return None
    match = pattern.search(text)
    return match.group(0) if match else None


@lru_cache(maxsize=256)
def _any_term_re(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(term) for term in terms)
    return re.compile(r"(?<![A-Za-z0-9])(?:" + alternatives + r")(?![A-Za-z0-9])", re.IGNORECASE)


def has_any_term(text: str, terms: tuple[str, ...], *, folded: str | None = None) -> bool:
    """Whether any of ``terms`` occurs as ``find_term`` would find it (one pass instead of one per term).

    ``folded``, the text's ``fold_case``, lets the search be skipped when none of ``terms`` can be in the text.
    """
    if not terms:
        return False
    pattern = _any_term_re(terms)
    return (folded is None or may_match(pattern, folded)) and pattern.search(text) is not None


# --- Case-insensitive pre-screen ------------------------------------------------------------

# The only non-ASCII characters that re.IGNORECASE matches to ASCII ones: İ and ı (i), ſ (s), the Kelvin sign (k).
_ASCII_TWINS = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def fold_case(text: str) -> str:
    """Return ``text`` lowercased, with the non-ASCII letters ``re.IGNORECASE`` equates with ASCII ones made ASCII.

    Wherever a case-insensitive pattern matches a run of ASCII literals in ``text``, the result holds
    that run in lowercase.
    """
    if not text.isascii():
        for twin, letter in _ASCII_TWINS:  # str.replace: far faster than str.translate where there is none
            text = text.replace(twin, letter)
    return text.lower()


class _Needs(NamedTuple):
    """What a match holds, lowercased: all or any of ``strings``, and all or any of ``parts`` met.

    The parts of an all-node are any-nodes and the other way round.
    """

    need_all: bool
    strings: tuple[str, ...]  # rarest first
    parts: tuple[_Needs, ...]


def may_match(pattern: re.Pattern[str], folded: str) -> bool:
    r"""Return False only when ``pattern`` cannot match the text that ``fold_case`` turned into ``folded``.

    Every match of ``\b(best|finest) coffee`` holds "coffee" and "best" or "finest" (in any case): looking
    for such runs of ASCII literals in ``folded`` costs a fraction of a search.
    """
    try:
        needs = _pattern_needs(pattern.pattern, pattern.flags)
        return needs is None or (needs in folded if isinstance(needs, str) else _met(needs, folded))
    except RecursionError:  # nested deeper than the stack left here can read (re compiled it with more to spare)
        return True


def _met(needs: _Needs, folded: str) -> bool:
    strings, parts = needs.strings, needs.parts
    if needs.need_all:
        if not all(map(folded.__contains__, strings)):
            return False
        for part in parts:
            if not _met(part, folded):
                return False
        return True
    if any(map(folded.__contains__, strings)):
        return True
    for part in parts:  # each needs all its strings: looking for the rarest here rules most out without a call
        if (not part.strings or part.strings[0] in folded) and _met(part, folded):
            return True
    return False


@lru_cache(maxsize=1024)  # keyed by source and flags: hashing a compiled pattern hashes all its code
def _pattern_needs(source: str, flags: int) -> str | _Needs | None:
    return _sequence_needs(sre_parser.parse(source, flags))  # re.compile's own parser, so read as re reads it


def _sequence_needs(items: sre_parser.SubPattern) -> str | _Needs | None:
    """What parsed items matched one after another need: each run of ASCII literals and each item's needs."""
    needs: list[str | _Needs] = []
    run = ""
    for op, arg in items:
        if op is sre_constants.LITERAL and arg < 128:
            run += chr(arg).lower()
            continue
        if run:
            needs.append(run)
            run = ""
        item_needs = _item_needs(op, arg)
        if item_needs is not None:
            needs.append(item_needs)
    if run:
        needs.append(run)
    return _combine(True, needs) if needs else None


def _item_needs(op: int, arg: Any) -> str | _Needs | None:
    if op is sre_constants.SUBPATTERN:
        return _sequence_needs(arg[-1])
    if op is sre_constants.ATOMIC_GROUP:
        return _sequence_needs(arg)
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
        return _sequence_needs(arg[2]) if arg[0] > 0 else None
    if op is sre_constants.BRANCH:
        alternatives = []
        for branch in arg[1]:
            branch_needs = _sequence_needs(branch)
            if branch_needs is None:
                return None
            alternatives.append(branch_needs)
        return _combine(False, alternatives)
    return None  # character classes, anchors, lookarounds and backreferences promise no literal


def _combine(need_all: bool, needs: list[str | _Needs]) -> str | _Needs:
    strings: set[str] = set()
    parts: list[_Needs] = []
    for need in needs:
        if isinstance(need, str):
            strings.add(need)
        elif need.need_all is need_all:  # all of (all of ...) is all of ...; the same for any
            strings.update(need.strings)
            parts += need.parts
        else:
            parts.append(need)
    # Of two strings one holds, only the longer counts when all are needed, only the shorter when any is.
    strings = {s for s in strings if not any(o != s and (s in o if need_all else o in s) for o in strings)}
    if len(strings) + len(parts) == 1:
        return strings.pop() if strings else parts[0]
    return _Needs(need_all, tuple(sorted(strings, key=_rarity)), tuple(sorted(parts, key=_rarity)))


def _rarity(needs: str | _Needs) -> float:
    """Roughly how likely prose meets the needs: each letter makes a string about ten times rarer."""
    if isinstance(needs, str):
        return 0.1 ** len(needs)
    odds = [_rarity(need) for need in (*needs.strings, *needs.parts)]
    return min(odds) if needs.need_all else sum(odds)


# --- Readability -----------------------------------------------------------------------------

# ``[.!?]+(?=[\s"')\]”’]|$)|\n`` with its first character taken first, so that re can jump from one to the next.
_SENTENCE_BREAK_RE = re.compile(r"[\n.!?](?:(?<=\n)|[.!?]*(?=[\s\"')\]”’]|$))")


def readability_text(text: str) -> str:
    """Return the text scored for readability: no markers, links, hashtags, mentions or emoji."""
    cleaned = remove_links(_MARKER_RE.sub(" ", text))
    return remove_emoji(_MENTION_RE.sub(" ", _HASHTAG_RE.sub(" ", cleaned)))


_NON_LETTER_RE = re.compile(r"[^a-z]")
_CONSONANT_Y_RE = re.compile(r"y(?=[aeiou])")
_VOWEL_GROUP_RE = re.compile(r"[aeiouy]+")
_LE_END_RE = re.compile(r"[^aeiouy]le$")
_ES_END_RE = re.compile(r"[^aeiouyscxzgl]es$")
_VOWEL_PAIR_RE = re.compile(r"(?<![cstgx])i[aou]|(?<![qg])u[ao]")
_SILENT_E_SUFFIX_RE = re.compile(r"[^aeiouyl]e(?:ment|ful|ness|less|ly)s?$")


@lru_cache(maxsize=8192)
def count_syllables(word: str) -> int:
    """Estimate the syllables in an English word with vowel-group rules (0 for no letters)."""
    w = _NON_LETTER_RE.sub("", word.lower())
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    w = _CONSONANT_Y_RE.sub("_", w.lstrip("y"))
    count = len(_VOWEL_GROUP_RE.findall(w))
    if w.endswith("e") and not w.endswith(("ee", "ye")) and not _LE_END_RE.search(w):
        count -= 1
    elif w.endswith("ed") and not w.endswith(("ted", "ded")):
        count -= 1
    elif _ES_END_RE.search(w) and not w.endswith(("ches", "shes")):
        count -= 1
    count += len(_VOWEL_PAIR_RE.findall(w))
    count -= len(_SILENT_E_SUFFIX_RE.findall(w))
    return max(count, 1)


_LETTER_RE = re.compile(r"[A-Za-z]")
# ``[A-Za-z]+`` written so that re can jump from one letter to the next.
_WORD_PIECE_RE = re.compile(r"[A-Za-z][A-Za-z]*(?:['’][A-Za-z]+)*")


def _words(text: str) -> list[str]:
    return list(filter(_LETTER_RE.search, text.split()))


def flesch_kincaid_grade(text: str) -> float | None:
    """Return the Flesch-Kincaid grade of ``text``, or None when it has no words.

    Words are whitespace tokens holding a letter; a sentence ends at ``.``, ``!``, ``?`` or
    a line break.
    """
    words = _words(text)
    if not words:
        return None
    # A part holds a word when it holds a letter; word pieces never hold a space, so they can be found in one pass.
    sentences = len(list(filter(_LETTER_RE.search, _SENTENCE_BREAK_RE.split(text))))
    syllables = sum(map(count_syllables, _WORD_PIECE_RE.findall(text)))
    return 0.39 * len(words) / max(sentences, 1) + 11.8 * syllables / len(words) - 15.59


# --- Hashtag words ---------------------------------------------------------------------------

_WORDS_FILE = "words.txt"
_LETTER_RUN_RE = re.compile(r"[^\W\d_]+")
_SHORT_PIECE_RANK = 26_000  # words of 2-3 letters split off a hashtag must be this common


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, int]:
    """Map each word of ``words.txt`` to its frequency rank (0 = most frequent)."""
    source = resources.files(__package__).joinpath(_WORDS_FILE)
    lines = source.read_text(encoding="utf-8").splitlines()
    words = (line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))
    lexicon: dict[str, int] = {}
    for word in words:
        lexicon.setdefault(word, len(lexicon))
    return lexicon


def is_known_word(word: str) -> bool:
    """Return True if ``word`` or a regular inflection of it is in the word list."""
    lexicon, w = _lexicon(), word.lower()
    if w in lexicon:
        return True
    stems = []
    for suffix, endings in (("ies", ("y",)), ("es", ("",)), ("s", ("",)), ("ied", ("y",)),
                            ("ed", ("", "e")), ("ing", ("", "e")), ("ly", ("",))):  # fmt: skip
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stem = w[: -len(suffix)]
            stems += [stem + ending for ending in endings]
            if suffix in ("ed", "ing") and len(stem) > 2 and stem[-1] == stem[-2]:
                stems.append(stem[:-1])
    return any(stem in lexicon for stem in stems)


@lru_cache(maxsize=1024)
def _segment(word: str) -> tuple[str, ...] | None:
    """Split a lowercase word into the fewest, most common known words (None if impossible)."""
    lexicon = _lexicon()
    best: list[tuple[int, float, int] | None] = [(0, 0.0, 0)] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 24), end - 1):
            previous, piece = best[start], word[start:end]
            rank = lexicon.get(piece)
            if previous is None or rank is None or (len(piece) <= 3 and rank > _SHORT_PIECE_RANK):
                continue
            candidate = (previous[0] + 1, previous[1] + math.log(rank + 2), start)
            current = best[end]
            if current is None or candidate[:2] < current[:2]:
                best[end] = candidate
    if best[-1] is None:
        return None
    pieces, end = [], len(word)
    while end > 0:
        start = best[end][2]  # type: ignore[index]
        pieces.append(word[start:end])
        end = start
    return tuple(reversed(pieces))


def _case_chunks(letters: str, offset: int) -> list[tuple[int, str]]:
    """Split a run of letters at case changes: ``PDXCoffee`` -> ``PDX``, ``Coffee``."""
    chunks, start = [], 0
    for i in range(1, len(letters)):
        prev, char, nxt = letters[i - 1], letters[i], letters[i + 1 : i + 2]
        if char.isupper() and (prev.islower() or (prev.isupper() and nxt.islower())):
            chunks.append((offset + start, letters[start:i]))
            start = i
    chunks.append((offset + start, letters[start:]))
    return chunks


def hashtag_words(tag: str, known: Container[str] = frozenset()) -> list[tuple[int, str]]:
    """Return ``(offset, word)`` for each word of a hashtag body, as written.

    Words are split at digits, ``_`` and case changes; an all-lowercase or capitalised run
    that is not a known word (nor in ``known``) but splits into 2+ known words counts as
    those words. Single letters are ignored (``#iPhone`` is one word).
    """
    words: list[tuple[int, str]] = []
    for offset, chunk, is_word in _tag_chunks(tag.removeprefix("#")):
        lower = chunk.lower()
        if is_word or lower in known:
            words.append((offset, chunk))
            continue
        position = 0
        for piece in _segment(lower) or (lower,):
            words.append((offset + position, chunk[position : position + len(piece)]))
            position += len(piece)
    return words


@lru_cache(maxsize=1024)
def _tag_chunks(body: str) -> tuple[tuple[int, str, bool], ...]:
    """Each piece of 2+ letters of a hashtag body split at case changes, its offset, and whether it is a word as is."""
    return tuple(
        (offset, chunk, chunk.isupper() or len(chunk) <= 3 or is_known_word(chunk.lower()))
        for run in _LETTER_RUN_RE.finditer(body)
        for offset, chunk in _case_chunks(run.group(0), run.start())
        if len(chunk) >= 2
    )


def camel_case_hashtag(tag: str, known: Container[str] = frozenset()) -> str:
    """Return the tag with every word capitalised (``#coldbrew`` -> ``#ColdBrew``)."""
    body = list(tag.removeprefix("#"))
    for offset, _ in hashtag_words(tag, known):
        body[offset] = body[offset].upper()
    return "#" + "".join(body)
