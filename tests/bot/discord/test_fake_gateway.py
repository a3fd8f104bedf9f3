"""The fake Discord gateway: a real discord.py client over a real websocket, and `python -m bot serve discord`."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord_harness import CHANNEL, CONFIG, DANA, GUILD, REQUEST, SAM, a_mention, the_guild
from discord_payloads import dm_channel, message_create
from fake_discord import BOT_TOKEN, FakeDiscord
from fake_discord_gateway import FakeGateway, fake_discord_gateway

from bot.discord.client import intents_for


def least_intents() -> discord.Intents:
    """Guilds and guild messages only: no privileged intent."""
    return discord.Intents(guilds=True, guild_messages=True)


class Recorder(discord.Client):
    """A plain client that queues the messages it receives and counts its on_ready."""

    def __init__(self, intents: discord.Intents | None = None, **options: object) -> None:
        super().__init__(intents=intents or least_intents(), guild_ready_timeout=0.05, **options)
        self.messages: asyncio.Queue[discord.Message] = asyncio.Queue()
        self.readies = 0

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py sleeps 5 s before every IDENTIFY but the first (Discord's identify rate limit); not here."""

    async def on_message(self, message: discord.Message) -> None:
        self.messages.put_nowait(message)

    async def on_ready(self) -> None:
        self.readies += 1


@pytest.fixture
def gateway(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGateway]:
    """The fake gateway, with discord.py's DEFAULT_GATEWAY (where a plain Client connects) pointed at it."""
    with fake_discord_gateway(fake, heartbeat_interval=1000) as running:
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(running.url))
        running.add_guild(the_guild())
        yield running


@asynccontextmanager
async def connected(client: discord.Client, fake: FakeDiscord, timeout: float = 10) -> AsyncIterator[discord.Client]:
    """`client.start(token)` against the fakes in a task, until on_ready; closes the client and awaits the task."""
    discord.http.Route.BASE = fake.url  # restored by the `rest_base` fixture
    task = asyncio.create_task(client.start(fake.token))
    ready = asyncio.create_task(client.wait_until_ready())
    try:
        await asyncio.wait({task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()  # start() ended before ready: raise what it raised
        assert ready.done(), "the client did not get ready"
        yield client
    finally:
        ready.cancel()
        await client.close()
        await asyncio.wait_for(task, 10)


async def next_message(client: Recorder, timeout: float = 10) -> discord.Message:
    """The next message the client's on_message got."""
    return await asyncio.wait_for(client.messages.get(), timeout)


async def test_a_client_connects_identifies_with_its_intents_and_sees_the_guild(gateway, fake):
    async with connected(Recorder(), fake) as client:
        [identify] = gateway.identified
        assert identify["token"] == fake.token and identify["intents"] == least_intents().value
        assert identify["properties"]["browser"] == "discord.py" and identify["large_threshold"] == 250
        [connection] = gateway.connections
        compression = discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE  # zstd-stream with zstandard
        assert connection.query == {"v": "10", "encoding": "json", "compress": compression}
        assert connection.headers["user-agent"].startswith("DiscordBot")
        assert client.user.id == int(fake.bot["id"]) and client.application_id == int(fake.application_id)
        guild = client.get_guild(int(GUILD))
        assert guild is not None and guild.get_channel(int(CHANNEL)).name == "marketing"
        assert client.ws.sequence == 2 and client.ws.session_id == connection.session_id  # READY, GUILD_CREATE
        assert yarl.URL(gateway.url) == client.ws.gateway  # resume_gateway_url
        assert guild.get_member(int(DANA["id"])) is None, "without the presences intent only the bot's member comes"
    # Client.close() asks for 1000, but discord.py's reader task answers aiohttp's wake-up by closing first, with 4000
    # (so Discord keeps the session resumable): that is what goes over the wire with discord.py 2.7.1 / aiohttp 3.14.
    await asyncio.wait_for(_until(lambda: gateway.open_connections == 0), 5)
    assert connection.client_close_code == 4000


async def test_messages_pushed_by_the_gateway_reach_on_message_as_the_intents_allow(gateway, fake):
    async with connected(Recorder(), fake) as client:
        asked = a_mention(REQUEST)
        assert gateway.dispatch("MESSAGE_CREATE", asked) == 1
        message = await next_message(client)
        assert message.id == int(asked["id"]) and REQUEST in message.content, "a mention keeps its content"
        assert message.guild.id == int(GUILD) and message.author.id == int(DANA["id"])
        assert fake.message(asked["id"])["content"].endswith(REQUEST), "the REST fake learned the message"
        chatter = message_create(CHANNEL, guild_id=GUILD, author=SAM, content="lunch?")
        gateway.dispatch("MESSAGE_CREATE", chatter)
        assert (await next_message(client)).content == "", "no message content intent: content withheld"
        dm = message_create(dm_channel(DANA)["id"], author=DANA, content="hi")
        assert gateway.dispatch("MESSAGE_CREATE", dm) == 0, "no DM intent: DMs never come"
        assert client.ws.sequence == 4


async def test_the_client_heartbeats_and_every_heartbeat_is_acknowledged(gateway, fake):
    gateway.heartbeat_interval = 200  # HELLO of the next connection
    async with connected(Recorder(), fake) as client:
        started = time.monotonic()
        beats = await gateway.wait_heartbeats_async(4, timeout=5)
        assert time.monotonic() - started < 2
        assert beats[0] is None, "the first heartbeat goes right after HELLO, before any dispatch"
        assert beats[-1] == 2, "later ones carry the last sequence number"
        assert 0 <= client.latency < 1, "the ACKs arrived"
        assert client.is_ready() and not client.is_closed()


async def test_a_wrong_token_fails_at_rest_login_before_any_gateway_connection(gateway, fake):
    client = Recorder()
    discord.http.Route.BASE = fake.url
    with pytest.raises(discord.LoginFailure):
        await client.start("not-the-token")
    await client.close()
    assert gateway.connections == [] and gateway.identified == []


async def test_a_token_the_gateway_refuses_closes_with_4004(gateway, fake):
    client = Recorder()
    discord.http.Route.BASE = fake.url
    await client.login(fake.token)
    client.http.token = "revoked-since-login"  # what the websocket identifies with
    with pytest.raises(discord.ConnectionClosed) as closed:
        await asyncio.wait_for(client.connect(), 10)
    assert closed.value.code == 4004 and client.is_closed()
    assert gateway.connections[0].closed_with == (4004, "Authentication failed.")
    assert gateway.sessions_started == 0


async def test_a_disallowed_privileged_intent_raises_privileged_intents_required(gateway, fake):
    gateway.allow_privileged = False
    intents = least_intents()
    intents.message_content = True
    client = Recorder(intents)
    discord.http.Route.BASE = fake.url
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await asyncio.wait_for(client.start(fake.token), 10)
    await client.close()  # discord.py raises PrivilegedIntentsRequired without closing the client
    assert gateway.connections[0].closed_with == (4014, "Disallowed intent(s).")
    async with connected(Recorder(), fake):  # the least intents are fine
        assert gateway.sessions_started == 1


async def test_the_members_intent_gets_the_guild_chunked_over_the_gateway(gateway, fake):
    async with connected(Recorder(discord.Intents(guilds=True, members=True)), fake) as client:
        guild = client.get_guild(int(GUILD))
        assert guild.chunked and {m.name for m in guild.members} == {"dana", "sam", fake.bot["username"]}


async def test_a_dropped_connection_resumes_and_replays_what_was_missed(gateway, fake):
    async with connected(Recorder(), fake) as client:
        session = client.ws.session_id
        gateway.disconnect(4000)  # blocking: the client's loop (this one) can't reconnect before the dispatch
        missed = a_mention("are you still there?")
        gateway.dispatch("MESSAGE_CREATE", missed)
        message = await next_message(client)
        assert message.id == int(missed["id"])
        resume = await gateway.wait_resumed_async()
        assert resume == {"seq": 2, "session_id": session, "token": fake.token}
        await asyncio.wait_for(_until(lambda: client.ws.sequence == 4), 5)  # the replayed message, then RESUMED
        assert gateway.sessions_started == 1
        gateway.reconnect()  # op 7: discord.py closes and resumes again
        await gateway.wait_resumed_async(2)
        gateway.dispatch("MESSAGE_CREATE", a_mention("and now?"))
        assert "and now?" in (await next_message(client)).content
        assert client.messages.empty() and gateway.sessions_started == 1


async def test_an_unknown_session_is_invalidated_and_the_client_identifies_again(gateway, fake):
    async with connected(Recorder(), fake) as client:
        gateway.forget_sessions()
        gateway.reconnect()
        await gateway.wait_identified_async(2)
        assert len(gateway.resumed) == 1, "it tried to resume first and got INVALID_SESSION"
        await asyncio.wait_for(_until(lambda: client.readies == 2), 10)
        gateway.dispatch("MESSAGE_CREATE", a_mention("hello again"))
        assert "hello again" in (await next_message(client)).content


async def test_an_auto_sharded_client_finds_the_gateway_through_gateway_bot(fake):
    with fake_discord_gateway(fake) as gateway:  # DEFAULT_GATEWAY untouched: the URL comes from GET /gateway/bot
        gateway.add_guild(the_guild())
        client = discord.AutoShardedClient(intents=least_intents(), guild_ready_timeout=0.05)
        async with connected(client, fake):
            assert fake.of("GET", "/gateway/bot")
            assert gateway.identified[-1]["shard"] == [0, 1]
            assert client.get_guild(int(GUILD)) is not None
    assert fake.gateway_url == ""


async def test_zlib_stream_and_protocol_errors_close_with_discords_codes(gateway):
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{gateway.url}?v=10&encoding=json&compress=zlib-stream") as ws:
            inflate = zlib.decompressobj()
            hello = await ws.receive()
            assert hello.type is aiohttp.WSMsgType.BINARY and hello.data.endswith(b"\x00\x00\xff\xff")
            assert json.loads(inflate.decompress(hello.data))["d"]["heartbeat_interval"] == 1000
            await ws.send_json({"op": 1, "d": None})
            assert json.loads(inflate.decompress((await ws.receive()).data)) == {"op": 11}
            await ws.send_json({"op": 8, "d": {"guild_id": GUILD, "query": "", "limit": 0}})
            closed = await ws.receive()
            assert (closed.type, closed.data, closed.extra) == (aiohttp.WSMsgType.CLOSE, 4003, "Not authenticated.")
        for url, send, code in [
            (f"{gateway.url}?v=10&encoding=json", "{not json", 4002),
            (f"{gateway.url}?v=10&encoding=json", json.dumps({"op": 42, "d": None}), 4001),
            (f"{gateway.url}?v=9&encoding=json", None, 4012),
        ]:
            async with session.ws_connect(url) as ws:
                if send is not None:
                    hello = await ws.receive()
                    assert hello.type is aiohttp.WSMsgType.TEXT and json.loads(hello.data)["op"] == 10
                    await ws.send_str(send)
                closed = await ws.receive()
                assert (closed.type, closed.data) == (aiohttp.WSMsgType.CLOSE, code)


async def _until(condition: Callable[[], bool], step: float = 0.01) -> None:
    while not condition():
        await asyncio.sleep(step)


@pytest.mark.slow
def test_serve_discord_connects_to_the_gateway_and_answers_a_mention_in_a_thread(tmp_path: Path, fake, brandpilot_home):
    config = tmp_path / "brandpilot.yaml"
    config.write_text(CONFIG)
    log = tmp_path / "serve.log"
    with fake_discord_gateway(fake) as gateway:
        gateway.add_guild(the_guild())  # REST knows it too: the command sync to the guild is accepted
        env = {**os.environ, "DISCORD_BOT_TOKEN": BOT_TOKEN, "DISCORD_API_URL": fake.url}
        env |= {"BRANDPILOT_CONFIG": str(config), "DISCORD_GATEWAY_URL": gateway.url}
        with log.open("w") as output:
            server = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "discord"], env=env, stdout=output, stderr=subprocess.STDOUT
            )
        try:
            try:
                identify = gateway.wait_identified(timeout=120)
            except AssertionError as exc:
                raise AssertionError(f"{exc}\n{log.read_text()[-3000:]}") from None
            assert identify["intents"] == intents_for(False).value, "the least intents"
            asked = a_mention(REQUEST)
            assert gateway.dispatch("MESSAGE_CREATE", asked) == 1
            fake.wait_for("POST", f"/channels/{CHANNEL}/messages/{asked['id']}/threads", timeout=120)
            thread = fake.channels[asked["id"]]
            deadline = time.monotonic() + 120
            while not [m for m in fake.sent(thread["id"]) if m.get("components")]:
                assert server.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, f"no draft card in the thread: {[r.path for r in fake.requests]}"
                time.sleep(0.1)
        finally:
            server.terminate()
            code = server.wait(timeout=30)
        assert code == 0, log.read_text()[-3000:]
        deadline = time.monotonic() + 5
        while gateway.open_connections and time.monotonic() < deadline:
            time.sleep(0.01)
        assert gateway.open_connections == 0
        assert gateway.connections[-1].client_close_code == 4000, "closed by the bot (4000: see the first test)"
