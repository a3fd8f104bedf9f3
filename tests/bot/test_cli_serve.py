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


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _until(condition, what: str, log, server, timeout: float = 120) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert server.poll() is None, f"the server stopped while waiting for {what}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"no {what} within {timeout} s:\n{log.read_text()[-3000:]}"
        time.sleep(0.1)


@pytest.mark.slow
def test_serve_all_answers_slack_and_discord_in_one_process_even_if_the_gateway_is_late(tmp_path, brandpilot_home):
    """One process, both surfaces: a Slack event over HTTP and a Discord mention over the gateway each get a card.

    The gateway is down when the bot first connects (as after a network blip at start-up): the bot keeps trying.
    """
    import json
    import subprocess
    import sys

    import httpx
    from discord_harness import CONFIG, REQUEST, a_mention, the_guild
    from fake_discord import BOT_TOKEN as DISCORD_TOKEN
    from fake_discord import fake_discord_server
    from fake_discord_gateway import fake_discord_gateway
    from fake_slack import BOT_TOKEN, BOT_USER, fake_slack_server
    from slack_requests import SECRET, event, signed

    config = tmp_path / "brandpilot.yaml"
    config.write_text(CONFIG)
    http, gateway_port, log = _free_port(), _free_port(), tmp_path / "serve.log"
    with fake_slack_server() as slack, fake_discord_server() as discord_rest:
        discord_rest.learn("GUILD_CREATE", the_guild())
        env = {**os.environ, "BRANDPILOT_CONFIG": str(config), "SLACK_API_URL": slack.url}
        env |= {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET, "DISCORD_BOT_TOKEN": DISCORD_TOKEN}
        env |= {"DISCORD_API_URL": discord_rest.url, "DISCORD_GATEWAY_URL": f"ws://127.0.0.1:{gateway_port}/"}
        command = [sys.executable, "-m", "bot", "serve", "all", "--http", str(http), "--host", "127.0.0.1"]
        with log.open("w") as output:
            server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{http}"

            def ready() -> bool:
                try:
                    return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
                except httpx.TransportError:
                    return False

            _until(ready, "Slack readiness", log, server)
            _until(lambda: "could not be reached" in log.read_text(), "a failed first gateway connection", log, server)
            with fake_discord_gateway(discord_rest, port=gateway_port) as gateway:
                gateway.add_guild(the_guild())
                _until(lambda: bool(gateway.identified), "a Discord IDENTIFY", log, server)
                asked = a_mention(REQUEST)
                assert gateway.dispatch("MESSAGE_CREATE", asked) == 1
                raw = json.dumps(event(f"<@{BOT_USER}> {REQUEST}", event_id="EvAll")).encode()
                assert httpx.post(
                    f"{base}/slack/events", content=raw, headers=signed(raw, "application/json")
                ).is_success

                def discord_card() -> bool:
                    thread = discord_rest.channels.get(asked["id"])
                    return bool(thread and [m for m in discord_rest.sent(thread["id"]) if m.get("components")])

                _until(discord_card, "a Discord draft card", log, server)

                def slack_card() -> bool:
                    return any("actions" in str(m.args.get("blocks")) for m in slack.of("chat.postMessage"))

                _until(slack_card, "a Slack draft card", log, server)
                assert discord_rest.of("PUT", f"/applications/{discord_rest.application_id}/guilds/")
            server.terminate()
            assert server.wait(timeout=30) == 0, log.read_text()[-3000:]
        finally:
            if server.poll() is None:
                server.kill()
