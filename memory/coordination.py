"""Thread locks, event dedup and rate limits: in-process for one replica, Redis for many."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from memory.file_locks import open_file_locks

if TYPE_CHECKING:
    import redis

logger = logging.getLogger(__name__)

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
_EXTEND = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""
_SLIDING_WINDOW = """
local now = redis.call('time')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local window_us = tonumber(ARGV[2]) * 1000
redis.call('zremrangebyscore', KEYS[1], '-inf', now_us - window_us)
if redis.call('zcard', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('zadd', KEYS[1], now_us, ARGV[3])
redis.call('pexpire', KEYS[1], ARGV[2])
return 1
"""


class ThreadBusyError(RuntimeError):
    """Another run holds the thread's lock and did not release it in time."""

    def __init__(self, key: str, wait: float) -> None:
        super().__init__(f"thread {key!r} is busy with another request (waited {wait:g}s); try again shortly")
        self.key = key
        self.wait = wait

    def __reduce__(self) -> tuple[type[ThreadBusyError], tuple[str, float]]:
        """Rebuilt from its key and wait when it crosses a process boundary (turn workers)."""
        return (ThreadBusyError, (self.key, self.wait))


class Coordinator(Protocol):
    """What the bot and workers need to coordinate, whether there is one process or many."""

    def thread_lock(self, key: str, *, timeout: float = 300, wait: float = 30) -> AbstractContextManager[None]:
        """Hold the lock for `key`; raise ThreadBusyError if it is not free within `wait` seconds."""
        ...

    def first_seen(self, key: str, *, ttl: float) -> bool:
        """Return True only the first time `key` is seen within `ttl` seconds."""
        ...

    def allow(self, key: str, *, limit: int, per: float) -> bool:
        """Return True if one more call under `key` fits `limit` calls per sliding `per` seconds."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


class InProcessCoordinator:
    """Coordination without Redis: threading primitives and dictionaries with expiry.

    With `lock_dir`, thread locks are also file locks there (`memory/file_locks.py`), so separate processes on
    one machine (a chat and a `brandpilot approve`, say) never run the same thread at once. Locks do not
    expire while held (the OS releases a file lock when its process dies), so `timeout` is ignored.
    """

    def __init__(self, lock_dir: Path | None = None) -> None:
        self._files = open_file_locks(lock_dir) if lock_dir is not None else None
        self._cond = threading.Condition()
        self._held: set[str] = set()
        self._seen: dict[str, float] = {}
        self._calls: dict[str, deque[float]] = {}

    @contextmanager
    def thread_lock(self, key: str, *, timeout: float = 300, wait: float = 30) -> Iterator[None]:
        """Hold the lock for `key`; raise ThreadBusyError if it is not free within `wait` seconds."""
        with self._cond:
            if not self._cond.wait_for(lambda: key not in self._held, timeout=max(wait, 0)):
                raise ThreadBusyError(key, wait)
            self._held.add(key)
        try:
            with self._file_lock(key, wait):
                yield
        finally:
            with self._cond:
                self._held.discard(key)
                self._cond.notify_all()

    @contextmanager
    def _file_lock(self, key: str, wait: float) -> Iterator[None]:
        if self._files is None:
            yield
            return
        deadline = time.monotonic() + max(wait, 0)
        while not self._files.try_lock(key):
            if time.monotonic() >= deadline:
                raise ThreadBusyError(key, wait) from None
            time.sleep(0.02)
        try:
            yield
        finally:
            self._files.unlock(key)

    def first_seen(self, key: str, *, ttl: float) -> bool:
        """Return True only the first time `key` is seen within `ttl` seconds."""
        now = time.monotonic()
        with self._cond:
            if len(self._seen) > 10_000:
                self._seen = {k: expiry for k, expiry in self._seen.items() if expiry > now}
            if self._seen.get(key, 0.0) > now:
                return False
            self._seen[key] = now + ttl
            return True

    def allow(self, key: str, *, limit: int, per: float) -> bool:
        """Return True if one more call under `key` fits `limit` calls per sliding `per` seconds."""
        now = time.monotonic()
        with self._cond:
            calls = self._calls.setdefault(key, deque())
            while calls and calls[0] <= now - per:
                calls.popleft()
            if len(calls) >= limit:
                return False
            calls.append(now)
            return True

    def close(self) -> None:
        """Close the lock files kept open."""
        if self._files is not None:
            self._files.close()


class RedisCoordinator:
    """Coordination across processes and replicas through one Redis server.

    Locks are `SET NX PX` leases with a random token, released by compare-and-delete and
    renewed in the background while held, so they only lapse if the holder dies.
    """

    def __init__(self, client: redis.Redis, *, prefix: str = "brandpilot:") -> None:
        self._redis = client
        self._prefix = prefix
        self._release = client.register_script(_RELEASE)
        self._extend = client.register_script(_EXTEND)
        self._sliding_window = client.register_script(_SLIDING_WINDOW)

    @contextmanager
    def thread_lock(self, key: str, *, timeout: float = 300, wait: float = 30) -> Iterator[None]:
        """Hold the lock for `key`; raise ThreadBusyError if it is not free within `wait` seconds."""
        name, token = f"{self._prefix}lock:{key}", uuid.uuid4().hex
        lease_ms = max(int(timeout * 1000), 1)
        deadline, pause = time.monotonic() + wait, 0.01
        while not self._redis.set(name, token, nx=True, px=lease_ms):
            if time.monotonic() >= deadline:
                raise ThreadBusyError(key, wait)
            time.sleep(min(pause, max(deadline - time.monotonic(), 0)))
            pause = min(pause * 2, 0.25)
        stop = threading.Event()
        renewer = threading.Thread(
            target=self._keep_alive,
            args=(name, token, lease_ms, stop),
            name=f"lock:{key}",
            daemon=True,
        )
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            self._release(keys=[name], args=[token])

    def first_seen(self, key: str, *, ttl: float) -> bool:
        """Return True only the first time `key` is seen within `ttl` seconds."""
        ttl_ms = max(int(ttl * 1000), 1)
        return bool(self._redis.set(f"{self._prefix}seen:{key}", 1, nx=True, px=ttl_ms))

    def allow(self, key: str, *, limit: int, per: float) -> bool:
        """Return True if one more call under `key` fits `limit` calls per sliding `per` seconds."""
        window_ms = max(int(per * 1000), 1)
        args = [limit, window_ms, uuid.uuid4().hex]
        return bool(self._sliding_window(keys=[f"{self._prefix}rate:{key}"], args=args))

    def close(self) -> None:
        """Close the Redis connection pool."""
        self._redis.close()

    def _keep_alive(self, name: str, token: str, lease_ms: int, stop: threading.Event) -> None:
        while not stop.wait(lease_ms / 3000):
            try:
                if not self._extend(keys=[name], args=[token, lease_ms]):
                    logger.warning(
                        "lost lock %s before release; another run may take the thread",
                        name,
                    )
                    return
            except Exception:
                logger.exception("could not renew lock %s; will retry", name)


def make_coordinator(redis_url: str | None, lock_dir: Path | None = None) -> Coordinator:
    """Return a Redis coordinator for `redis_url`, or an in-process one (file locks in `lock_dir`)."""
    if not redis_url:
        return InProcessCoordinator(lock_dir)
    if not redis_url.startswith(REDIS_SCHEMES):
        raise ValueError(
            f"unsupported REDIS_URL {redis_url.split('://', 1)[0]!r}; use one of "
            f"{', '.join(REDIS_SCHEMES)} or leave it unset for the in-process coordinator"
        )
    import redis

    return RedisCoordinator(redis.Redis.from_url(redis_url))
