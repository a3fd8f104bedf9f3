"""Where chat surfaces run graph work: worker processes, so the process answering Slack never waits for the GIL."""

from __future__ import annotations

import asyncio
import atexit
import gc
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from agents.hitl import ApprovalDecision
from bot.turns import InputError, Turn, TurnResult
from config.errors import ConfigError
from memory.coordination import ThreadBusyError

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)
TextSink = Callable[[str], None]
_DONE = None  # ends a streamed turn's text on the queue
WORKER_NICENESS = 10


class TurnFailed(RuntimeError):
    """A turn failed in a worker with an error that can't cross back as itself; says which, in plain words."""

    def __init__(self, kind: str, detail: str) -> None:
        """`kind` names the original error's class."""
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail

    def __reduce__(self) -> tuple[type[TurnFailed], tuple[str, str]]:
        """Rebuilt from its parts in the serving process."""
        return (TurnFailed, (self.kind, self.detail))


class TurnRunner(Protocol):
    """Runs turns and approval decisions for a surface's event loop."""

    async def handle_turn(self, turn: Turn, *, on_text: TextSink | None = None) -> TurnResult:
        """`ConversationService.handle_turn`, off the event loop."""
        ...

    async def decide(
        self, thread_key: str, decision: ApprovalDecision, *, user: str, surface: str, roles: tuple[str, ...]
    ) -> TurnResult:
        """`ConversationService.decide`, off the event loop."""
        ...

    def close(self) -> None:
        """Stop the workers."""
        ...


class ThreadRunner:
    """Graph work on threads of this process (tests, or BRANDPILOT_TURN_PROCESSES=0)."""

    def __init__(self, app: App, *, threads: int = 4) -> None:
        """Run on `threads` threads with the running assistant's service."""
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="turn")

    async def handle_turn(self, turn: Turn, *, on_text: TextSink | None = None) -> TurnResult:
        """Run the turn on a worker thread."""
        return await _in(self.pool, partial(self.app.service.handle_turn, turn, on_text=on_text))

    async def decide(
        self, thread_key: str, decision: ApprovalDecision, *, user: str, surface: str, roles: tuple[str, ...]
    ) -> TurnResult:
        """Apply the decision on a worker thread."""
        run = partial(self.app.service.decide, thread_key, decision, user=user, surface=surface, roles=roles)
        return await _in(self.pool, run)

    def close(self) -> None:
        """Let running work finish; start no more."""
        self.pool.shutdown(wait=False, cancel_futures=True)


class ProcessRunner:
    """Graph work in worker processes, each with its own assistant opened from the same settings (environment).

    Python runs one thread at a time per process: a graph turn on a thread of the serving process makes every
    acknowledgement wait its turn. In worker processes it only competes for a CPU core. Thread locks, event
    dedup and the database work across processes as they do across replicas; a worker that dies is replaced
    and its turn reported as failed.
    """

    def __init__(self, processes: int = 1) -> None:
        """Start `processes` workers now, so the first message doesn't wait for them to load."""
        self.processes = processes
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("spawn")
        self._manager: Any = None
        self._ready: list[Any] = []
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(self.processes, mp_context=self._context, initializer=_open_worker_app)
        self._ready = [pool.submit(_ready) for _ in range(self.processes)]
        return pool

    def wait_ready(self, timeout: float = 300) -> None:
        """Block until the workers have opened the assistant; raise what stopped one (bad settings, no database)."""
        for future in self._ready:
            try:
                future.result(timeout=timeout)
            except BrokenProcessPool:
                raise RuntimeError(
                    "the turn worker process could not start; its error is in the log above "
                    "(run with BRANDPILOT_LOG_LEVEL=INFO for more)"
                ) from None

    async def handle_turn(self, turn: Turn, *, on_text: TextSink | None = None) -> TurnResult:
        """Run the turn in a worker; streamed text comes back through a queue shared with it."""
        return await self.streaming(partial(_worker_turn, turn), on_text)

    async def streaming(self, work: Callable[[Any], TurnResult], on_text: TextSink | None) -> TurnResult:
        """Run `work(queue)` in a worker; what it puts on the queue reaches `on_text` in order, while it runs."""
        if on_text is None:
            return await self._run(partial(work, None))
        pieces = (await asyncio.to_thread(self._streams)).Queue()  # the manager's first start takes a moment
        relay = threading.Thread(target=_relay, args=(pieces, on_text), name="turn-text", daemon=True)
        relay.start()
        try:
            return await self._run(partial(work, pieces))
        finally:
            pieces.put(_DONE)
            await asyncio.to_thread(relay.join, 30)

    async def decide(
        self, thread_key: str, decision: ApprovalDecision, *, user: str, surface: str, roles: tuple[str, ...]
    ) -> TurnResult:
        """Apply the decision in a worker."""
        return await self._run(partial(_worker_decide, thread_key, dict(decision), user, surface, roles))

    async def _run(self, work: Callable[[], TurnResult]) -> TurnResult:
        pool = self.pool
        try:
            return await _in(pool, partial(_crossing, work))
        except BrokenProcessPool:
            log.error("a turn worker process died; starting a new one")
            with self._lock:
                if self.pool is pool:
                    self.pool = self._start()
            raise

    def _streams(self) -> Any:
        with self._lock:
            if self._manager is None:  # started on first use: only a configured model streams
                self._manager = self._context.Manager()
            return self._manager

    def close(self) -> None:
        """Stop the workers (running turns are cut short; their threads' locks are released by the OS)."""
        processes = list(getattr(self.pool, "_processes", {}).values())  # the executor keeps no public list
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)
        if self._manager is not None:
            self._manager.shutdown()


def make_runner(app: App) -> TurnRunner:
    """Worker processes as BRANDPILOT_TURN_PROCESSES says (default 1), or threads of this process when it is 0."""
    settings = app.settings
    if settings.turn_processes > 1 and not settings.secret("chroma_url"):
        raise ConfigError(
            "the environment",
            "BRANDPILOT_TURN_PROCESSES",
            f"{settings.turn_processes} worker processes can't share the embedded knowledge store; "
            "set CHROMA_URL to a Chroma server, or use 1",
        )
    return ProcessRunner(settings.turn_processes) if settings.turn_processes else ThreadRunner(app)


async def _in(pool: Executor, work: Callable[[], TurnResult]) -> TurnResult:
    return await asyncio.get_running_loop().run_in_executor(pool, work)


def _relay(pieces: Any, on_text: TextSink) -> None:
    """Hand the worker's streamed text to the surface, in order, until the turn ends."""
    while True:
        try:
            piece = pieces.get(timeout=600)
        except queue.Empty:
            return
        if piece is _DONE:
            return
        on_text(piece)


_APP: App | None = None


def _open_worker_app() -> None:
    """In a new worker process: open the assistant from the environment's settings, closed at exit."""
    global _APP
    parent = os.getppid()
    threading.Thread(target=_exit_with, args=(parent,), name="parent-watch", daemon=True).start()
    os.nice(WORKER_NICENESS)  # the serving process answers Slack within its deadline; turns can yield the CPU
    from bot.app import open_app
    from config.settings import load_settings

    settings = load_settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s [worker]: %(message)s")
    stack = ExitStack()
    _APP = stack.enter_context(open_app(settings))
    atexit.register(stack.close)
    gc.collect()
    gc.freeze()  # models and libraries loaded once: keep full collections from scanning them during turns


def _exit_with(parent: int) -> None:
    """A worker whose serving process is gone (killed, crashed) exits too instead of lingering."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _ready() -> bool:
    return _APP is not None


def _worker_turn(turn: Turn, pieces: Any) -> TurnResult:
    assert _APP is not None
    return _APP.service.handle_turn(turn, on_text=pieces.put if pieces is not None else None)


def _worker_decide(thread_key: str, decision: dict, user: str, surface: str, roles: tuple[str, ...]) -> TurnResult:
    assert _APP is not None
    return _APP.service.decide(thread_key, decision, user=user, surface=surface, roles=roles)  # type: ignore[arg-type]


def _crossing(work: Callable[[], TurnResult]) -> TurnResult:
    """Errors people can act on cross back as themselves; any other becomes a TurnFailed naming it.

    An exception the serving process can't rebuild (many client libraries' errors need more than their
    message) would otherwise break the whole pool and hide the cause.
    """
    try:
        return work()
    except (InputError, ThreadBusyError, ConfigError):
        raise
    except Exception as exc:
        log.exception("turn failed in the worker")
        raise TurnFailed(type(exc).__name__, str(exc)[:500]) from None
