"""What a crisis alert says: severity, type, the numbers behind it, sample mentions and top sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from memory.mentions import MentionView, SentimentSummary
from tools.monitor.incidents import Post
from tools.monitor.playbook import CrisisPlaybook

TYPE_LABELS = {
    "product_safety": "product safety or recall",
    "reputation": "PR or reputation",
    "legal": "legal",
    "outage": "technical or outage",
    "data_privacy": "data privacy",
    "service_surge": "customer-service surge",
}
SIGNAL_LABELS = {"volume": "mention volume", "negative_share": "negative share", "reach": "reach-weighted volume"}
SAMPLE_CHARS = 280


@dataclass(frozen=True)
class CrisisFacts:
    """The numbers and mentions of the hour before an incident opened or escalated."""

    brand: str
    severity: str
    score: float
    signals: tuple[str, ...]
    crisis_type: str
    confidence: float
    summary: SentimentSummary
    samples: list[MentionView]
    sources: list[tuple[str, int]]
    at: datetime
    reasons: tuple[str, ...] = ()  # why this severity (detector level, playbook type default, playbook counts)
    playbook: CrisisPlaybook | None = None


def classify(texts: list[str]) -> tuple[str, float]:
    """The crisis type of these mention texts and the classifier's confidence."""
    from tools.monitor.crisis_types import classify_crisis

    result = classify_crisis(texts)
    return result.type, result.confidence


def alert_summary(facts: CrisisFacts, *, paused: bool, step: str) -> str:
    """The alert's summary: what, how bad, how sure, and what BrandPilot already did."""
    kind = TYPE_LABELS.get(facts.crisis_type, facts.crisis_type)
    sure = "" if facts.confidence >= 0.5 else " (the type is a low-confidence guess; check the mentions)"
    signals = ", ".join(SIGNAL_LABELS.get(s, s) for s in facts.signals)
    s = facts.summary
    lines = [
        f"{facts.severity} {kind} incident for {facts.brand} {step} at {facts.at:%Y-%m-%d %H:%M} UTC{sure}.",
        f"In the last hour: {s.total} mentions, {s.counts.get('negative', 0)} negative ({s.negative_share:.0%}). "
        f"Unusual on: {signals} (score {facts.score:.1f}).",
    ]
    if facts.reasons:
        lines.append(f"Why {facts.severity}: " + "; ".join(facts.reasons) + ".")
    lines += playbook_lines(facts)
    if paused:
        lines.append(
            "The brand's scheduled posts are paused. Resume them when the playbook says it is safe: "
            f"`brandpilot queue resume --brand {facts.brand}`."
        )
    return "\n".join(lines)


def playbook_lines(facts: CrisisFacts) -> list[str]:
    """What the brand's playbook asks for at this severity and type: approvals, who to tell, what to pause."""
    book = facts.playbook
    if book is None:
        return []
    lines = []
    approvers = book.approvers(facts.crisis_type, facts.severity)
    if approvers:
        lines.append("Approvals for a public response: " + " → ".join(_who(role) for role in approvers) + ".")
    told = book.notified(facts.crisis_type, facts.severity)
    if told:
        lines.append(
            "Tell now: "
            + ", ".join(_who(role) + (f" within {minutes} min" if minutes else "") for role, minutes in told)
            + "."
        )
    pause = book.pause.get(facts.severity)
    if pause is not None:
        scope = {"all": "every scheduled post", "affected": "posts on the affected channels", "post": "the post"}
        lines.append(f"Playbook pause for {facts.severity}: {scope.get(pause.scope, pause.scope)}.")
    return lines


def _who(role: object) -> str:
    title, person = getattr(role, "title", ""), getattr(role, "person", None)
    return f"{title} ({person})" if person else str(title)


def evidence_lines(facts: CrisisFacts) -> tuple[str, ...]:
    """Sample mentions (widest reach first, quoted as data) and the authors who said most."""
    lines = [
        f'{m.platform} @{m.author} ({m.followers:,} followers): "{_short(m.text)}"' + (f" {m.url}" if m.url else "")
        for m in facts.samples
    ]
    if facts.sources:
        lines.append("Top sources: " + ", ".join(f"{who} ({n})" for who, n in facts.sources))
    return tuple(lines)


def warning_summary(post: Post) -> str:
    """An early warning: a signal heading for the alert threshold."""
    signals = ", ".join(SIGNAL_LABELS.get(s, s) for s in sorted(post.signals))
    return (
        f"Early warning for {post.brand}: {signals} is rising toward the alert threshold "
        f"(score {post.score:.1f} at {post.timestamp:%Y-%m-%d %H:%M} UTC). Nothing is paused; keep an eye on it."
    )


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SAMPLE_CHARS else flat[: SAMPLE_CHARS - 1] + "…"
