"""The shipped Slack app manifest asks for exactly what the app uses, at the path the server serves."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = yaml.safe_load((ROOT / "deploy" / "slack" / "manifest.yaml").read_text(encoding="utf-8"))
SOURCE = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot" / "slack").glob("*.py"))
NEEDS = {  # Web API method the code calls: the bot scope it needs
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "chat_postEphemeral": "chat:write",
    "conversations_history": "channels:history",
    "usergroups_users_list": "usergroups:read",
}


def test_every_web_api_call_in_the_code_has_its_scope():
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    called = set(re.findall(r"client\.(\w+)\(", SOURCE))
    assert called, "the Slack code calls the Web API"
    for method in called - {"views_open"}:  # views.open needs no scope beyond a trigger
        assert NEEDS.get(method) in scopes, f"{method} needs a scope in the manifest"


def test_every_event_the_app_handles_is_subscribed_and_every_url_is_the_events_path():
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.channels", "message.im"} <= events
    assert '@bolt.event("app_mention")' in SOURCE and '@bolt.event("message")' in SOURCE
    urls = [
        MANIFEST["settings"]["event_subscriptions"]["request_url"],
        MANIFEST["settings"]["interactivity"]["request_url"],
        *(c["url"] for c in MANIFEST["features"]["slash_commands"]),
    ]
    assert all(url.endswith("/slack/events") for url in urls)
    assert [c["command"] for c in MANIFEST["features"]["slash_commands"]] == ["/brandpilot"]
    assert 'COMMAND = "/brandpilot"' in SOURCE
