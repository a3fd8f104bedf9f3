"""Socket Mode: envelopes from a local websocket server reach the same handlers and are acknowledged."""

from __future__ import annotations

import json

import pytest
from aiohttp import WSMsgType, web
from fake_slack import APP_TOKEN, BOT_TOKEN, BOT_USER
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_requests import event, settle

from bot.app import open_app
from bot.slack.server import build_slack_app
from config.errors import ConfigError
from config.settings import load_settings


async def test_an_events_envelope_is_acked_and_answered_in_its_thread(monkeypatch, fake_slack):
    acks: list[dict] = []
    envelope = {
        "envelope_id": "env-1",
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
        "payload": event(f"<@{BOT_USER}> write a tweet about our winter candle sale", event_id="EvSocket"),
    }

    async def link(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        await ws.send_json(envelope)
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                acks.append(json.loads(message.data))
        return ws

    server = web.Application()
    server.router.add_get("/link", link)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        fake = fake_slack
        fake.socket_url = f"ws://127.0.0.1:{port}/link"
        monkeypatch.delenv("SLACK_SIGNING_SECRET")  # Socket Mode does without it
        monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
        with open_app(load_settings()) as app:
            handler = AsyncSocketModeHandler(build_slack_app(app, mode="socket"), APP_TOKEN)
            await handler.connect_async()
            try:
                cards = await settle(fake, "chat.postMessage", 2)
                assert any(b["type"] == "actions" for b in cards[1].args["blocks"])
                assert {"envelope_id": "env-1"} in acks
                assert fake.of("apps.connections.open")[0].token == APP_TOKEN
            finally:
                await handler.close_async()
    finally:
        await runner.cleanup()


def test_socket_mode_without_the_app_token_names_it(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    with open_app(load_settings()) as app, pytest.raises(ConfigError) as error:
        build_slack_app(app, mode="socket")
    assert "SLACK_APP_TOKEN" in str(error.value) and "Socket Mode" in str(error.value)
