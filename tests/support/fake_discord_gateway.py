"""A local fake of Discord's Gateway (v10, JSON): a real websocket server on loopback for a real discord.py client.

`with fake_discord_gateway(fake) as gateway:` serves it (aiohttp, on its own thread and event loop) next to the fake
REST API of `fake_discord.py` and sets `fake.gateway_url`, which `GET /gateway/bot` then answers. Only discord.py's
`AutoShardedClient` asks `/gateway/bot`: a plain `Client` / `commands.Bot` (2.7.1) connects to the class attribute
`discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY` (`wss://gateway.discord.gg/`), so point that at `gateway.url`.

What it does, as Discord documents it and as discord.py 2.7.1's `gateway.py` expects it:
  - the client connects to `?v=10&encoding=json&compress=zstd-stream` (`zlib-stream` without the `zstandard`
    package); frames go out compressed as asked (one zstd stream with a block flush per message, or one zlib stream
    ending each message with Z_SYNC_FLUSH), as text without `compress`; `v` other than 10 closes 4012, an encoding
    other than json 4002 (Discord's `etf` is not faked);
  - HELLO (op 10, `heartbeat_interval` ms); HEARTBEAT (op 1) is answered with HEARTBEAT_ACK (op 11);
  - IDENTIFY (op 2): a token other than the fake's closes 4004 "Authentication failed.", intents outside Discord's
    bits 4013, privileged intents (members, presences, message content) with `allow_privileged=False` 4014
    "Disallowed intent(s).", a shard outside `[0, n)` 4010; else READY (user = the fake's bot, guilds unavailable,
    `session_id`, `resume_gateway_url` = this server, `application {id, flags}`) and one GUILD_CREATE per guild of
    the shard (`add_guild`), each a dispatch with its sequence number `s`;
  - dispatches are filtered by the session's intents (MESSAGE_CREATE needs GUILD_MESSAGES in a guild and
    DIRECT_MESSAGES in a DM, and so on; INTERACTION_CREATE always comes); without MESSAGE_CONTENT a guild message
    reaches the bot with empty `content`, `embeds`, `attachments`, `components` (and no `poll`) unless the bot wrote
    it or is in its `mentions`; without GUILD_PRESENCES a GUILD_CREATE lists only the bot's member and no presences;
  - RESUME (op 6) of a known session replays the dispatches after `seq`, then RESUMED; an unknown session (one the
    client ended by closing with 1000 / 1001, or disconnected for over `resume_timeout` s) gets INVALID_SESSION
    (op 9) with `d: false`; discord.py's `Client.close()` goes out as 4000, so its session stays resumable;
  - REQUEST_GUILD_MEMBERS (op 8) is answered with one GUILD_MEMBERS_CHUNK from the guild's members;
  - a payload before IDENTIFY / RESUME closes 4003, a second IDENTIFY 4005, bad JSON or a binary frame 4002, an
    unknown op 4001; PRESENCE_UPDATE (3) and VOICE_STATE_UPDATE (4) are recorded and otherwise ignored.

Not verified, chosen as closest known behaviour: which events Discord still sends without their intent (GUILD_CREATE
at start-up is always sent here), 4013 for missing intents, 4002 for binary frames and a non-json encoding, no
intent check on REQUEST_GUILD_MEMBERS, and `"_trace"` contents. Heartbeats are never enforced (Discord closes a
connection that stops heartbeating; call `disconnect()` to simulate it). IDENTIFY's `compress: true` (payload
compression) is ignored.
"""

from __future__ import annotations

import asyncio
import copy
import json
import secrets
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import discord
from aiohttp import WSMsgType, web
from discord_payloads import ready
from fake_discord import FakeDiscord

try:
    import zstandard
except ImportError:  # discord.py then asks for zlib-stream
    zstandard = None

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11

GUILDS, GUILD_MEMBERS, GUILD_PRESENCES = 1 << 0, 1 << 1, 1 << 8
GUILD_MESSAGES, GUILD_MESSAGE_REACTIONS, GUILD_MESSAGE_TYPING = 1 << 9, 1 << 10, 1 << 11
DIRECT_MESSAGES, DIRECT_MESSAGE_REACTIONS, DIRECT_MESSAGE_TYPING = 1 << 12, 1 << 13, 1 << 14
MESSAGE_CONTENT = 1 << 15
PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
VALID_INTENTS = discord.Intents.all().value
GUILD_EVENTS = ("GUILD_", "CHANNEL_", "THREAD_", "STAGE_INSTANCE_")  # GUILDS intent, but for the ones below
_CLOSE = object()


@dataclass
class Connection:
    """One websocket connection as the gateway saw it."""

    query: dict[str, str]
    headers: dict[str, str]
    session_id: str | None = None
    client_close_code: int | None = None  # the code the client closed with (None while open or closed by the server)
    closed_with: tuple[int, str] | None = None  # the code and reason the gateway closed it with


@dataclass
class _Session:
    id: str
    token: str
    intents: int
    shard: tuple[int, int]
    seq: int = 0
    log: list[dict[str, Any]] = field(default_factory=list)  # every dispatch frame sent, for RESUME
    conn: _Conn | None = None
    detached_at: float | None = None  # when its connection went away


class _Conn:
    """The server side of one connection: an outbox drained in order by one writer task."""

    def __init__(self, ws: web.WebSocketResponse, record: Connection) -> None:
        self.ws, self.record = ws, record
        self.session: _Session | None = None
        self.outbox: asyncio.Queue[Any] = asyncio.Queue()
        self.closing = False
        compress = record.query.get("compress")
        self.zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self.zstd = zstandard.ZstdCompressor().compressobj() if compress == "zstd-stream" and zstandard else None

    def put(self, frame: dict[str, Any]) -> None:
        if not self.closing:
            self.outbox.put_nowait(frame)

    def close(self, code: int, reason: str) -> None:
        if not self.closing:
            self.closing = True
            self.outbox.put_nowait((_CLOSE, code, reason))

    async def write(self) -> None:
        while True:
            item = await self.outbox.get()
            if isinstance(item, tuple) and item[0] is _CLOSE:
                self.record.closed_with = (item[1], item[2])
                with suppress(ConnectionError, RuntimeError):
                    await self.ws.close(code=item[1], message=item[2].encode())
                return
            text = json.dumps(item, separators=(",", ":"))
            try:
                if self.zstd is not None:
                    flush = zstandard.COMPRESSOBJ_FLUSH_BLOCK
                    await self.ws.send_bytes(self.zstd.compress(text.encode()) + self.zstd.flush(flush))
                elif self.zlib is not None:
                    await self.ws.send_bytes(self.zlib.compress(text.encode()) + self.zlib.flush(zlib.Z_SYNC_FLUSH))
                else:
                    await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return


def _needed_intent(event: str, data: dict[str, Any]) -> int | None:
    """The intent a dispatch needs (None: sent whatever the intents)."""
    in_guild = "guild_id" in data
    if event.startswith("MESSAGE_REACTION_"):
        return GUILD_MESSAGE_REACTIONS if in_guild else DIRECT_MESSAGE_REACTIONS
    if event.startswith("MESSAGE_") or (event == "CHANNEL_PINS_UPDATE" and not in_guild):
        return GUILD_MESSAGES if in_guild else DIRECT_MESSAGES
    if event == "TYPING_START":
        return GUILD_MESSAGE_TYPING if in_guild else DIRECT_MESSAGE_TYPING
    if event == "PRESENCE_UPDATE":
        return GUILD_PRESENCES
    if event in ("GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE", "THREAD_MEMBERS_UPDATE"):
        return GUILD_MEMBERS
    if event.startswith(GUILD_EVENTS) and event != "GUILD_MEMBERS_CHUNK":
        return GUILDS
    return None


def _shaped(event: str, data: dict[str, Any], intents: int, bot_id: str) -> dict[str, Any]:
    """`data` as a session with `intents` receives it (message content and guild members withheld)."""
    data = copy.deepcopy(data)
    if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and not intents & MESSAGE_CONTENT and "guild_id" in data:
        mine = (data.get("author") or {}).get("id") == bot_id
        if not mine and all(u.get("id") != bot_id for u in data.get("mentions") or []):
            data.update({"content": "", "embeds": [], "attachments": [], "components": []})
            data.pop("poll", None)
    if event == "GUILD_CREATE" and not intents & GUILD_PRESENCES and not data.get("unavailable"):
        data["members"] = [m for m in data.get("members", []) if m["user"]["id"] == bot_id]
        data["presences"] = []
    return data


def _shard_of(data: dict[str, Any], event: str, count: int) -> int:
    """The shard a dispatch goes to: by its guild (`(guild_id >> 22) % count`), DMs to shard 0."""
    guild = data.get("id") if event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE") else data.get("guild_id")
    return (int(guild) >> 22) % count if guild else 0


class FakeGateway:
    """The running fake gateway: its `url`, what it saw, and ways to push events and break connections.

    Records (`identified`, `resumed`, `heartbeats`, `connections`) are read from any thread; the methods that act
    (`dispatch`, `reconnect`, `disconnect`, `invalidate`) run on the gateway's loop and return once done there.
    """

    def __init__(self, fake: FakeDiscord, *, heartbeat_interval: int = 1000, allow_privileged: bool = True) -> None:
        self.fake = fake
        self.url = ""
        self.heartbeat_interval = heartbeat_interval  # milliseconds, as in HELLO
        self.allow_privileged = allow_privileged
        self.token: str | None = None  # None: the fake REST API's token
        self.resume_timeout = 60.0  # seconds a session without a connection stays resumable (Discord's is unpublished)
        self.guilds: dict[str, dict[str, Any]] = {}  # guild id -> GUILD_CREATE payload, sent after READY
        self.identified: list[dict[str, Any]] = []  # every IDENTIFY `d` received, accepted or not
        self.resumed: list[dict[str, Any]] = []  # every RESUME `d` received
        self.heartbeats: list[int | None] = []  # the `d` (last sequence) of every HEARTBEAT received
        self.connections: list[Connection] = []
        self.sessions_started = 0
        self.lock = threading.RLock()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._sessions: dict[str, _Session] = {}
        self._conns: set[_Conn] = set()
        self._resumes_ok = 0

    # -- what tests do -----------------------------------------------------------------------------------------

    def add_guild(self, guild: dict[str, Any]) -> None:
        """A guild the bot is in: Discord's REST knows it now (`fake.learn`), new sessions get its GUILD_CREATE."""
        self.fake.learn("GUILD_CREATE", guild)
        with self.lock:
            self.guilds[str(guild["id"])] = copy.deepcopy(guild)

    def dispatch(self, event: str, data: dict[str, Any]) -> int:
        """Send a dispatch to every session that subscribed to it (queued for RESUME while one is disconnected),
        after telling the fake REST API (`fake.learn`); returns how many sessions it went to."""
        self.fake.learn(event, data)
        if event == "GUILD_CREATE" and not data.get("unavailable"):
            with self.lock:
                self.guilds[str(data["id"])] = copy.deepcopy(data)
        elif event == "GUILD_DELETE":
            with self.lock:
                self.guilds.pop(str(data["id"]), None)
        return self._run(self._dispatch(event, copy.deepcopy(data)))

    def reconnect(self) -> None:
        """Send RECONNECT (op 7) on every open connection: discord.py closes and RESUMEs."""
        self._run(self._each_conn(lambda conn: conn.put({"op": RECONNECT, "d": None})))

    def disconnect(self, code: int = 4000, reason: str = "") -> None:
        """Close every open connection from the server side (sessions stay resumable)."""
        self._run(self._each_conn(lambda conn: conn.close(code, reason)))

    def invalidate(self, *, resumable: bool = False) -> None:
        """Send INVALID_SESSION (op 9) on every open connection; without `resumable` the sessions are forgotten."""

        def invalidate(conn: _Conn) -> None:
            conn.put({"op": INVALID_SESSION, "d": resumable})
            if not resumable and conn.session is not None:
                self._sessions.pop(conn.session.id, None)

        self._run(self._each_conn(invalidate))

    def forget_sessions(self) -> None:
        """Drop every session (a RESUME then gets INVALID_SESSION), leaving connections open."""
        self._run(self._each_conn(lambda conn: None, forget=True))

    @property
    def intents(self) -> int | None:
        """The intents of the last IDENTIFY (None before one)."""
        with self.lock:
            return self.identified[-1].get("intents") if self.identified else None

    @property
    def open_connections(self) -> int:
        """Connections open now."""
        with self.lock:
            return len(self._conns)

    def wait_identified(self, count: int = 1, timeout: float = 30.0) -> dict[str, Any]:
        """Block until `count` IDENTIFYs were accepted (READY sent); returns the last IDENTIFY `d`."""
        _wait_sync(lambda: self.sessions_started >= count, timeout, f"{count} accepted IDENTIFY(s)", self)
        return self._last_identify()

    async def wait_identified_async(self, count: int = 1, timeout: float = 30.0) -> dict[str, Any]:
        """`wait_identified` for a client on the test's own event loop."""
        await _wait_async(lambda: self.sessions_started >= count, timeout, f"{count} accepted IDENTIFY(s)", self)
        return self._last_identify()

    async def wait_resumed_async(self, count: int = 1, timeout: float = 30.0) -> dict[str, Any]:
        """Until `count` RESUMEs succeeded (RESUMED sent); returns the last RESUME `d`."""
        await _wait_async(lambda: self._resumes_ok >= count, timeout, f"{count} RESUMED", self)
        with self.lock:
            return self.resumed[-1]

    async def wait_heartbeats_async(self, count: int, timeout: float = 30.0) -> list[int | None]:
        """Until `count` HEARTBEATs arrived (all of them acknowledged)."""
        await _wait_async(lambda: len(self.heartbeats) >= count, timeout, f"{count} heartbeats", self)
        with self.lock:
            return list(self.heartbeats)

    def _last_identify(self) -> dict[str, Any]:
        with self.lock:
            return self.identified[-1]

    def describe(self) -> str:
        """What the gateway saw, for assertion messages."""
        with self.lock:
            seen = [(c.query, c.session_id, c.closed_with, c.client_close_code) for c in self.connections]
            return f"connections {seen}, heartbeats {len(self.heartbeats)}"

    # -- on the gateway's loop ---------------------------------------------------------------------------------

    def _run(self, coro: Any) -> Any:
        assert self.loop is not None, "the gateway is not running"
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=10)

    async def _each_conn(self, act: Callable[[_Conn], None], *, forget: bool = False) -> None:
        for conn in list(self._conns):
            act(conn)
        if forget:
            self._sessions.clear()

    def _live_sessions(self) -> list[_Session]:
        """Sessions still resumable: connected, or disconnected for less than `resume_timeout`."""
        now = time.monotonic()
        for session in list(self._sessions.values()):
            if session.detached_at is not None and now - session.detached_at > self.resume_timeout:
                del self._sessions[session.id]
        return list(self._sessions.values())

    async def _dispatch(self, event: str, data: dict[str, Any]) -> int:
        sent = 0
        for session in self._live_sessions():
            if self._emit(session, event, data):
                sent += 1
        return sent

    def _emit(self, session: _Session, event: str, data: dict[str, Any], *, always: bool = False) -> bool:
        """Sequence a dispatch for a session and send it if connected; False if the session doesn't get it."""
        needed = _needed_intent(event, data)
        if needed is not None and not session.intents & needed and not always:
            return False
        if _shard_of(data, event, session.shard[1]) != session.shard[0]:
            return False
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": _shaped(event, data, session.intents, self._bot_id)}
        session.log.append(frame)
        if session.conn is not None:
            session.conn.put(frame)
        return True

    @property
    def _bot_id(self) -> str:
        return str(self.fake.bot["id"])

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """One client connection: HELLO, then the client's payloads until it or the gateway closes."""
        ws = web.WebSocketResponse(timeout=5.0, max_msg_size=0)
        await ws.prepare(request)
        record = Connection(dict(request.query), {k.lower(): v for k, v in request.headers.items()})
        conn = _Conn(ws, record)
        with self.lock:
            self.connections.append(record)
            self._conns.add(conn)
        writer = asyncio.create_task(conn.write())
        if record.query.get("v") != "10":
            conn.close(4012, "Invalid API version")
        elif record.query.get("encoding", "json") != "json":
            conn.close(4002, "Error while decoding payload.")
        else:
            trace = json.dumps(["fake-discord-gateway", {"micros": 0}])
            conn.put({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval, "_trace": [trace]}, "t": None})
        try:
            async for message in ws:
                if conn.closing:
                    continue
                if message.type is WSMsgType.TEXT:
                    self._receive(conn, message.data)
                elif message.type is WSMsgType.BINARY:
                    conn.close(4002, "Error while decoding payload.")
                else:
                    break
        finally:
            with self.lock:
                self._conns.discard(conn)
                record.client_close_code = None if record.closed_with else ws.close_code
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn, session.detached_at = None, time.monotonic()
                if record.client_close_code in (1000, 1001):  # the client ended its session
                    self._sessions.pop(session.id, None)
            conn.closing = True
            if not writer.done():
                if record.closed_with is None:  # the client closed: nothing left to send
                    writer.cancel()
                with suppress(asyncio.CancelledError, asyncio.TimeoutError):
                    await asyncio.wait_for(writer, 2)
        return ws

    def _receive(self, conn: _Conn, text: str) -> None:
        try:
            payload = json.loads(text)
            op, data = payload["op"], payload.get("d")
        except (ValueError, TypeError, KeyError):
            conn.close(4002, "Error while decoding payload.")
            return
        if op == HEARTBEAT:
            with self.lock:
                self.heartbeats.append(data)
            conn.put({"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            self._identify(conn, data or {})
        elif op == RESUME:
            self._resume(conn, data or {})
        elif op in (PRESENCE_UPDATE, VOICE_STATE_UPDATE, REQUEST_GUILD_MEMBERS):
            if conn.session is None:
                conn.close(4003, "Not authenticated.")
            elif op == REQUEST_GUILD_MEMBERS:
                self._members_chunk(conn.session, data or {})
        else:
            conn.close(4001, "Unknown opcode.")

    def _identify(self, conn: _Conn, data: dict[str, Any]) -> None:
        with self.lock:
            self.identified.append(copy.deepcopy(data))
        if conn.session is not None:
            conn.close(4005, "Already authenticated.")
            return
        if data.get("token") != (self.token or self.fake.token):
            conn.close(4004, "Authentication failed.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents & ~VALID_INTENTS:
            conn.close(4013, "Invalid intent(s).")
            return
        if intents & PRIVILEGED and not self.allow_privileged:
            conn.close(4014, "Disallowed intent(s).")
            return
        shard = data.get("shard") or [0, 1]
        if len(shard) != 2 or not 0 <= shard[0] < shard[1]:
            conn.close(4010, "Invalid shard.")
            return
        session = _Session(secrets.token_hex(16), data["token"], intents, (shard[0], shard[1]))
        self._sessions[session.id] = session
        self._attach(conn, session)
        with self.lock:
            guilds = [copy.deepcopy(g) for g in self.guilds.values()]
        mine = [g for g in guilds if _shard_of(g, "GUILD_CREATE", shard[1]) == shard[0]]
        hello = ready(guild_ids=[g["id"] for g in mine], bot=self.fake.bot, application_id=self.fake.application_id)
        hello |= {"session_id": session.id, "resume_gateway_url": self.url, "shard": list(shard)}
        self._emit(session, "READY", hello)
        for guild in mine:
            self._emit(session, "GUILD_CREATE", guild, always=True)
        with self.lock:
            self.sessions_started += 1

    def _resume(self, conn: _Conn, data: dict[str, Any]) -> None:
        with self.lock:
            self.resumed.append(copy.deepcopy(data))
        if conn.session is not None:
            conn.close(4005, "Already authenticated.")
            return
        if data.get("token") != (self.token or self.fake.token):
            conn.close(4004, "Authentication failed.")
            return
        session = next((s for s in self._live_sessions() if s.id == str(data.get("session_id"))), None)
        seq = data.get("seq") or 0
        if session is None or seq > session.seq:
            conn.put({"op": INVALID_SESSION, "d": False})
            return
        if session.conn is not None:  # the session moves to the new connection
            session.conn.close(4000, "Session resumed elsewhere.")
        for frame in session.log:
            if frame["s"] > seq:
                conn.put(frame)
        self._attach(conn, session)
        self._emit(session, "RESUMED", {"_trace": ["fake-discord-gateway"]})
        with self.lock:
            self._resumes_ok += 1

    def _attach(self, conn: _Conn, session: _Session) -> None:
        conn.session, session.conn, session.detached_at = session, conn, None
        with self.lock:
            conn.record.session_id = session.id

    def _members_chunk(self, session: _Session, data: dict[str, Any]) -> None:
        guild_ids = data.get("guild_id")
        for guild_id in guild_ids if isinstance(guild_ids, list) else [guild_ids]:
            with self.fake.lock:
                members = copy.deepcopy(self.fake.guilds.get(str(guild_id), {}).get("members", []))
            if data.get("user_ids"):
                asked = data["user_ids"] if isinstance(data["user_ids"], list) else [data["user_ids"]]
                wanted = {str(u) for u in asked}
                members = [m for m in members if m["user"]["id"] in wanted]
            elif data.get("query"):
                members = [m for m in members if m["user"]["username"].lower().startswith(data["query"].lower())]
            if data.get("limit"):
                members = members[: data["limit"]]
            chunk = {"guild_id": str(guild_id), "members": members, "chunk_index": 0, "chunk_count": 1}
            chunk |= {"not_found": [], **({"nonce": data["nonce"]} if data.get("nonce") else {})}
            if data.get("presences"):
                chunk["presences"] = []
            self._emit(session, "GUILD_MEMBERS_CHUNK", chunk)


def _wait_sync(done: Callable[[], bool], timeout: float, what: str, gateway: FakeGateway) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {what}; the gateway saw {gateway.describe()}")
        time.sleep(0.01)


async def _wait_async(done: Callable[[], bool], timeout: float, what: str, gateway: FakeGateway) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {what}; the gateway saw {gateway.describe()}")
        await asyncio.sleep(0.01)


@contextmanager
def fake_discord_gateway(
    fake: FakeDiscord, *, heartbeat_interval: int = 1000, allow_privileged: bool = True, port: int = 0
) -> Iterator[FakeGateway]:
    """Serve a fake gateway on 127.0.0.1 (on `port`, else a free one) for `fake`'s bot; `gateway.url` is its URL."""
    gateway = FakeGateway(fake, heartbeat_interval=heartbeat_interval, allow_privileged=allow_privileged)
    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_get("/", gateway.handle)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=2.0)
    started = threading.Event()

    def serve() -> None:  # set up on the gateway's own thread: the caller may be running an event loop already
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", port)
        loop.run_until_complete(site.start())
        gateway.url, gateway.loop = f"ws://127.0.0.1:{runner.addresses[0][1]}/", loop
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, name="fake-discord-gateway", daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("the fake gateway did not start")
    previous, fake.gateway_url = fake.gateway_url, gateway.url
    try:
        yield gateway
    finally:
        fake.gateway_url = previous
        with suppress(Exception):
            gateway.disconnect(1001, "Going away.")
        with suppress(Exception):
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
