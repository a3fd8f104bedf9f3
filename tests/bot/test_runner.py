"""Graph work in worker processes: turns, decisions, errors and streamed text cross back; a dead worker is replaced."""

from __future__ import annotations

import os
import pickle
import signal
from functools import partial

import psutil
import pytest
from runner_work import echo_pieces, fail_like_a_provider

from bot.app import open_app
from bot.runner import ProcessRunner, ThreadRunner, TurnFailed, make_runner
from bot.turns import DraftCard, InputError, Turn
from config.errors import ConfigError
from config.settings import load_settings
from memory.coordination import ThreadBusyError


@pytest.fixture
def runner():
    worker = ProcessRunner(1)
    yield worker
    worker.close()


async def test_a_turn_and_its_approval_run_in_a_worker_process(runner, brandpilot_home):
    result = await runner.handle_turn(Turn("cli:worker", "ana", "write a tweet about our winter candle sale"))
    [card] = [r for r in result.replies if isinstance(r, DraftCard)]
    decision = {"action": "approve", "approval_id": card.request["approval_id"]}
    decided = await runner.decide("cli:worker", decision, user="ana", surface="cli", roles=())
    assert decided.pending is None and any("scheduled" in str(o).lower() for o in decided.outcomes + decided.replies)
    with open_app(load_settings()) as app:  # the worker wrote to the same home: this process sees the thread
        assert app.service.thread_exists("cli:worker") and app.service.pending_approval("cli:worker") is None
    children = psutil.Process(os.getpid()).children(recursive=True)
    assert children, "the turn ran in a child process"


async def test_input_errors_come_back_as_themselves(runner):
    with pytest.raises(InputError, match="empty"):
        await runner.handle_turn(Turn("cli:worker", "ana", "   "))


async def test_streamed_text_arrives_in_order_while_the_work_runs(runner):
    pieces: list[str] = []
    result = await runner.streaming(partial(echo_pieces), pieces.append)
    assert pieces == ["one ", "two ", "three"] and result.replies[0].markdown == "one two three"


async def test_a_worker_that_dies_fails_its_turn_and_is_replaced(runner):
    await runner.handle_turn(Turn("cli:first", "ana", "hello"))
    for child in psutil.Process(os.getpid()).children(recursive=True):
        if "spawn_main" in " ".join(child.cmdline()) and "resource_tracker" not in " ".join(child.cmdline()):
            child.send_signal(signal.SIGKILL)
    with pytest.raises(Exception, match="terminated abruptly|process pool"):
        await runner.handle_turn(Turn("cli:second", "ana", "hello"))
    result = await runner.handle_turn(Turn("cli:third", "ana", "hello"))
    assert result.replies


def test_a_busy_thread_error_survives_the_trip_between_processes():
    error = pickle.loads(pickle.dumps(ThreadBusyError("slack:T:C:1", 30)))
    assert isinstance(error, ThreadBusyError) and error.key == "slack:T:C:1" and "waited 30s" in str(error)


def test_the_setting_picks_threads_or_processes_and_refuses_a_shared_embedded_store(monkeypatch):
    with open_app(load_settings()) as app:
        assert isinstance(make_runner(app), ThreadRunner)  # BRANDPILOT_TURN_PROCESSES=0 in tests
    monkeypatch.setenv("BRANDPILOT_TURN_PROCESSES", "2")
    with open_app(load_settings()) as app, pytest.raises(ConfigError, match="CHROMA_URL"):
        make_runner(app)


def test_a_worker_whose_serving_process_is_killed_exits_too(brandpilot_home):
    import subprocess
    import sys

    script = (
        "import time\n"
        "from bot.runner import ProcessRunner\n"
        "runner = ProcessRunner(1)\n"
        "runner.pool.submit(int).result()\n"
        "print('ready', flush=True)\n"
        "time.sleep(300)\n"
    )
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        workers = [
            p for p in psutil.Process(server.pid).children(recursive=True) if "spawn_main" in " ".join(p.cmdline())
        ]
        assert workers
    finally:
        server.kill()
        server.wait(timeout=30)
    gone, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, "no worker lingers after its serving process died"


async def test_an_error_that_cannot_cross_processes_is_named_and_the_worker_keeps_serving(runner):
    with pytest.raises(TurnFailed) as failed:
        await runner.streaming(partial(fail_like_a_provider), None)
    assert failed.value.kind == "ProviderError" and "rate limited" in str(failed.value)
    result = await runner.handle_turn(Turn("cli:after", "ana", "hello"))
    assert result.replies, "the pool is not broken"


def test_config_errors_survive_the_trip_between_processes():
    error = pickle.loads(pickle.dumps(ConfigError("the environment", "CHROMA_URL", "unreachable")))
    assert isinstance(error, ConfigError) and error.field == "CHROMA_URL" and "unreachable" in str(error)
