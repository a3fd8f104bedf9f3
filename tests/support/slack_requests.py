"""Signed requests from 'Slack' into the app under test: events and interactive payloads."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import httpx
from fake_slack import TEAM, FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def signed(raw: bytes, content_type: str, *, secret: str = SECRET, age: float = 0.0) -> dict[str, str]:
    """Headers Slack would send with this body (`age` seconds old)."""
    timestamp = str(int(time.time() - age))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + raw, hashlib.sha256).hexdigest()
    return {"content-type": content_type, "x-slack-request-timestamp": timestamp, "x-slack-signature": f"v0={digest}"}


def event(text: str, *, event_id: str = "Ev1", ts: str = "1700000000.000100", **extra: object) -> dict:
    """An Events API callback wrapping an app_mention (change its type for plain messages)."""
    inner = {"type": "app_mention", "user": "U123", "channel": "C42", "ts": ts, "text": text, "team": TEAM, **extra}
    return callback(inner, event_id)


def callback(inner: dict, event_id: str) -> dict:
    """The Events API envelope Slack wraps every event in."""
    return {
        "type": "event_callback",
        "team_id": TEAM,
        "api_app_id": "A1",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": inner,
    }


def _interaction(kind: str, user: str, trigger_id: str) -> dict:
    """What every interactive payload from this workspace's app carries."""
    return {
        "type": kind,
        "team": {"id": TEAM},
        "user": {"id": user},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": trigger_id,
    }


def block_click(card: dict, action_id: str, user: str, *, channel: str = "C42") -> dict:
    """A block_actions payload: `user` pressed the button `action_id` on the posted card {"ts", "blocks"}."""
    [actions] = [b for b in card["blocks"] if b["type"] == "actions"]
    [button] = [e for e in actions["elements"] if e["action_id"] == action_id]
    return {
        **_interaction("block_actions", user, "trigger-1"),
        "channel": {"id": channel},
        "container": {"type": "message", "message_ts": card["ts"], "channel_id": channel},
        "message": {"ts": card["ts"], "blocks": card["blocks"], "text": "card"},
        "actions": [{**button, "block_id": actions["block_id"], "type": "button", "action_ts": "1"}],
        "response_url": "http://127.0.0.1:9/unused",
    }


async def send(application: object, raw: bytes, headers: dict[str, str]) -> httpx.Response:
    """POST to /slack/events of an ASGI app."""
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://bp.test") as client:
        return await client.post("/slack/events", content=raw, headers=headers)


async def post(application: object, body: dict, **sign: object) -> httpx.Response:
    """A signed JSON event."""
    raw = json.dumps(body).encode()
    return await send(application, raw, signed(raw, "application/json", **sign))


async def interactive(application: object, payload: dict) -> httpx.Response:
    """A signed interactive payload (button click or modal submission)."""
    raw = urlencode({"payload": json.dumps(payload)}).encode()
    return await send(application, raw, signed(raw, "application/x-www-form-urlencoded"))


async def settle(fake: FakeSlack, method: str, count: int = 1) -> list:
    """Wait for the app's background work to have made `count` calls of `method`."""
    return await asyncio.to_thread(fake.wait_for, method, count)


def view_submission(opened_view: dict, entered: dict, user: str) -> dict:
    """A modal's submit: `user` entered `entered` (a block element's state) in the decision modal `opened_view`."""
    return {
        **_interaction("view_submission", user, "trigger-2"),
        "view": {**opened_view, "id": "V1", "state": {"values": {"decision": {"value": entered}}}},
    }
