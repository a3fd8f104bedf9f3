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
    "chat_delete": "chat:write",
    "chat_startStream": "chat:write",
    "chat_appendStream": "chat:write",
    "chat_stopStream": "chat:write",
    "conversations_history": "channels:history",
    "usergroups_users_list": "usergroups:read",
    "assistant_threads_setStatus": "assistant:write",
    "assistant_threads_setSuggestedPrompts": "assistant:write",
    "assistant_threads_setTitle": "assistant:write",
    "files_upload_v2": "files:write",
}


def test_every_web_api_call_in_the_code_has_its_scope():
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    called = set(re.findall(r"client\.(\w+)[(,]", SOURCE))  # called, or handed to a helper that calls it
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


def test_the_assistant_pane_is_enabled_with_its_scope_events_and_the_prompts_the_app_sets():
    from bot.slack.assistant import SUGGESTED_PROMPTS

    assert "AsyncAssistant()" in SOURCE, "the app serves the pane (Bolt sets status, titles and prompts through it)"
    view = MANIFEST["features"]["assistant_view"]
    assert view["assistant_description"].strip()
    assert view["suggested_prompts"] == [dict(p) for p in SUGGESTED_PROMPTS]
    assert "assistant:write" in MANIFEST["oauth_config"]["scopes"]["bot"]
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert {"assistant_thread_started", "assistant_thread_context_changed", "message.im"} <= events


def test_installs_ask_for_the_manifests_scopes_and_come_back_to_the_served_redirect_path():
    from bot.slack.oauth import BOT_SCOPES
    from config.settings import SLACK_OAUTH_REDIRECT_PATH

    assert list(BOT_SCOPES) == MANIFEST["oauth_config"]["scopes"]["bot"]
    assert [url.endswith(SLACK_OAUTH_REDIRECT_PATH) for url in MANIFEST["oauth_config"]["redirect_urls"]] == [True]
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_uninstalled", "tokens_revoked"} <= events, "uninstalls and revocations forget the tokens"
