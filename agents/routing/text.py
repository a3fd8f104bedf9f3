"""Normalises chat messages before routing: shorthand, platform nicknames, misspelt platform names, noise."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

SHORTHAND_PATH = Path(__file__).resolve().parent.parent / "data" / "routing_shorthand.yaml"
_X_AS_PLATFORM = re.compile(
    r"\b(?:(on|for|to|via|at|and|or|from|in) x\b(?!-)|x\s+(?=(post|posts|thread|threads|account|space|"
    r"spaces|premium|ads?|audience|followers|handle|bio|poll|polls|reply|replies|hashtags?|communit(?:y|ies)|"
    r"trends?|trending|algorithm|strategy|content|profile|engagement|analytics|impressions)\b))",
    re.IGNORECASE,
)
_MENTION = re.compile(r"<@[A-Z0-9]+>|@brandpilot\b", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")
_SPACES = re.compile(r"\s+")
_QUOTE = re.compile(r"(?<!\w)([\"“‘'])(.{40,}?)([\"”’'])(?!\w)", re.DOTALL)
QUOTE_WORDS = 12
MAX_WORDS = 80
PLATFORM_NAMES = ("instagram", "linkedin", "facebook", "youtube", "twitter", "tiktok")
# Real words within a typo of a platform name: never "corrected".
_NEAR_PLATFORM_WORDS = frozenset({"linked", "twister", "titter", "youtuber"})
_PLATFORM_LETTERS = tuple((name, frozenset(name), 2 if len(name) >= 8 else 1) for name in PLATFORM_NAMES)
_WORD = re.compile(r"(?<![\w@#/.-])[A-Za-z]{5,11}(?![\w/.-]*\w)")


@lru_cache(maxsize=1)
def _shorthand() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {str(k).lower(): str(v) for k, v in yaml.safe_load(SHORTHAND_PATH.read_text()).items()}
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w/])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w/])", re.IGNORECASE)
    return pattern, table


def normalize(text: str) -> str:
    """Expand shorthand and platform nicknames; drop bot mentions, links and control characters."""
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
    text = _MENTION.sub(" ", text)
    text = _URL.sub(" link ", text)
    text = _X_AS_PLATFORM.sub(lambda m: (m.group(1) + " " if m.group(1) else "") + "x twitter ", text)
    pattern, table = _shorthand()
    text = pattern.sub(lambda m: table[m.group(1).lower()], text)
    text = _WORD.sub(lambda m: _platform_spelling(m.group(0)), text)
    text = _QUOTE.sub(_shorten_quote, text)
    words = text.split()
    if len(words) > MAX_WORDS:  # a pasted draft: the request is at its start or end
        words = words[: MAX_WORDS // 2] + ["…"] + words[-MAX_WORDS // 2 :]
    return " ".join(words)


def _shorten_quote(match: re.Match[str]) -> str:
    """Quoted material is data, not the request: keep only its opening words for routing."""
    words = match.group(2).split()
    body = " ".join(words[:QUOTE_WORDS]) + (" …" if len(words) > QUOTE_WORDS else "")
    return f"{match.group(1)}{body}{match.group(3)}"


@lru_cache(maxsize=8192)
def _platform_spelling(word: str) -> str:
    """The platform name a word misspells ("instagarm", "youtbue", "linkedln"), else the word itself.

    A word is taken for a platform name when one typo (two for the longer names) turns one into the other and
    their lengths differ by at most that much; real words that close to a name are kept.
    """
    lower = word.lower()
    if lower in PLATFORM_NAMES or lower in _NEAR_PLATFORM_WORDS:
        return word
    letters = set(lower)
    for name, name_letters, allowed in _PLATFORM_LETTERS:
        if abs(len(lower) - len(name)) > allowed or len(letters ^ name_letters) > 2 * allowed:
            continue  # one edit changes the set of letters by at most two
        if typo_distance(lower, name, allowed) <= allowed:
            return name
    return word


def typo_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`; anything over `limit` is `limit + 1`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)
