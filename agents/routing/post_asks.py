"""Requests for a post ("put up a linkedin post that …", "tiktok announcement that …") recognised in plain words."""

from __future__ import annotations

import re

from tools.content.brief import PLATFORM_WORD, PUBLISHING_VERB

OPENING = (
    r"^\W*(?:(?:hey|hi|ok|okay|so|pls|please)\W+)*(?:(?:can|could|would) (?:you|u)\s+|(?:i|we) need (?:you )?to\s+)?"
    r"(?:please\s+)?"
)
_NOUN = r"(?:post|tweet|thread|caption|reel|video|story|update|announcement|carousel|short)"
# up to four words between the article and the post ("a quick linkedin and instagram post"), none of them one that
# starts a phrase of its own ("a summary of our tiktok post performance" asks for a summary)
_FILLER = r"(?:(?!(?:of|on|about|from|in|for|with|to|by|the|our|my|their|its)\b)[\w'-]+\s+){0,4}?"
# a verb that puts something up, then the post: "shoot out a tweet", "do a quick linkedin post"
POST = (
    rf"(?:{PUBLISHING_VERB}|do|(?:i |we )?need|(?:i |we )?want)\s+(?:a|an|one|another|some)\s+"
    rf"{_FILLER}{_NOUN}s?\b"
    r"(?!\s+(?:schedule|plan|calendar|ideas?|times?|timing|cadence|frequency|mix|strategy)\b)"
)
_VERB_ASK = re.compile(
    OPENING + r"(?:(?:write|draft|compose|create|make)\s+(?:a|an|one|another|some)\s+"
    rf"{_FILLER}{_NOUN}\b|{POST})",
    re.IGNORECASE,
)
_PLATFORM = rf"(?:{PLATFORM_WORD}|linked in|li|tik tok|tt)"
# no verb: the platform's post, then what it says ("tiktok announcement that …", "a quick fb update saying …")
_NAMED_POST = re.compile(
    rf"^\W*(?:(?:a|an|one)\s+)?(?:(?:quick|short|new|little|fun)\s+)?{_PLATFORM}(?:\s*(?:and|&|\+|/|or|,)\s*{_PLATFORM})*"
    rf"\s+(?:[\w'-]+\s+)?{_NOUN}\s*(?::|\b(?:that|saying|about|announcing|thanking|telling|letting|inviting|"
    r"celebrating|re)\b)",
    re.IGNORECASE,
)
# a verb, where, then what to say: "post on linkedin and instagram that …", "share on fb: …"
_ON_PLATFORM = re.compile(
    OPENING + r"(?:post|share|publish|put (?:it |this )?(?:up|out)|announce|tweet)\s+(?:(?:it|this|something)\s+)?"
    r"(?:on|to)\s+(?:[\w'-]+\s+){0,3}?(?:[\w'-]+\s*:|[\w'-]+\s+(?:that|saying|announcing|thanking|telling)\b)",
    re.IGNORECASE,
)


def asks_for_a_post(text: str) -> bool:
    """Whether a message's first line asks for a post to be written or put up, whatever the post speaks of.

    A question ("linkedin post that did best last month?") is not such a request unless it opens with a verb.
    """
    first = text.strip().split("\n", 1)[0]
    if _VERB_ASK.search(first):
        return True
    return "?" not in first and bool(_NAMED_POST.search(first) or _ON_PLATFORM.search(first))
