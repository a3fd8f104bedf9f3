"""Tests for the content calendar store, on SQLite and on a real Postgres server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from queue_rows import NOW, Factory, schedule

from memory.calendar import CalendarStore
from memory.db import create_db_engine
from memory.repository import NotFoundError, cancel_post
from tools.analytics.calendar_plan import PlannedSlot

DAY = timedelta(days=1)


def slot(platform: str, at_hours: float, pillar: str = "Brew guides") -> PlannedSlot:
    """A planned slot `at_hours` after NOW."""
    return PlannedSlot(platform, NOW + timedelta(hours=at_hours), pillar, None, 0.02, "because", None)


def test_added_slots_are_listed_in_time_order_with_their_ideas(factory: Factory) -> None:
    store = CalendarStore(factory)
    ids = store.add("b", [slot("x", 30), slot("linkedin", 5)], created_by="ana", ideas=["thread", "hiring post"])
    items = store.items("b", NOW, NOW + 2 * DAY)
    assert [i.id for i in items] == [ids[1], ids[0]]
    assert [(i.kind, i.platform, i.idea, i.status) for i in items] == [
        ("planned", "linkedin", "hiring post", "planned"),
        ("planned", "x", "thread", "planned"),
    ]
    assert store.items("other-brand", NOW, NOW + 2 * DAY) == []


def test_planning_a_period_again_replaces_only_its_still_planned_slots(factory: Factory) -> None:
    store = CalendarStore(factory)
    kept_elsewhere = store.add("b", [slot("x", 24 * 10)], created_by="ana")
    [drafted] = store.add("b", [slot("x", 10)], created_by="ana")
    store.add("b", [slot("x", 20)], created_by="ana")
    store.set_status("b", drafted[:8], "drafted")  # the short id the calendar shows
    store.add("b", [slot("x", 40)], created_by="ana", replace=(NOW, NOW + 3 * DAY))
    items = store.items("b", NOW, NOW + 20 * DAY)
    assert [(i.at - NOW) / timedelta(hours=1) for i in items] == [10, 40, 240]
    assert {i.id for i in items} >= {drafted, *kept_elsewhere}


def test_a_post_near_a_slot_on_its_platform_fills_it_and_is_not_listed_twice(factory: Factory) -> None:
    store = CalendarStore(factory)
    [planned] = store.add("kettle-ember", [slot("x", 24)], created_by="ana")
    near = schedule(factory, "near", at=NOW + timedelta(hours=26))
    other_platform = schedule(factory, "li", at=NOW + timedelta(hours=24), platform="linkedin")
    items = store.items("kettle-ember", NOW, NOW + 3 * DAY)
    by_id = {i.id: i for i in items}
    assert set(by_id) == {planned, other_platform}
    assert by_id[planned].filled_by == near and by_id[planned].status == "scheduled"
    assert by_id[other_platform].kind == "post"


def test_busy_lists_queued_posts_and_open_slots_but_not_cancelled_or_skipped(factory: Factory) -> None:
    store = CalendarStore(factory)
    [skipped, open_slot] = store.add("kettle-ember", [slot("x", 5), slot("x", 9)], created_by="ana")
    store.set_status("kettle-ember", skipped, "skipped")
    queued = schedule(factory, "queued", at=NOW + timedelta(hours=22))  # too far from the open slot to fill it
    cancelled = schedule(factory, "gone", at=NOW + timedelta(hours=10))
    with factory.begin() as session:
        cancel_post(session, cancelled)
    busy = store.busy("kettle-ember", NOW, NOW + DAY)
    assert sorted((b.at - NOW) / timedelta(hours=1) for b in busy) == [9, 22]
    assert {b.label for b in busy} == {"calendar: Brew guides", f"scheduled post {queued[:8]}"}
    assert [b.planned for b in busy if b.label.startswith("calendar")] == [True]
    assert [i.id for i in store.items("kettle-ember", NOW, NOW + DAY) if i.kind == "planned"] == [open_slot]


def test_an_unknown_or_ambiguous_slot_id_is_refused(factory: Factory) -> None:
    store = CalendarStore(factory)
    store.add("b", [slot("x", 5)], created_by="ana")
    with pytest.raises(NotFoundError, match="copy the id"):
        store.set_status("b", "no-such-id", "done")
    with pytest.raises(NotFoundError, match="at least 8 characters"):
        store.set_status("b", "", "done")


def test_each_post_fills_the_slot_it_is_closest_to(factory: Factory) -> None:
    store = CalendarStore(factory)
    nine, two = store.add("kettle-ember", [slot("x", 9), slot("x", 14)], created_by="ana")
    moved = schedule(factory, "moved", at=NOW + timedelta(hours=13))  # nearer the 14:00 slot than the 09:00 one
    items = {i.id: i for i in store.items("kettle-ember", NOW, NOW + DAY)}
    assert items[two].filled_by == moved and items[nine].filled_by is None and items[nine].status == "planned"


def test_replanning_keeps_the_slots_a_post_already_fills(factory: Factory) -> None:
    store = CalendarStore(factory)
    filled, empty = store.add("kettle-ember", [slot("x", 9), slot("x", 30)], created_by="ana")
    schedule(factory, "written", at=NOW + timedelta(hours=9))
    store.add("kettle-ember", [slot("x", 40)], created_by="ana", replace=(NOW, NOW + 3 * DAY))
    kept = {i.id for i in store.items("kettle-ember", NOW, NOW + 3 * DAY) if i.kind == "planned"}
    assert filled in kept and empty not in kept and len(kept) == 2


def test_the_next_open_slot_skips_filled_and_other_platform_slots(factory: Factory) -> None:
    store = CalendarStore(factory)
    assert store.next_open_slot("kettle-ember", "x", NOW, NOW + 3 * DAY) is None
    store.add("kettle-ember", [slot("x", 5), slot("x", 30), slot("linkedin", 2)], created_by="ana")
    schedule(factory, "fills-the-first", at=NOW + timedelta(hours=6))
    assert store.next_open_slot("kettle-ember", "x", NOW, NOW + 3 * DAY) == NOW + timedelta(hours=30)
    assert store.next_open_slot("kettle-ember", "linkedin", NOW, NOW + 3 * DAY) == NOW + timedelta(hours=2)


def test_the_open_slot_probe_on_its_own_engine_sees_what_the_sessions_write(
    factory: Factory, database_url: str
) -> None:
    probes = create_db_engine(database_url, pre_ping=False)  # as the app passes its hot-path engine
    store = CalendarStore(factory, probes=probes)
    try:
        assert store.next_open_slot("kettle-ember", "x", NOW, NOW + 3 * DAY) is None
        store.add("kettle-ember", [slot("x", 5), slot("linkedin", 2)], created_by="ana")
        assert store.next_open_slot("kettle-ember", "x", NOW, NOW + 3 * DAY) == NOW + timedelta(hours=5)
        assert store.next_open_slot("kettle-ember", "x", NOW + timedelta(hours=6), NOW + 3 * DAY) is None
        assert store.next_open_slot("other-brand", "x", NOW, NOW + 3 * DAY) is None
    finally:
        probes.dispose()
