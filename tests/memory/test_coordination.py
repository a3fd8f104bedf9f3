"""Tests for thread locks, dedup and rate limits, in-process and on a real Redis server."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import redis

from memory.coordination import (
    Coordinator,
    InProcessCoordinator,
    RedisCoordinator,
    ThreadBusyError,
    make_coordinator,
)


@pytest.fixture(params=["in_process", pytest.param("redis", marks=pytest.mark.redis)])
def coordinator(request: pytest.FixtureRequest) -> Iterator[Coordinator]:
    """Each implementation; Redis keys get a fresh prefix so tests never see each other's keys."""
    if request.param == "in_process":
        yield InProcessCoordinator()
        return
    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    coordinator = RedisCoordinator(client, prefix=f"test:{uuid.uuid4().hex}:")
    yield coordinator
    coordinator.close()


def test_lock_excludes_a_second_holder_in_another_thread(
    coordinator: Coordinator,
) -> None:
    entered, release, outcome = threading.Event(), threading.Event(), []

    def hold() -> None:
        with coordinator.thread_lock("slack:T:C:1"):
            entered.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert entered.wait(5)

    def contend() -> None:
        try:
            with coordinator.thread_lock("slack:T:C:1", wait=0.2):
                outcome.append("acquired")
        except ThreadBusyError as error:
            outcome.append(str(error))

    contender = threading.Thread(target=contend)
    contender.start()
    contender.join()
    assert len(outcome) == 1 and "busy" in outcome[0]
    with coordinator.thread_lock("slack:T:C:2", wait=0):
        pass  # other threads are not blocked
    release.set()
    holder.join()
    with coordinator.thread_lock("slack:T:C:1", wait=1):
        pass


def test_waiting_caller_gets_the_lock_once_it_is_released(
    coordinator: Coordinator,
) -> None:
    order: list[str] = []
    entered = threading.Event()

    def hold() -> None:
        with coordinator.thread_lock("cli:ana"):
            entered.set()
            time.sleep(0.3)
            order.append("first")

    holder = threading.Thread(target=hold)
    holder.start()
    assert entered.wait(5)
    with coordinator.thread_lock("cli:ana", wait=5):
        order.append("second")
    holder.join()
    assert order == ["first", "second"]


def test_lock_is_released_when_the_body_raises(coordinator: Coordinator) -> None:
    with (
        pytest.raises(RuntimeError, match="graph failed"),
        coordinator.thread_lock("cli:boom"),
    ):
        raise RuntimeError("graph failed")
    with coordinator.thread_lock("cli:boom", wait=0):
        pass


def test_dedup_reports_only_the_first_sighting_within_ttl(
    coordinator: Coordinator,
) -> None:
    assert coordinator.first_seen("slack-event:Ev1", ttl=0.5) is True
    assert coordinator.first_seen("slack-event:Ev1", ttl=0.5) is False
    assert coordinator.first_seen("slack-event:Ev2", ttl=0.5) is True
    time.sleep(0.7)
    assert coordinator.first_seen("slack-event:Ev1", ttl=0.5) is True


def test_dedup_admits_one_of_many_concurrent_retries(coordinator: Coordinator) -> None:
    barrier, results = threading.Barrier(8), []

    def deliver() -> None:
        barrier.wait()
        results.append(coordinator.first_seen("slack-event:EvRace", ttl=30))

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_rate_limit_allows_limit_calls_per_window(coordinator: Coordinator) -> None:
    assert [coordinator.allow("x:post", limit=3, per=0.5) for _ in range(5)] == [True] * 3 + [False] * 2
    assert coordinator.allow("linkedin:post", limit=1, per=0.5) is True
    time.sleep(0.6)
    assert coordinator.allow("x:post", limit=3, per=0.5) is True


@pytest.mark.redis
def test_redis_lock_is_renewed_while_held_and_shared_across_clients(
    redis_url: str,
) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"
    first = RedisCoordinator(redis.Redis.from_url(redis_url), prefix=prefix)
    second = RedisCoordinator(redis.Redis.from_url(redis_url), prefix=prefix)
    with first.thread_lock("discord:G:C:T", timeout=0.3):
        time.sleep(0.8)  # well past the lease: only renewal keeps it
        with (
            pytest.raises(ThreadBusyError),
            second.thread_lock("discord:G:C:T", wait=0.1),
        ):
            pass
    with second.thread_lock("discord:G:C:T", wait=0):
        pass
    first.close()
    second.close()


@pytest.mark.redis
def test_redis_release_never_deletes_another_holders_lock(redis_url: str) -> None:
    client, prefix = redis.Redis.from_url(redis_url), f"test:{uuid.uuid4().hex}:"
    coordinator = RedisCoordinator(client, prefix=prefix)
    with coordinator.thread_lock("cli:x", timeout=30):
        key = next(iter(client.scan_iter(match=f"{prefix}lock:*")))
        client.set(key, "someone-else")  # the lease lapsed and another run took the thread
    assert client.get(key) == b"someone-else"
    coordinator.close()


def test_factory_chooses_by_url(redis_url: str) -> None:
    assert isinstance(make_coordinator(None), InProcessCoordinator)
    redis_coordinator = make_coordinator(redis_url)
    assert isinstance(redis_coordinator, RedisCoordinator)
    redis_coordinator.close()
    with pytest.raises(ValueError, match="redis://"):
        make_coordinator("memcached://cache:11211")
