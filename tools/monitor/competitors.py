"""A brand's competitors: who they are (from brand.yaml), and which of them a mention is about."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from tools.monitor.mentions import Mention

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=80)]


class Competitor(BaseModel):
    """One competitor to track: its id (used in files and commands), name, handles and other words for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: Word
    handles: list[Word] = Field(default_factory=list)
    keywords: list[Word] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.fullmatch(value):
            raise ValueError(f"use lower-case letters, digits, '-' or '_', like {slug(value)!r}")
        return value

    def words(self) -> list[str]:
        """Everything that names it in a mention: name, handles (with and without @) and keywords."""
        handles = [h.lstrip("@") for h in self.handles]
        return [self.name, *handles, *(f"@{h}" for h in handles), *self.keywords]


def x_query(competitor: Competitor, *, limit: int = 512) -> str:
    """An X recent-search query for what people say about a competitor: its names and handles, no retweets.

    Terms that would take the query past `limit` characters (X's basic limit is 512) are left out.
    """

    def phrase(text: str) -> str:
        text = text.replace('"', "").strip()
        return f'"{text}"' if " " in text or not text.isalnum() else text

    terms = [phrase(competitor.name), *(f"@{h.lstrip('@')}" for h in competitor.handles)]
    terms += [phrase(k) for k in competitor.keywords]
    query = ""
    for term in dict.fromkeys(terms):
        candidate = f"{query} OR {term}" if query else term
        if len(f"({candidate}) -is:retweet") > limit:
            break
        query = candidate
    return f"({query}) -is:retweet"


def slug(name: str) -> str:
    """A competitor id made from its name: "Bean Baron" -> "bean-baron"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64] or "competitor"


def from_banned_names(rules: Iterable[tuple[str, Sequence[str]]]) -> list[Competitor]:
    """Competitors read from banned-terms rules whose id mentions competitors, for packs with no `competitors:` list.

    Kettle & Ember's pack bans naming rivals (`banned-competitor-names`); those names are the ones to track.
    """
    found: dict[str, Competitor] = {}
    for rule_id, terms in rules:
        if "competitor" in rule_id.lower() or "rival" in rule_id.lower():
            for term in terms:
                found.setdefault(slug(term), Competitor(id=slug(term), name=term))
    return list(found.values())


def _pattern(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({re.escape(w.strip()) for w in words if w.strip()}, key=len, reverse=True)
    return re.compile(r"(?<![\w@#])(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


class SubjectReader:
    """Tells which competitor a mention names, when it names one competitor and not the brand itself."""

    def __init__(self, brand_words: Iterable[str], competitors: Sequence[Competitor]) -> None:
        self.brand = _pattern(brand_words)
        self.competitors = [(c.id, _pattern(c.words())) for c in competitors]
        self.ids = frozenset(c.id for c in competitors)

    def subject(self, text: str) -> str | None:
        """The competitor id the text is about, or None (the brand, several competitors, or none named)."""
        if self.brand.search(text):
            return None
        named = [cid for cid, pattern in self.competitors if pattern.search(text)]
        return named[0] if len(named) == 1 else None

    def tag(self, mentions: Iterable[Mention], *, competitor: str | None = None) -> list[Mention]:
        """The mentions with their subject: `competitor` for all, else the file's own, else read from the text.

        Raises:
            ValueError: a subject that is not one of the brand's competitors.
        """
        tagged = []
        for mention in mentions:
            subject = competitor or mention.subject or self.subject(mention.text)
            if subject is not None and subject not in self.ids:
                known = ", ".join(sorted(self.ids)) or "none: add a `competitors:` list to brand.yaml"
                where = f"{mention.platform} mention {mention.external_id}"
                raise ValueError(f"{where}: {subject!r} is not one of the brand's competitors (known: {known})")
            tagged.append(replace(mention, subject=subject) if subject != mention.subject else mention)
        return tagged
