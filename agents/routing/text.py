"""Normalises chat messages before routing: shorthand, platform nicknames, noise."""

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
