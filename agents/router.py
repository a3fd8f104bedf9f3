"""Routes a message to a specialist: embedding classifier first, then an LLM, then a question."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from agents.routing.classifier import FEATURE_VERSION, RouterModel, train
from agents.routing.exemplars import OUT_OF_SCOPE, SpecialistExemplars, data_fingerprint, load_exemplars
from agents.routing.post_asks import asks_for_a_post
from agents.routing.reply_asks import crisis_cue, crisis_response_ask, x_reply_ask
from agents.routing.strategy_asks import strategy_ask
from agents.routing.text import SHORTHAND_PATH, normalize
from tools.analytics.asks import ab_counts
from tools.content.brief import platforms_in
from tools.content.revise import is_revision_request

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)
SHIPPED_MODEL_PATH = Path(__file__).resolve().parent / "data" / "router_model.npz"
Method = Literal["semantic", "rule", "llm", "fallback"]
STRATEGIST = "content_strategist"
RESPONDER = "crisis_responder"
# Specialists whose wording overlaps the strategist's: "best time to post on TikTok" names a platform, and
# "show the calendar" reads like nothing BrandPilot drafts. A clear strategy ask goes to the strategist.
_YIELDS_TO_STRATEGY = frozenset({"x", "linkedin", "instagram", "facebook", "tiktok", "youtube", OUT_OF_SCOPE})
# Text quoted for an answer looks like text quoted for a check; a reply to an X post (a reply verb with a tweet,
# an X address or an @handle) is the X specialist's. The crisis responder keeps replies that speak of a crisis.
_YIELDS_TO_X_REPLY = frozenset({"content_quality", OUT_OF_SCOPE, "crisis_responder"})
# Specialists that read and measure but write no posts: "tiktok announcement that the sentiment around our new scent
# has been amazing" asks for a TikTok post, however much it speaks the sentiment analyst's words.
_WRITES_NO_POSTS = frozenset(
    {"crisis_detector", "sentiment_analyst", "social_monitor", "performance_analyst", "market_researcher"}
)


def _yields_to_x_reply(top: str, text: str) -> bool:
    if top not in _YIELDS_TO_X_REPLY or not x_reply_ask(text):
        return False
    return top != "crisis_responder" or not crisis_cue(text)


def _writer_for_post(top: str, text: str) -> str | None:
    """The writer a post request goes to when the classifier picked a specialist that writes no posts."""
    if top not in _WRITES_NO_POSTS or not asks_for_a_post(text):
        return None
    platforms = platforms_in(normalize(text))
    if len(platforms) > 1:
        return "social_coordinator"
    return platforms[0] if platforms else None


def _ab_result(text: str) -> bool:
    """Whether a message gives two versions' conversions and visitors (an A/B result), possible or not."""
    try:
        return ab_counts(text) is not None
    except ValueError:  # impossible counts are still an A/B result, for the campaign manager to explain
        return True


@dataclass(frozen=True)
class RouteDecision:
    """Where a message goes. `agent` is None for out-of-scope or unclear messages."""

    agent: str | None
    confidence: float
    method: Method
    reason: Literal["routed", "follow_up", "out_of_scope", "unclear"]
    candidates: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The `brandpilot route --json` shape."""
        return {"agent": self.agent, "confidence": round(self.confidence, 4), "method": self.method}


def current_fingerprint() -> str:
    """Fingerprint of the exemplar data, shorthand table and feature version."""
    return f"{FEATURE_VERSION}-" + data_fingerprint(extra=(SHORTHAND_PATH,))


def load_router_model(cache_dir: Path | None = None) -> RouterModel:
    """The shipped classifier, or one retrained (and cached) when the exemplars changed."""
    return _load_router_model(current_fingerprint(), cache_dir)


@lru_cache(maxsize=2)
def _load_router_model(fingerprint: str, cache_dir: Path | None) -> RouterModel:
    candidates = [SHIPPED_MODEL_PATH]
    if cache_dir is not None:
        candidates.append(cache_dir / f"router-{fingerprint}.npz")
    for path in candidates:
        if path.exists():
            model = RouterModel.load(path)
            if model.fingerprint == fingerprint:
                return model
    log.warning("routing exemplars changed since the shipped model was trained; retraining")
    model = train(load_exemplars(), fingerprint)
    if cache_dir is not None:
        model.save(cache_dir / f"router-{fingerprint}.npz")
    return model


class Router:
    """The supervisor's routing policy."""

    def __init__(
        self,
        model: RouterModel,
        specialists: dict[str, SpecialistExemplars],
        *,
        confidence_threshold: float = 0.30,
        switch_threshold: float = 0.70,
        llm: BaseChatModel | None = None,
    ) -> None:
        """Route at `confidence_threshold`; leave a thread's specialist only at `switch_threshold`."""
        if not 0.0 < confidence_threshold <= switch_threshold <= 1.0:
            raise ValueError("need 0 < confidence_threshold <= switch_threshold <= 1")
        unknown = set(model.labels) - set(specialists) - {OUT_OF_SCOPE}
        if unknown:
            raise ValueError(f"router model has labels with no exemplar file: {sorted(unknown)}")
        self.model = model
        self.specialists = specialists
        self.confidence_threshold = confidence_threshold
        self.switch_threshold = switch_threshold
        self.llm = llm

    def scores(self, text: str) -> list[tuple[str, float]]:
        """Every label with its probability, best first."""
        probs = self.model.probabilities_for([text])[0]
        return sorted(zip(self.model.labels, (float(p) for p in probs), strict=True), key=lambda x: -x[1])

    def route(self, text: str, *, current_agent: str | None = None) -> RouteDecision:
        """Decide who handles `text`; a thread's current specialist keeps follow-ups."""
        ranked = self.scores(text)
        top, p_top = ranked[0]
        candidates = tuple(ranked[:3])
        if current_agent and is_revision_request(text) and not platforms_in(text):  # "make it shorter"
            return RouteDecision(current_agent, p_top, "semantic", "follow_up", candidates)
        if current_agent and top != current_agent and p_top < self.switch_threshold:
            return RouteDecision(current_agent, p_top, "semantic", "follow_up", candidates)
        if top in _YIELDS_TO_STRATEGY and STRATEGIST in dict(candidates) and strategy_ask(text):
            return RouteDecision(STRATEGIST, dict(candidates)[STRATEGIST], "rule", "routed", candidates)
        if top != "campaign_manager" and _ab_result(text):  # two versions' counts: a test to judge
            return RouteDecision("campaign_manager", dict(ranked)["campaign_manager"], "rule", "routed", candidates)
        if top == "crisis_detector" and crisis_response_ask(text):  # a pasted alert, and a statement asked for
            return RouteDecision(RESPONDER, dict(ranked)[RESPONDER], "rule", "routed", candidates)
        if _yields_to_x_reply(top, text):  # a quoted post to answer, not to check
            return RouteDecision("x", dict(ranked)["x"], "rule", "routed", candidates)
        if writer := _writer_for_post(top, text):
            return RouteDecision(writer, dict(ranked)[writer], "rule", "routed", candidates)
        if top == OUT_OF_SCOPE and p_top >= self.confidence_threshold:
            return RouteDecision(None, p_top, "semantic", "out_of_scope", candidates)
        if top != OUT_OF_SCOPE and p_top >= self.confidence_threshold:
            return RouteDecision(top, p_top, "semantic", "routed", candidates)
        if self.llm is not None:
            from agents.routing.llm_route import route_with_llm

            decided = route_with_llm(self.llm, text, self.specialists)
            if decided is not None:
                agent, confidence = decided
                reason = "routed" if agent else "out_of_scope"
                return RouteDecision(agent, confidence, "llm", reason, candidates)
        return RouteDecision(None, p_top, "fallback", "unclear", candidates)
