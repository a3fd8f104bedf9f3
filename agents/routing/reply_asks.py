"""Requests to answer someone's post ("reply to this tweet: ...") recognised in plain words."""

from __future__ import annotations

import re

REPLY = re.compile(
    r"\b(?:(?:a|an|our|the|draft|write|suggest|some|quick|short|polite|friendly|good)\s+"
    r"(?:repl(?:y|ies)|responses?|answers?|comebacks?)|repl(?:y|ies|ying)\s+(?:to|for|under)|"
    r"respond(?:ing)?\s+to|answer(?:ing)?\s+(?:this|that|the|her|his|their|them|him|these|@)|get back to|"
    r"say back)\b",
    re.IGNORECASE,
)
_ON_X = re.compile(
    r"\b(?:tweet\w*|twitter|x\.com|on x|x post|post on x|their post on x)\b|(?<![\w@.])@[A-Za-z0-9_]{1,15}\b",
    re.IGNORECASE,
)


_CRISIS = re.compile(
    r"\b(?:crisis|outage|recall\w*|backlash|viral|boycott\w*|lawsuit|allegation\w*|poison\w*|injur\w*|safety|"
    r"angry|furious|upset|outrage\w*|complain\w*|apolog\w*|scandal|leak\w*|breach|hack\w*|pile[- ]?on)\b",
    re.IGNORECASE,
)
_RESPONSE_ASK = re.compile(
    r"\b(?:draft|write|prepare|put together|craft|need)\b[^.\n:?!]{0,40}?"
    r"\b(?:response|statement|repl(?:y|ies)|apolog(?:y|ies)|reaction)\b",
    re.IGNORECASE,
)
_QUOTES = re.compile(r"\"[^\"]*\"|“[^”]*”|(?<!\w)'[^']*'(?!\w)")


def x_reply_ask(text: str) -> bool:
    """Whether a message asks for an answer to someone's X post (a reply verb and an X post, link or @handle).

    Quoted text is the material, not the ask: "check this tweet: 'reply to win'" asks for a check.
    """
    ask = _QUOTES.sub(" ", text)
    return bool(REPLY.search(ask) and _ON_X.search(ask))


def crisis_cue(text: str) -> bool:
    """Whether a message speaks of a crisis (an outage, a recall, angry customers): the crisis responder's."""
    return bool(_CRISIS.search(text))


def crisis_response_ask(text: str) -> bool:
    """Whether the message's first line asks for a response or statement about a crisis the message describes.

    "Draft a public response to this alert: <the alert and its evidence>" asks the crisis responder, however
    much of the pasted alert speaks the crisis detector's words.
    """
    ask = _QUOTES.sub(" ", text.split("\n", 1)[0])
    return bool(_RESPONSE_ASK.search(ask)) and crisis_cue(text)
