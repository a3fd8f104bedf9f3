"""Which kind of crisis an incident is, from its mentions: a phrase lexicon plus MiniLM similarity to prototypes.

There is no labelled crisis data here, so the method is a documented heuristic, not a trained model:

1. Lexicon: each type has phrase patterns ("recall", "cease and desist", "checkout error", "where is my order").
   A mention's keyword vote is its distinct hits per type, normalised to sum to 1.
2. Prototypes: each type has a few written sentences; a mention's affinity to a type is its highest cosine
   similarity to them, softmaxed over types (temperature `TEMPERATURE`) and scaled by relevance, which rises
   from 0 at `RELEVANCE_FLOOR` to 1 at `RELEVANCE_FULL` best similarity (unrelated text counts for little),
   and falls to 0 when the mention is as close to `GENERIC` dislike ("not a fan") as to any type.
3. A mention's vote is `KEYWORD_WEIGHT` × keyword vote + the rest × prototype vote when it has keyword hits,
   else the prototype vote alone; votes are at most 1 a mention, so one odd mention can't decide an incident.
4. The incident's score per type is the (optionally weighted, e.g. by P(negative)) mean vote. Confidence is the
   winner's share of the votes, scaled down when less than `FULL_COVERAGE` of the mentions' mass points at any
   type. Below `MIN_CONFIDENCE` the answer is "reputation" (general negative buzz), flagged as a fallback.

Mention text is only ever matched and embedded, never followed: "ignore previous instructions" is just words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from tools.embeddings import EMBEDDING_DIM, encode
from tools.monitor.playbook import CRISIS_TYPES

KEYWORD_WEIGHT = 0.6
TEMPERATURE = 0.05  # MiniLM similarities to close prototypes differ by a few hundredths
RELEVANCE_FLOOR, RELEVANCE_FULL = 0.2, 0.45
GENERIC_MARGIN = 0.1  # a mention must be this much closer to a type than to GENERIC for a full prototype vote
FULL_COVERAGE = 0.5
MIN_CONFIDENCE = 0.3
FALLBACK = "reputation"
EVIDENCE_TEXTS = 5

LEXICON: dict[str, tuple[str, ...]] = {
    "product_safety": (
        r"recall(?:ed|s|ing)?", r"glass", r"shards?", r"burn(?:ed|t|s|ing)?", r"injur(?:ed|y|ies)", r"hurt",
        r"sick", r"food poisoning", r"vomit(?:ing|ed)?", r"hospital", r"allergic reaction", r"chok(?:ed|ing)",
        r"overheat(?:ed|ing|s)?", r"caught fire", r"fire", r"explod(?:ed|es|ing)", r"shatter(?:ed|s|ing)?",
        r"sparks?", r"mou?ldy?", r"contaminat\w*", r"unsafe", r"dangerous", r"hazard(?:ous)?",
        r"foreign object", r"metal (?:piece|fragment|shaving)s?",
    ),
    "reputation": (
        r"boycott\w*", r"racis[mt]\w*", r"sexis[mt]\w*", r"homophob\w*", r"transphob\w*", r"tone[- ]?deaf",
        r"offensive", r"insensitive", r"problematic", r"tasteless", r"appropriat\w*", r"backlash",
        r"outrage\w*", r"shame(?:ful|less)?", r"hypocri\w*", r"unfollow\w*", r"scandal\w*", r"controvers\w*",
        r"greenwash\w*", r"exploit\w*", r"never (?:buying|buy|shopping|ordering) (?:from (?:them|you) )?again",
        r"(?:ad|advert|campaign|commercial) (?:is|was) (?:awful|gross|vile|disgusting)",
    ),
    "legal": (
        r"lawsuits?", r"su(?:e|ed|es|ing)", r"class[- ]action", r"ftc", r"fda", r"cpsc", r"regulators?",
        r"regulatory", r"attorney general", r"attorneys?", r"lawyers?", r"cease[- ]and[- ]desist", r"court",
        r"subpoena\w*", r"trademark", r"infring\w*", r"patent", r"false advertising", r"deceptive",
        r"investigat(?:ion|ing|ed)", r"fined", r"settlement", r"legal action", r"illegal\w*",
    ),
    "outage": (
        r"outage", r"(?:site|website|app|shop|store|server|page)s? (?:is |are |has been |went )?"
        r"(?:down|crash\w*|broken|not loading)", r"down again", r"checkout", r"check ?out (?:fails|failed|error)",
        r"can'?t (?:log ?in|pay|place (?:an|my) order|check ?out)", r"payments? (?:failed|failing|failure|declined)",
        r"error (?:500|502|503|404)", r"50[0-3] error", r"crash(?:ed|es|ing)?", r"won'?t load", r"not loading",
        r"timed? ?out", r"glitch\w*", r"charged twice", r"double[- ]charged",
    ),
    "data_privacy": (
        r"data breach", r"breach(?:ed)?", r"leak(?:ed|s)?", r"hack(?:ed|ers?|ing)?", r"passwords?", r"phishing",
        r"personal (?:data|information|info|details)", r"my data", r"privacy", r"card (?:details|numbers?)",
        r"stolen card", r"gdpr", r"expos(?:ed|ure)", r"sold (?:my|our|customer) (?:data|info\w*)",
        r"security (?:issue|incident|breach|flaw)", r"unauthori[sz]ed (?:charges?|access|logins?)",
        r"identity theft", r"dox\w*",
    ),
    "service_surge": (
        r"where(?:'s| is) my (?:order|package|refund|parcel|delivery)", r"still waiting",
        r"no (?:reply|response|answer)",
        r"(?:never|hasn'?t|haven'?t|didn'?t) (?:arrived|replied|responded|heard back|shipped)", r"on hold",
        r"refunds?", r"waiting (?:for|on)", r"delay(?:ed|s)?", r"late (?:delivery|order|package)", r"tracking",
        r"customer (?:service|support|care)", r"support ticket", r"ignor(?:ed|ing) (?:my|me|us)",
        r"(?:lost|missing) (?:package|parcel|order)", r"\d+ (?:days|weeks) (?:later|and still|now)",
    ),
}  # fmt: skip

PROTOTYPES: dict[str, tuple[str, ...]] = {
    "product_safety": (
        "I found broken glass in the product I bought.",
        "It overheated and burned my hand, this is dangerous.",
        "My kid got sick after eating it and we ended up in hospital.",
        "They need to recall this product before someone gets hurt.",
        "The jar shattered and caught fire on my table.",
    ),
    "reputation": (
        "This ad is racist and tone deaf, I'm boycotting the brand.",
        "Their CEO's comments are disgusting, never buying from them again.",
        "What an offensive campaign, who approved this?",
        "People are furious about the brand's insensitive post about the tragedy.",
        "Their influencer partnership is embarrassing and shameful.",
    ),
    "legal": (
        "They're being sued in a class action lawsuit.",
        "The FTC is investigating the company for false advertising.",
        "They sent a cease and desist letter from their lawyers.",
        "The regulator fined them for breaking consumer protection law.",
        "I'm reporting this company to the attorney general.",
    ),
    "outage": (
        "The website is down and I can't check out.",
        "Checkout keeps failing with an error when I try to pay.",
        "Their app crashes every time I open it.",
        "Payment failed three times, is the site broken?",
        "The online shop has been down for hours.",
    ),
    "data_privacy": (
        "They leaked my email address and personal data in a breach.",
        "My account got hacked and someone used my card.",
        "I'm getting phishing emails since their data breach.",
        "They exposed customer passwords and order history.",
        "Who did they sell my personal information to?",
    ),
    "service_surge": (
        "Where is my order? It's been two weeks with no update.",
        "Customer service hasn't replied to any of my emails.",
        "Still waiting for my refund after a month.",
        "I've been on hold for an hour and nobody answers.",
        "My package never arrived and support ignores me.",
    ),
}

# Plain dislike with no crisis in it: a mention nearer to these than to any type gets no prototype vote.
GENERIC: tuple[str, ...] = (
    "I just don't like this company.",
    "Their stuff is mediocre and too expensive.",
    "Kind of disappointed with them, honestly.",
    "This brand is trending today.",
    "Not a fan, it's fine I guess.",
)

_APOSTROPHE = "['’]"  # straight or typographic
_PATTERNS = {
    kind: tuple(re.compile(rf"(?<![a-z0-9]){p.replace(chr(39), _APOSTROPHE)}(?![a-z0-9])", re.I) for p in patterns)
    for kind, patterns in LEXICON.items()
}


@dataclass(frozen=True)
class Evidence:
    """One mention that drove the decision: its keyword hits for the winning type and its prototype similarity."""

    index: int  # position in the input
    text: str
    keywords: tuple[str, ...]
    similarity: float  # best cosine similarity to the winning type's prototypes
    vote: float  # the mention's vote for the winning type, 0..1


@dataclass(frozen=True)
class CrisisType:
    """The crisis type of an incident, how sure, the runner-up, and what drove it."""

    type: str  # one of CRISIS_TYPES
    confidence: float  # 0..1
    runner_up: str | None
    runner_up_confidence: float
    scores: dict[str, float]  # mean vote per type
    evidence: tuple[Evidence, ...]  # the mentions with the strongest votes for `type`, strongest first
    keywords: tuple[tuple[str, int], ...]  # keyword hits for `type` over all mentions, most frequent first
    fallback: bool  # True when no type was clear and "reputation" stands for general negative buzz
    reason: str


@lru_cache(maxsize=1)
def prototype_embeddings() -> np.ndarray:
    """The prototypes' embeddings, shape (types + 1, prototypes, 384): CRISIS_TYPES order, then GENERIC."""
    return np.stack([encode(list(PROTOTYPES[kind])) for kind in CRISIS_TYPES] + [encode(list(GENERIC))])


def keyword_hits(text: str) -> dict[str, tuple[str, ...]]:
    """The lexicon phrases found in a text, per crisis type (types without hits left out)."""
    hits = {
        kind: tuple(m[0].lower() for p in patterns if (m := p.search(text))) for kind, patterns in _PATTERNS.items()
    }
    return {kind: found for kind, found in hits.items() if found}


def classify_crisis(
    texts: list[str], embeddings: np.ndarray | None = None, *, weights: Sequence[float] | None = None
) -> CrisisType:
    """The crisis type of an incident from its mentions (pass the negative ones, or weight by P(negative)).

    Args:
        texts: the incident's mention texts.
        embeddings: their `tools.embeddings.encode` rows, if already computed; encoded here otherwise.
        weights: optional non-negative weight per mention, e.g. its probability of being negative.

    Raises:
        ValueError: if `embeddings` or `weights` do not have one row or value per text.
    """
    if not texts:
        zero = {kind: 0.0 for kind in CRISIS_TYPES}
        return CrisisType(FALLBACK, 0.0, None, 0.0, zero, (), (), True, "no mentions to classify")
    vectors = encode(list(texts)) if embeddings is None else np.asarray(embeddings, dtype=np.float32)
    if vectors.shape != (len(texts), EMBEDDING_DIM):
        raise ValueError(f"embeddings must have shape ({len(texts)}, {EMBEDDING_DIM}), got {vectors.shape}")
    weight = np.ones(len(texts)) if weights is None else np.asarray(weights, dtype=float)
    if weight.shape != (len(texts),) or (weight < 0).any() or weight.sum() <= 0:
        raise ValueError(f"weights must be {len(texts)} non-negative numbers, not all zero")
    hits = [keyword_hits(text) for text in texts]
    similarity, votes = _votes(vectors, hits)
    mean = weight @ votes / weight.sum()
    mass = float(mean.sum())
    confidence = mean / mass * min(1.0, mass / FULL_COVERAGE) if mass > 0 else mean
    best = int(np.argmax(confidence))
    fallback = float(confidence[best]) < MIN_CONFIDENCE
    chosen = CRISIS_TYPES.index(FALLBACK) if fallback else best
    others = [i for i in np.argsort(-confidence, kind="stable") if i != chosen and confidence[i] > 0]
    found = Counter(word for mention in hits for word in mention.get(CRISIS_TYPES[chosen], ()))
    if fallback:
        reason = f"no clear crisis type (best: {CRISIS_TYPES[best]} at {confidence[best]:.2f}); general negative buzz"
    else:
        listed = ", ".join(word for word, _ in found.most_common(5)) or "none"
        reason = f"{CRISIS_TYPES[chosen]}: {confidence[chosen]:.0%} confidence from the mentions; keywords: {listed}"
    share = votes[:, chosen] * weight / weight.max()
    return CrisisType(
        type=CRISIS_TYPES[chosen],
        confidence=round(min(float(confidence[chosen]), MIN_CONFIDENCE) if fallback else float(confidence[chosen]), 3),
        runner_up=CRISIS_TYPES[others[0]] if others else None,
        runner_up_confidence=round(float(confidence[others[0]]), 3) if others else 0.0,
        scores={kind: round(float(value), 4) for kind, value in zip(CRISIS_TYPES, mean, strict=True)},
        evidence=_evidence(texts, hits, similarity[:, chosen], share, CRISIS_TYPES[chosen]),
        keywords=tuple(found.most_common()),
        fallback=fallback,
        reason=reason,
    )


def _votes(vectors: np.ndarray, hits: list[dict[str, tuple[str, ...]]]) -> tuple[np.ndarray, np.ndarray]:
    """Best prototype similarity and vote per (mention, type); each mention's votes sum to at most 1."""
    similarity = np.einsum("nd,tpd->ntp", vectors, prototype_embeddings()).max(axis=2)
    similarity, generic = similarity[:, :-1], similarity[:, -1]
    affinity = np.exp((similarity - similarity.max(axis=1, keepdims=True)) / TEMPERATURE)
    affinity /= affinity.sum(axis=1, keepdims=True)
    best = similarity.max(axis=1)
    relevance = np.clip((best - RELEVANCE_FLOOR) / (RELEVANCE_FULL - RELEVANCE_FLOOR), 0, 1)
    relevance *= np.clip((best - generic) / GENERIC_MARGIN + 0.5, 0, 1)
    prototype_vote = affinity * relevance[:, None]
    counts = np.array([[len(found.get(kind, ())) for kind in CRISIS_TYPES] for found in hits], dtype=float)
    total = counts.sum(axis=1, keepdims=True)
    keyword_vote = np.divide(counts, total, out=np.zeros_like(counts), where=total > 0)
    mixed = KEYWORD_WEIGHT * keyword_vote + (1 - KEYWORD_WEIGHT) * prototype_vote
    return similarity, np.where(total > 0, mixed, prototype_vote)


def _evidence(
    texts: list[str], hits: list[dict[str, tuple[str, ...]]], similarity: np.ndarray, vote: np.ndarray, kind: str
) -> tuple[Evidence, ...]:
    ranked = [i for i in np.argsort(-vote, kind="stable")[:EVIDENCE_TEXTS] if vote[i] > 0]
    return tuple(
        Evidence(int(i), texts[i], hits[i].get(kind, ()), round(float(similarity[i]), 3), round(float(vote[i]), 3))
        for i in ranked
    )
