"""Customer journeys imported from a file: written by their own ids, so importing one again replaces it."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from memory.models import ConversionPath
from memory.repository import upsert_insert
from tools.analytics.journeys_csv import ImportedJourney

CHUNK = 500  # journeys per statement: well inside SQLite's and Postgres's limits on bound parameters
REPLACED = ("campaign", "touches", "converted", "value", "ended_at", "is_demo")


@dataclass(frozen=True)
class JourneyImport:
    """What an import wrote."""

    journeys: int
    new: int
    touches: int
    converted: int


def import_journeys(session: Session, brand_id: str, journeys: Iterable[ImportedJourney]) -> JourneyImport:
    """Add the brand's journeys, replacing any it already has with the same id, in the caller's transaction.

    A journey is keyed by (brand, its id in the file): its touches, conversion, value, campaign and end are
    replaced. The demo's journeys have no id and are never touched.

    Raises:
        ValueError: two journeys share an id (nothing should be committed).
    """
    rows = [_row(brand_id, journey) for journey in journeys]
    repeated = sorted(i for i, n in Counter(row["external_id"] for row in rows).items() if n > 1)
    if repeated:
        raise ValueError(f"journey id(s) {', '.join(repeated[:5])} appear more than once; give each journey once")
    known = 0
    insert = upsert_insert(session.get_bind().dialect.name)
    for chunk in (rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)):
        known += len(
            session.scalars(
                select(ConversionPath.id).where(
                    ConversionPath.brand_id == brand_id,
                    ConversionPath.external_id.in_([row["external_id"] for row in chunk]),
                )
            ).all()
        )
        statement = insert(ConversionPath).values(chunk)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["brand_id", "external_id"],
                set_={name: statement.excluded[name] for name in REPLACED},
            )
        )
    return JourneyImport(
        journeys=len(rows),
        new=len(rows) - known,
        touches=sum(len(row["touches"]) for row in rows),
        converted=sum(1 for row in rows if row["converted"]),
    )


def _row(brand_id: str, journey: ImportedJourney) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "brand_id": brand_id,
        "external_id": journey.journey_id,
        "campaign": journey.campaign,
        "touches": [{"channel": channel, "at": at.isoformat()} for channel, at in journey.touches],
        "converted": journey.converted,
        "value": journey.value if journey.converted else 0.0,
        "ended_at": journey.ended_at,
        "is_demo": False,
    }
