"""Pure text helpers for drafts: markers, hashtags, links, emoji, readability and casing."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

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
    lines = []
    for line in text.split("\n"):
        cleaned = _MARKER_WITH_SPACE_RE.sub("", line)
        if cleaned.strip() or not _MARKER_RE.search(line):
            lines.append(cleaned)
    return "\n".join(lines).strip()


# --- Links, hashtags and mentions ------------------------------------------------------------

_LINK_RE = re.compile(r"(?<![^\s(\[<\"'“‘])(?:https?://|www\.)\S+", re.IGNORECASE)
_LINK_TRAILING = ".,!?)\"'”’;:]>"
_HASHTAG_RE = re.compile(r"(?<![\w&#])#[^\W\d_]\w*")
_MENTION_RE = re.compile(r"(?<![\w@.])@\w+")


def find_links(text: str) -> list[str]:
    """Return links (tokens starting http://, https:// or www.) minus trailing punctuation."""
    links = []
    for match in _LINK_RE.finditer(text):
        link = match.group(0).rstrip(_LINK_TRAILING)
        if link.lower() not in ("http://", "https://", "www."):
            links.append(link)
    return links


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


def find_emoji(text: str) -> list[str]:
    """Return each emoji; a ZWJ, skin-tone, keycap or flag sequence is one emoji."""
    found, i = [], 0
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
    if _EMOJI_CANDIDATE.search(text) is None:  # all of those are non-ASCII
        return text
    pieces, i = [], 0
    while i < len(text):
        end = _emoji_end(text, i)
        if end is None:
            if text[i] not in (_VS_EMOJI, _VS_TEXT, _ZWJ, _KEYCAP):
                pieces.append(text[i])
            i += 1
        else:
            pieces.append(" ")
            i = end
    return "".join(pieces)


def emoji_only_lines(text: str) -> list[str]:
    """Return the lines made only of emoji and spaces."""
    return [
        line.strip()
        for line in text.split("\n")
        if line.strip() and find_emoji(line) and not remove_emoji(line).strip()
    ]


# --- Casing and term matching ----------------------------------------------------------------


def find_all_caps_words(text: str, min_letters: int = 4) -> list[str]:
    """Return runs of ``min_letters``+ capital letters A-Z; hashtags, mentions and links skipped."""
    cleaned = _MENTION_RE.sub(" ", _HASHTAG_RE.sub(" ", remove_links(text)))
    return [word for word in re.findall(r"[A-Za-z]+", cleaned) if len(word) >= min_letters and word.isupper()]


@lru_cache(maxsize=512)
def _term_re(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(term) + r"(?![A-Za-z0-9])", re.IGNORECASE)


def find_term(text: str, term: str) -> str | None:
    """Return the text of the first whole-word, case-insensitive match of ``term``, if any."""
    match = _term_re(term).search(text)
    return match.group(0) if match else None


@lru_cache(maxsize=256)
def _any_term_re(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(term) for term in terms)
    return re.compile(r"(?<![A-Za-z0-9])(?:" + alternatives + r")(?![A-Za-z0-9])", re.IGNORECASE)


def has_any_term(text: str, terms: tuple[str, ...]) -> bool:
    """Whether any of ``terms`` occurs as ``find_term`` would find it (one pass instead of one per term)."""
    return bool(terms) and _any_term_re(terms).search(text) is not None


# --- Readability -----------------------------------------------------------------------------

_SENTENCE_BREAK_RE = re.compile(r"[.!?]+(?=[\s\"')\]”’]|$)|\n")


def readability_text(text: str) -> str:
    """Return the text scored for readability: no markers, links, hashtags, mentions or emoji."""
    cleaned = remove_links(_MARKER_RE.sub(" ", text))
    return remove_emoji(_MENTION_RE.sub(" ", _HASHTAG_RE.sub(" ", cleaned)))


@lru_cache(maxsize=8192)
def count_syllables(word: str) -> int:
    """Estimate the syllables in an English word with vowel-group rules (0 for no letters)."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    w = re.sub(r"y(?=[aeiou])", "_", w.lstrip("y"))
    count = len(re.findall(r"[aeiouy]+", w))
    if w.endswith("e") and not w.endswith(("ee", "ye")) and not re.search(r"[^aeiouy]le$", w):
        count -= 1
    elif w.endswith("ed") and not w.endswith(("ted", "ded")):
        count -= 1
    elif re.search(r"[^aeiouyscxzgl]es$", w) and not w.endswith(("ches", "shes")):
        count -= 1
    count += len(re.findall(r"(?<![cstgx])i[aou]|(?<![qg])u[ao]", w))
    count -= len(re.findall(r"[^aeiouyl]e(?:ment|ful|ness|less|ly)s?$", w))
    return max(count, 1)


_LETTER_RE = re.compile(r"[A-Za-z]")
_WORD_PIECE_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


def _words(text: str) -> list[str]:
    return [token for token in text.split() if _LETTER_RE.search(token)]


def flesch_kincaid_grade(text: str) -> float | None:
    """Return the Flesch-Kincaid grade of ``text``, or None when it has no words.

    Words are whitespace tokens holding a letter; a sentence ends at ``.``, ``!``, ``?`` or
    a line break.
    """
    words = _words(text)
    if not words:
        return None
    sentences = sum(1 for part in _SENTENCE_BREAK_RE.split(text) if _words(part))
    syllables = sum(sum(count_syllables(piece) for piece in _WORD_PIECE_RE.findall(word)) for word in words)
    return 0.39 * len(words) / max(sentences, 1) + 11.8 * syllables / len(words) - 15.59


# --- Hashtag words ---------------------------------------------------------------------------

_WORDS_FILE = "words.txt"
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


def _segment(word: str) -> list[str] | None:
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
    return pieces[::-1]


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


def hashtag_words(tag: str, known: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """Return ``(offset, word)`` for each word of a hashtag body, as written.

    Words are split at digits, ``_`` and case changes; an all-lowercase or capitalised run
    that is not a known word (nor in ``known``) but splits into 2+ known words counts as
    those words. Single letters are ignored (``#iPhone`` is one word).
    """
    body = tag.removeprefix("#")
    words: list[tuple[int, str]] = []
    for run in re.finditer(r"[^\W\d_]+", body):
        for offset, chunk in _case_chunks(run.group(0), run.start()):
            lower = chunk.lower()
            if len(chunk) < 2:
                continue
            if chunk.isupper() or len(chunk) <= 3 or lower in known or is_known_word(lower):
                words.append((offset, chunk))
                continue
            position = 0
            for piece in _segment(lower) or [lower]:
                words.append((offset + position, chunk[position : position + len(piece)]))
                position += len(piece)
    return words


def camel_case_hashtag(tag: str, known: frozenset[str] = frozenset()) -> str:
    """Return the tag with every word capitalised (``#coldbrew`` -> ``#ColdBrew``)."""
    body = list(tag.removeprefix("#"))
    for offset, _ in hashtag_words(tag, known):
        body[offset] = body[offset].upper()
    return "#" + "".join(body)
