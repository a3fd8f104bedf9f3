"""Imported customer journeys: written by their ids, replaced on a second import, the demo's left alone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from memory.demo import seed_demo
from memory.journeys import JourneyImport, import_journeys
from memory.metrics import MetricsStore
from memory.models import ConversionPath
from tools.analytics.attribution import Touch
from tools.analytics.demo_history import demo_history
from tools.analytics.journeys_csv import ImportedJourney

BRAND = "harbor-and-pine"


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


BOUGHT = ImportedJourney("j-1", (("email", at(2)), ("paid_search", at(3)), ("organic", at(4))), True, 80.0, "winter")
BROWSED = ImportedJourney("j-2", (("instagram", at(5)),))


def journeys(factory, brand: str = BRAND) -> dict[str | None, ConversionPath]:
    with factory() as session:
        query = select(ConversionPath).where(ConversionPath.brand_id == brand)
        return {row.external_id: row for row in session.scalars(query)}


def test_import_then_reimport_replaces_the_journeys_instead_of_adding_them_again(factory):
    with factory.begin() as session:
        assert import_journeys(session, BRAND, [BOUGHT, BROWSED]) == JourneyImport(2, 2, 4, 1)
    first_id = journeys(factory)["j-1"].id
    changed = ImportedJourney("j-1", (("email", at(2)), ("email", at(6))), True, 95.5, None)
    with factory.begin() as session:
        assert import_journeys(session, BRAND, [changed, ImportedJourney("j-3", (("sms", at(7)),))]) == JourneyImport(
            2, 1, 3, 1
        )
    rows = journeys(factory)
    assert sorted(rows) == ["j-1", "j-2", "j-3"]
    replaced = rows["j-1"]
    assert replaced.id == first_id and replaced.value == 95.5 and replaced.campaign is None
    assert replaced.touches == [
        {"channel": "email", "at": at(2).isoformat()},
        {"channel": "email", "at": at(6).isoformat()},
    ]
    assert replaced.ended_at == at(6) and not replaced.is_demo


def test_the_same_id_for_another_brand_is_another_journey(factory):
    with factory.begin() as session:
        import_journeys(session, BRAND, [BOUGHT])
        assert import_journeys(session, "other", [BOUGHT]).new == 1
    assert list(journeys(factory, "other")) == ["j-1"] and list(journeys(factory)) == ["j-1"]


def test_demo_journeys_are_untouched_by_imports(factory):
    history = demo_history(end=date(2026, 11, 27), platforms=("instagram",), weeks=4)
    with factory.begin() as session:
        seeded = seed_demo(session, BRAND, history, actor="test").journeys
        import_journeys(session, BRAND, [BOUGHT, BROWSED])
    with factory.begin() as session:
        import_journeys(session, BRAND, [BOUGHT])
    with factory() as session:
        demo = select(func.count()).where(ConversionPath.is_demo, ConversionPath.external_id.is_(None))
        assert session.scalar(demo) == seeded > 0
        assert session.scalar(select(func.count()).where(ConversionPath.external_id.is_not(None))) == 2


def test_a_journey_id_given_twice_is_refused_and_nothing_is_written(factory):
    with pytest.raises(ValueError, match="j-1 appear more than once"), factory.begin() as session:
        import_journeys(session, BRAND, [BOUGHT, BROWSED, BOUGHT])
    assert journeys(factory) == {}


def test_metrics_store_paths_gives_the_imported_journeys_in_touch_order_with_their_value(factory):
    many = [ImportedJourney(f"n-{n}", (("email", at(10, n % 24)),)) for n in range(1200)]  # more than one chunk
    with factory.begin() as session:
        assert import_journeys(session, BRAND, [BOUGHT, BROWSED, *many]).journeys == 1202
    paths = MetricsStore(factory).paths(BRAND, date(2026, 11, 1), date(2026, 11, 6))
    bought = next(p for p in paths if p.converted)
    assert len(paths) == 2 and bought.value == 80.0
    assert bought.touchpoints == (Touch("email", at(2)), Touch("paid_search", at(3)), Touch("organic", at(4)))
    assert [p.value for p in paths if not p.converted] == [0.0]
    assert len(MetricsStore(factory).paths(BRAND, date(2026, 11, 10), date(2026, 11, 11))) == 1200
