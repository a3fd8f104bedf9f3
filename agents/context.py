"""Services injected into every node at run time (never model-visible, never checkpointed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agents.router import Router
    from agents.state import Draft
    from knowledge.retrieval import Hit
    from memory.ab_tests import AbTestStore
    from memory.calendar import CalendarItem
    from memory.campaigns import CampaignStore
    from memory.history import PostOutcome
    from memory.incidents import IncidentStore
    from memory.mentions import MentionStore
    from memory.metrics import MetricsStore
    from tools.analytics.calendar_plan import Busy, PlannedSlot
    from tools.content.rulebook import Rulebook


@dataclass(frozen=True)
class BrandProfile:
    """A brand the thread works for: its rulebook and where its pack lives."""

    id: str
    name: str
    pack: Path
    rulebook: Rulebook
    website: str


class ApprovalLedger(Protocol):
    """Records approval decisions and scheduled posts (implemented over the SQL database)."""

    def open_request(self, *, draft: Draft, approval_id: str, actor: str) -> None:
        """Store the draft and a pending approval before the card is shown (idempotent)."""

    def decide(
        self, *, draft: Draft, approval_id: str, decision: str, actor: str, reason: str | None
    ) -> dict[str, object] | None:
        """Record a decision (and, when it approves, schedule the post) in one transaction.

        Idempotent on the approval: a repeated decision changes nothing and returns the same post.
        """

    def audit(self, *, actor: str, action: str, detail: dict[str, object]) -> None:
        """Record an event of this thread in the audit log."""


class KnowledgeSearch(Protocol):
    """The brand's knowledge base (guidelines, products, playbooks, past campaigns), scoped to the thread's brand."""

    def search(self, question: str, k: int = 4) -> list[Hit]:
        """The k passages closest to the question, best first."""


class PostHistory(Protocol):
    """The brand's past posts with their metrics (implemented over the SQL database)."""

    def outcomes(
        self, brand_id: str, *, platform: str | None = None, since: datetime | None = None, limit: int = 5000
    ) -> list[PostOutcome]:
        """Past posts, newest first, with their metrics summed."""


class ContentCalendar(Protocol):
    """The brand's content calendar (implemented over the SQL database)."""

    def busy(self, brand_id: str, start: datetime, end: datetime) -> list[Busy]:
        """What already occupies the period."""

    def items(self, brand_id: str, start: datetime, end: datetime) -> list[CalendarItem]:
        """Planned slots and queued posts in the period, in time order."""

    def next_open_slot(self, brand_id: str, platform: str, start: datetime, end: datetime) -> datetime | None:
        """The earliest still-planned slot on the platform in the period that no queued post fills."""

    def add(
        self,
        brand_id: str,
        slots: Sequence[PlannedSlot],
        *,
        created_by: str,
        ideas: Sequence[str] = (),
        replace: tuple[datetime, datetime] | None = None,
    ) -> list[str]:
        """Store planned slots; `replace` drops the still-planned slots of the period first."""


@dataclass(frozen=True)
class AgentOptions:
    """Per-deployment options the specialists read."""

    timezone: str = "UTC"
    default_post_hour: int = 9
    campaign_code: str = "always-on"
    enabled_platforms: tuple[str, ...] = ("x", "linkedin", "instagram", "facebook", "tiktok", "youtube")


@dataclass(frozen=True)
class AgentContext:
    """Everything a node needs besides the state."""

    brand: BrandProfile
    router: Router
    ledger: ApprovalLedger
    llm: BaseChatModel | None = None
    knowledge: KnowledgeSearch | None = None
    history: PostHistory | None = None
    calendar: ContentCalendar | None = None
    metrics: MetricsStore | None = None
    campaigns: CampaignStore | None = None
    ab_tests: AbTestStore | None = None
    mentions: MentionStore | None = None
    incidents: IncidentStore | None = None
    actor: str = "unknown"
    options: AgentOptions = field(default_factory=AgentOptions)
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
