"""Alert rows on both databases: one alert per dedup key, one card per channel, one winner per action."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.alerts import AlertService, NewAlert
from memory import alerts as store
from memory.db import create_db_engine, normalize_database_url, session_factory, upgrade_database

ALERT = NewAlert(brand_id="b", kind="crisis", severity="high", summary="Jars cracking", dedup_key="jars")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def service(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        url = normalize_database_url(None, tmp_path / "home")
        (tmp_path / "home").mkdir()
    else:
        url = normalize_database_url(request.getfixturevalue("postgres_db_url"), tmp_path)
    upgrade_database(url)
    engine = create_db_engine(url)
    yield AlertService(session_factory(engine))
    engine.dispose()


def together(count: int, work) -> list:
    """Run `work(i)` in `count` threads released at the same moment."""
    gate, results = threading.Barrier(count), [None] * count

    def run(index: int) -> None:
        gate.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_raising_one_dedup_key_at_once_from_many_places_stores_one_alert(service):
    raised = together(6, lambda _: service.raise_alert(ALERT))
    assert len({alert.id for alert, _ in raised}) == 1
    assert sorted(created for _, created in raised) == [False] * 5 + [True]


def test_simultaneous_actions_apply_once_and_draft_response_is_claimed_once(service):
    alert, _ = service.raise_alert(ALERT)
    acks = together(6, lambda i: service.act(alert.id, "acknowledge", actor=f"U{i}").applied)
    drafts = together(4, lambda i: service.act(alert.id, "draft_response", actor=f"U{i}", response_thread=f"t{i}"))
    assert acks.count(True) == 1 and [d.applied for d in drafts].count(True) == 1
    final = service.get(alert.id)
    assert final.status == "acknowledged" and final.response_thread in {"t0", "t1", "t2", "t3"}
    assert service.act(alert.id, "resolve", actor="U9").applied
    assert not service.act(alert.id, "escalate", actor="U9").applied, "a resolved alert can't be escalated"


def test_a_card_is_claimed_for_posting_by_one_process_only(service):
    alert, _ = service.raise_alert(ALERT)
    with service.sessions.begin() as session:
        post_id = store.add_post(session, alert.id, surface="slack", channel="C1", workspace=None).id

    def claim(_: int) -> bool:
        with service.sessions.begin() as session:
            return store.claim_post(session, post_id)

    assert together(5, claim).count(True) == 1


def test_acting_on_an_alert_that_does_not_exist_says_so(service):
    from bot.turns import InputError

    with pytest.raises(InputError, match="There is no alert"):
        service.act("no-such-alert", "resolve", actor="U1")
