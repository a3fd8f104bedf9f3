"""`brandpilot serve all`: Slack and Discord in one process; one surface failing or a signal stops both."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.cli_serve import Surface, _until_stopped


class Served:
    """A surface that serves until stopped, or fails after `fail_after` seconds."""

    def __init__(self, fail_after: float | None = None) -> None:
        self.stopped = asyncio.Event()
        self.fail_after = fail_after
        self.ran = False

    async def run(self) -> None:
        self.ran = True
        if self.fail_after is not None:
            await asyncio.sleep(self.fail_after)
            raise RuntimeError("the gateway went away")
        await self.stopped.wait()

    def surface(self) -> Surface:
        return Surface(self.run, self.stopped.set)


async def test_one_surface_failing_stops_the_other_and_the_failure_is_raised():
    slack, discord = Served(), Served(fail_after=0.01)
    with pytest.raises(RuntimeError, match="gateway went away"):
        await _until_stopped([slack.surface(), discord.surface()])
    assert slack.ran and slack.stopped.is_set()


async def test_sigterm_stops_every_surface_cleanly():
    slack, discord = Served(), Served()
    asyncio.get_running_loop().call_later(0.05, os.kill, os.getpid(), signal.SIGTERM)
    await _until_stopped([slack.surface(), discord.surface()])
    assert slack.stopped.is_set() and discord.stopped.is_set()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["serve", "all"], "Give exactly one of --http PORT or --socket"),
        (["serve", "all", "--http", "0"], "--http 0 is not a port"),
        (["serve", "all", "--http", "3000"], "DISCORD_BOT_TOKEN"),
    ],
)
def test_serve_all_says_what_is_missing(monkeypatch, args, expected):
    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and expected in result.output
