"""Campaigns in the database: create, read, and move them through their lifecycle by legal steps only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from memory.db import write_transaction
from memory.models import CAMPAIGN_OBJECTIVES, Campaign
from memory.repository import record_audit

# Where a campaign may go from each state; completed is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "planning": ("active",),
    "active": ("paused", "completed"),
    "paused": ("active", "completed"),
    "completed": (),
}
MAX_NAME = 128


class CampaignError(ValueError):
    """A campaign request that can't be carried out as asked; the message says what to do instead."""


@dataclass(frozen=True)
class Kpi:
    """A KPI and its target for the campaign (`metric` names a column or ratio, e.g. "conversions", "roas")."""

    metric: str
    target: float


@dataclass(frozen=True)
class CampaignView:
    """A campaign as the specialists and reports read it."""

    id: str
    brand_id: str
    name: str
    objective: str
    status: str
    budget: float
    starts_on: date | None
    ends_on: date | None
    channels: tuple[str, ...] = ()
    kpis: tuple[Kpi, ...] = field(default_factory=tuple)
    is_demo: bool = False

    @classmethod
    def of(cls, row: Campaign) -> CampaignView:
        """The view of a stored row."""
        return cls(
            id=row.id,
            brand_id=row.brand_id,
            name=row.name,
            objective=row.objective,
            status=row.status,
            budget=row.budget,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            channels=tuple(row.channels or ()),
            kpis=tuple(Kpi(str(k["metric"]), float(k["target"])) for k in row.kpis or ()),
            is_demo=row.is_demo,
        )


@dataclass(frozen=True)
class NewCampaign:
    """What a new campaign needs: name, objective, budget and optional dates, channels and KPI targets."""

    brand_id: str
    name: str
    objective: str
    budget: float = 0.0
    starts_on: date | None = None
    ends_on: date | None = None
    channels: Sequence[str] = ()
    kpis: Sequence[Kpi] = ()
    is_demo: bool = False


def _validated(new: NewCampaign) -> NewCampaign:
    name = " ".join(new.name.split())
    if not name or len(name) > MAX_NAME:
        raise CampaignError(f"A campaign needs a name of 1 to {MAX_NAME} characters, not {new.name!r}.")
    if new.objective not in CAMPAIGN_OBJECTIVES:
        raise CampaignError(f"Unknown objective {new.objective!r}; use one of {', '.join(CAMPAIGN_OBJECTIVES)}.")
    if not new.budget >= 0:  # also refuses NaN
        raise CampaignError(f"The budget must be zero or more, not {new.budget}.")
    if new.starts_on and new.ends_on and new.ends_on < new.starts_on:
        raise CampaignError(f"The campaign ends ({new.ends_on}) before it starts ({new.starts_on}); swap the dates.")
    _checked(new.kpis)
    return NewCampaign(**{**new.__dict__, "name": name})


class CampaignStore:
    """Reads and writes a brand's campaigns; every change of state is audited."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def create(self, new: NewCampaign, *, actor: str) -> CampaignView:
        """Store a new campaign in `planning`; a name the brand already uses is refused."""
        new = _validated(new)
        row = Campaign(
            brand_id=new.brand_id,
            name=new.name,
            objective=new.objective,
            budget=float(new.budget),
            starts_on=new.starts_on,
            ends_on=new.ends_on,
            channels=list(new.channels),
            kpis=[{"metric": k.metric, "target": k.target} for k in new.kpis],
            is_demo=new.is_demo,
            created_by=actor,
        )
        taken = CampaignError(f"{new.brand_id} already has a campaign called {new.name!r}; pick another name.")
        try:
            with write_transaction(self._sessions) as session:
                same = func.lower(Campaign.name) == new.name.lower()
                if session.scalar(select(Campaign.id).where(Campaign.brand_id == new.brand_id, same)) is not None:
                    raise taken
                session.add(row)
                session.flush()
                record_audit(
                    session, actor=actor, action="campaign.created", subject_type="campaign", subject_id=row.id
                )
                return CampaignView.of(row)
        except IntegrityError:
            raise CampaignError(
                f"{new.brand_id} already has a campaign called {new.name!r}; pick another name."
            ) from None

    def get(self, brand_id: str, name: str) -> CampaignView:
        """The brand's campaign of that name (case-insensitive); CampaignError naming the known ones otherwise."""
        with self._sessions() as session:
            row = _by_name(session, brand_id, name)
            return CampaignView.of(row)

    def list(self, brand_id: str, *, statuses: Sequence[str] = ()) -> list[CampaignView]:
        """The brand's campaigns, newest first, optionally only in some states."""
        query = select(Campaign).where(Campaign.brand_id == brand_id).order_by(Campaign.created_at.desc())
        if statuses:
            query = query.where(Campaign.status.in_(statuses))
        with self._sessions() as session:
            return [CampaignView.of(row) for row in session.scalars(query)]

    def transition(self, brand_id: str, name: str, to: str, *, actor: str) -> CampaignView:
        """Move a campaign to state `to` when that step is legal from where it is; CampaignError says otherwise."""
        if to not in TRANSITIONS:
            raise CampaignError(f"Unknown campaign state {to!r}; use one of {', '.join(TRANSITIONS)}.")
        with write_transaction(self._sessions) as session:
            row = _by_name(session, brand_id, name)
            if to not in TRANSITIONS[row.status]:
                allowed = " or ".join(TRANSITIONS[row.status]) or "nothing: it is finished"
                raise CampaignError(
                    f"{row.name} is {row.status}, so it can't become {to}; from {row.status} it can go to {allowed}."
                )
            before, row.status = row.status, to
            detail = {"from": before, "to": to}
            record_audit(
                session,
                actor=actor,
                action="campaign.status",
                subject_type="campaign",
                subject_id=row.id,
                detail=detail,
            )
            session.flush()
            return CampaignView.of(row)

    def update(self, brand_id: str, name: str, changes: CampaignChanges, *, actor: str) -> CampaignView:
        """Change a campaign's budget, dates, channels or KPI targets (set or replaced per metric), audited.

        A completed campaign is final; CampaignError says what is wrong and nothing is stored.
        """
        with write_transaction(self._sessions) as session:
            row = _by_name(session, brand_id, name)
            if row.status == "completed":
                raise CampaignError(f"{row.name} is completed, so its plan can't change any more.")
            before = CampaignView.of(row)
            targets = {k.metric: k.target for k in before.kpis} | {k.metric: k.target for k in changes.kpis}
            after = _validated(
                NewCampaign(
                    brand_id,
                    row.name,
                    row.objective,
                    before.budget if changes.budget is None else changes.budget,
                    changes.starts_on or before.starts_on,
                    changes.ends_on or before.ends_on,
                    before.channels if changes.channels is None else tuple(changes.channels),
                    [Kpi(metric, target) for metric, target in targets.items()],
                )
            )
            row.budget, row.starts_on, row.ends_on = float(after.budget), after.starts_on, after.ends_on
            row.channels, row.kpis = (
                list(after.channels),
                [{"metric": k.metric, "target": k.target} for k in after.kpis],
            )
            session.flush()
            now = CampaignView.of(row)
            changed = {
                key: [str(getattr(before, key)), str(getattr(now, key))]
                for key in ("budget", "starts_on", "ends_on", "channels", "kpis")
                if getattr(before, key) != getattr(now, key)
            }
            record_audit(
                session,
                actor=actor,
                action="campaign.updated",
                subject_type="campaign",
                subject_id=row.id,
                detail=changed,
            )
            return now


@dataclass(frozen=True)
class CampaignChanges:
    """What to change on a campaign; None (or no KPIs) leaves that part as it is."""

    budget: float | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    channels: Sequence[str] | None = None
    kpis: Sequence[Kpi] = ()


def _checked(kpis: Sequence[Kpi]) -> Sequence[Kpi]:
    """KPI targets with known metrics and targets above 0; CampaignError names the first that isn't."""
    from tools.analytics.drivers import Totals
    from tools.analytics.kpis import kpi_actual

    for kpi in kpis:
        try:
            kpi_actual(kpi.metric, Totals())
        except ValueError as error:
            raise CampaignError(f"{error}.") from None
        if not kpi.target > 0:
            raise CampaignError(f"The {kpi.metric} target must be above 0, not {kpi.target}.")
    return kpis


def _by_name(session: Session, brand_id: str, name: str) -> Campaign:
    rows = session.scalars(select(Campaign).where(Campaign.brand_id == brand_id)).all()
    wanted = " ".join(name.split()).lower()
    for row in rows:
        if row.name.lower() == wanted:
            return row
    known = ", ".join(sorted(row.name for row in rows)) or "none yet"
    raise CampaignError(f"{brand_id} has no campaign called {name!r} (campaigns: {known}).")
