"""A/B test plans in the database, so a test's horizon holds across looks and its first verdict there is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from memory.db import write_transaction
from memory.models import AbTestPlan, utcnow
from tools.analytics.ab_test import TestPlan, Verdict, analyse


@dataclass(frozen=True)
class StoredTest:
    """A plan as stored: its name, the design, and the decision once one was made."""

    name: str
    plan: TestPlan
    created_at: datetime
    decided_at: datetime | None
    verdict: str | None


def _stored(row: AbTestPlan) -> StoredTest:
    plan = TestPlan(row.baseline_rate, row.mde, row.alpha, row.power, row.n_per_arm)
    return StoredTest(row.name, plan, row.created_at, row.decided_at, row.verdict)


class AbTestStore:
    """Plans tests and judges their results against the stored horizon."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def plan(self, brand_id: str, name: str, plan: TestPlan, *, actor: str) -> StoredTest:
        """Store a plan; a name the brand already uses is refused (ValueError)."""
        row = AbTestPlan(
            brand_id=brand_id,
            name=name[:128],
            baseline_rate=plan.baseline_rate,
            mde=plan.mde,
            alpha=plan.alpha,
            power=plan.power,
            n_per_arm=plan.n_per_arm,
            created_by=actor,
        )
        try:
            with write_transaction(self._sessions) as session:
                session.add(row)
                session.flush()
                return _stored(row)
        except IntegrityError:
            raise ValueError(f"there is already a test called {name!r}; name the new one differently") from None

    def open_test(self, brand_id: str, name: str | None = None) -> StoredTest | None:
        """The named test, else the brand's newest one still without a verdict; None when there is none."""
        query = select(AbTestPlan).where(AbTestPlan.brand_id == brand_id)
        if name:
            query = query.where(func.lower(AbTestPlan.name) == name.lower())
        else:
            query = query.where(AbTestPlan.decided_at.is_(None))
        with self._sessions() as session:
            row = session.scalars(query.order_by(AbTestPlan.created_at.desc()).limit(1)).first()
            return _stored(row) if row else None

    def judge(self, brand_id: str, name: str, counts: tuple[int, int, int, int]) -> tuple[Verdict, StoredTest]:
        """The verdict on the counts (A conversions, A visitors, B conversions, B visitors) under the stored plan.

        The first verdict at or past the horizon is recorded as the decision; later looks get the numbers but
        keep that decision (acting on a changed answer after the horizon is peeking again).
        """
        with write_transaction(self._sessions) as session:
            row = session.scalars(
                select(AbTestPlan).where(AbTestPlan.brand_id == brand_id, AbTestPlan.name == name)
            ).one()
            verdict = analyse(_stored(row).plan, *counts)
            if verdict.status != "too_early" and row.decided_at is None:
                row.decided_at, row.verdict = utcnow(), verdict.summary
            return verdict, _stored(row)
