"""Hashtag strategy: candidates from the brand's tags and the topic, ranked by past performance when known."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from sqlalchemy.exc import SQLAlchemyError

from agents.context import AgentContext
from agents.replies import reply
from tools.content.compose import VoiceKit
from tools.content.topic_tags import pairs_and_words, valid_tags

log = logging.getLogger(__name__)

PRIOR_POSTS = 3.0


class HashtagRecord(NamedTuple):
    """How one hashtag did on one past post: the post's reach and its engagements."""

    hashtag: str
    reach: int
    engagements: int


def _mentioned(tag: str, text: str) -> bool:
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", tag.removeprefix("#"))
    return bool(words) and re.search(r"\b" + r"\W*".join(map(re.escape, words)), text, re.IGNORECASE) is not None


def hashtag_candidates(
    topic: str, kit: VoiceKit, suggested: Iterable[str] = (), known: Iterable[str] = ()
) -> list[str]:
    """The brand's main tag, the topic's word pairs, suggested tags, the topic's words, then the brand's other tags.

    The brand's other tags (a club, a campaign) are candidates only when the topic mentions them or
    they are `known` from past posts, so an unrelated campaign tag doesn't pad a post.
    """
    ideas = valid_tags([tag if tag.startswith("#") else f"#{tag}" for tag in suggested])
    joined, words = pairs_and_words(topic, 2, 3)
    seen_before = {tag.lower() for tag in known}
    others = [tag for tag in kit.brand_tags[1:] if tag.lower() in seen_before or _mentioned(tag, topic)]
    ordered = [*kit.brand_tags[:1], *joined, *ideas, *words, *others]
    seen: dict[str, str] = {}
    for tag in ordered:
        seen.setdefault(tag.lower(), tag)
    return list(seen.values())


def rank_hashtags(
    candidates: Sequence[str],
    history: Iterable[HashtagRecord | tuple[str, int, int]],
    *,
    limit: int | None = None,
    prior_posts: float = PRIOR_POSTS,
) -> list[str]:
    """The candidates, best first, at most `limit` of them.

    A tag's score is its engagement rate weighted by reach (its engagements over its reach across
    past posts), shrunk towards the rate of all the history by `prior_posts` average posts' worth
    of reach, so one lucky post on a small audience cannot outrank a tag that does well again and
    again. Tags with no history score the overall rate. Ties, and everything when the history is
    empty, keep the candidates' order. Tags match without regard to case; repeats are dropped.
    """
    reach: dict[str, int] = {}
    engaged: dict[str, int] = {}
    records = 0
    for tag, seen, engagements in history:
        key = tag.lower() if tag.startswith("#") else f"#{tag.lower()}"
        reach[key] = reach.get(key, 0) + max(int(seen), 0)
        engaged[key] = engaged.get(key, 0) + max(int(engagements), 0)
        records += 1
    total_reach = sum(reach.values())
    prior_rate = sum(engaged.values()) / total_reach if total_reach else 0.0
    prior_reach = prior_posts * total_reach / records if records else 0.0

    def score(tag: str) -> float:
        key = tag.lower()
        if key not in reach or reach[key] + prior_reach == 0:
            return prior_rate
        return (engaged[key] + prior_rate * prior_reach) / (reach[key] + prior_reach)

    unique: dict[str, str] = {}
    for tag in candidates:
        unique.setdefault(tag.lower(), tag)
    ranked = sorted(unique.values(), key=lambda tag: -score(tag))  # sorted() is stable: ties keep their order
    return ranked if limit is None else ranked[: max(limit, 0)]


def choose_hashtags(
    topic: str,
    kit: VoiceKit,
    history: Sequence[HashtagRecord] = (),
    suggested: Iterable[str] = (),
) -> list[str]:
    """The hashtags for a post: candidates from the brand and the topic, ranked, within the brand's limit."""
    candidates = hashtag_candidates(topic, kit, suggested, known=[record[0] for record in history])
    return rank_hashtags(candidates, history, limit=kit.hashtag_limit)


def past_hashtags(ctx: AgentContext, platform: str, *, posts: int = 500) -> list[HashtagRecord]:
    """How each hashtag did on the brand's recent measured posts on the platform (empty without a history store)."""
    if ctx.history is None:
        return []
    try:
        outcomes = ctx.history.outcomes(ctx.brand.id, platform=platform, limit=posts)
    except SQLAlchemyError:  # drafting goes on without history; the reply says none was used
        log.warning("could not read the post history for hashtags", exc_info=True)
        return []
    return [HashtagRecord(*row) for outcome in outcomes for row in outcome.hashtag_rows() if row[1] > 0]


def hashtag_note(tags: Sequence[str], history: Sequence[HashtagRecord]) -> str:
    """The reply line saying which hashtags were chosen and what evidence ranked them."""
    shown = " ".join(tags) or "none"
    if not history:
        return reply("hashtags_no_history", tags=shown)
    return reply("hashtags_ranked", tags=shown, uses=len(history), distinct=len({r[0].lower() for r in history}))
