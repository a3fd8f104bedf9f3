"""Follow-up edits to a draft without a language model: shorter, without hashtags or emoji, another take."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from tools.content.text import find_hashtags, find_links, remove_emoji
from tools.content.threads import sentences

_REVISION = re.compile(
    r"^\s*(?:(?:ok|okay|hmm|nice|great|cool|thanks|good)[,.!]?\s+)?(?:(?:can|could|would) you\s+|pls\s+|please\s+)?"
    r"(?:make (?:it|this|that|them)\b|shorten|shorter|trim|tighten|cut (?:it|this)|longer|expand|"
    r"(?:add|remove|drop|lose|no|fewer|more|less)\s+(?:the\s+)?(?:hashtags?|emojis?|emoji)|without (?:the )?"
    r"(?:hashtags?|emojis?)|rephrase|reword|rewrite (?:it|this|that)|try again|another (?:version|one|take|option)|"
    r"again|tweak (?:it|this)|punch (?:it|this) up|tone (?:it|this) down|more (?:casual|formal|fun|playful|"
    r"professional|friendly|serious)|less (?:salesy|formal|casual))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Revision:
    """A revised text and what was done, in words for the reply."""

    text: str
    summary: str
    needs_model: bool = False


def is_revision_request(text: str) -> bool:
    """Whether a message asks to change the thread's last draft rather than write a new one."""
    return bool(_REVISION.search(text)) and len(text.split()) <= 25


def _split_tail(text: str) -> tuple[str, list[str], list[str]]:
    links = find_links(text)
    tags = find_hashtags(text)
    body = text
    for token in [*links, *tags]:
        body = body.replace(token, " ")
    body = re.sub(r"[ \t]+", " ", body)
    body = re.sub(r"\s*\n\s*", "\n", body).strip()
    return body, links, tags


def _join(body: str, links: list[str], tags: list[str]) -> str:
    tail = " ".join([*links, *tags]).strip()
    return f"{body}\n\n{tail}".strip() if tail else body


def revise_offline(text: str, instruction: str, *, alternative: str | None = None) -> Revision:
    """Apply the edits that need no language model; say so when the request needs one."""
    lowered = instruction.lower()
    body, links, tags = _split_tail(text)
    if re.search(r"\b(no|remove|drop|lose|without|fewer)\s+(the\s+)?hashtags?\b", lowered):
        return Revision(_join(body, links, []), "removed the hashtags")
    if re.search(r"\b(no|remove|drop|lose|without|fewer)\s+(the\s+)?emojis?\b", lowered):
        return Revision(_join(remove_emoji(body).strip(), links, tags), "removed the emoji")
    if re.search(r"\b(shorter|shorten|trim|tighten|cut|less)\b", lowered):
        units = sentences(body)
        keep = max(1, math.ceil(len(units) / 2)) if len(units) > 1 else 1
        shorter = " ".join(units[:keep])
        if len(units) <= 1 and tags:
            tags = tags[:1]
        return Revision(_join(shorter, links, tags), "kept the opening sentence(s) and cut the rest")
    if alternative is not None and re.search(r"\b(another|again|rephrase|reword|rewrite|try)\b", lowered):
        return Revision(alternative, "wrote another version")
    return Revision(text, "kept the text unchanged", needs_model=True)
