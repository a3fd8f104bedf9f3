"""The real Bolt app behind ASGI: signed events in, replies to a local fake Slack Web API out."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import psutil
import pytest
from fake_slack import BOT_TOKEN, BOT_USER, TEAM, fake_slack_server
from slack_requests import SECRET, event, post, settle, signed

from bot.app import open_app
from bot.slack.server import WORKING, build_slack_app
from config.errors import ConfigError
from config.settings import load_settings


async def test_a_mention_gets_a_quick_ack_then_a_draft_card_in_its_thread(slack):
    fake, application, _ = slack
    started = time.perf_counter()
    response = await post(application, event(f"<@{BOT_USER}> write a tweet about our winter candle sale"))
    assert response.status_code == 200
    assert time.perf_counter() - started < 3, "acknowledged before the graph runs"
    progress = (await settle(fake, "chat.postMessage"))[0]  # the card may follow at once when the turn is quick
    assert progress.args["text"] == WORKING and progress.args["thread_ts"] == "1700000000.000100"
    updates = await settle(fake, "chat.update")
    first = updates[0].args
    assert first["channel"] == "C42" and first["ts"] == "1800000000.000001"
    cards = await settle(fake, "chat.postMessage", 2)
    card = cards[1].args
    assert card["thread_ts"] == "1700000000.000100" and card["unfurl_links"] is False
    actions = [b for b in card["blocks"] if b["type"] == "actions"]
    assert actions and actions[0]["elements"][0]["action_id"] == "brandpilot.approve"


async def test_a_retried_event_runs_once(slack):
    fake, application, _ = slack
    body = event(f"<@{BOT_USER}> draft a linkedin post about our workshop tours", event_id="EvRetry")
    for _ in range(3):
        assert (await post(application, body)).status_code == 200
    await settle(fake, "chat.update")
    await asyncio.sleep(0.5)
    assert len(fake.of("chat.update")) == 1 and fake.of("chat.postMessage")[0].args["text"] == WORKING
    assert len([c for c in fake.of("chat.postMessage") if c.args.get("text") == WORKING]) == 1


@pytest.mark.parametrize("sign", [{"secret": "wrong-secret"}, {"age": 600}])
async def test_forged_or_stale_requests_are_refused_and_run_nothing(slack, sign):
    fake, application, _ = slack
    response = await post(application, event(f"<@{BOT_USER}> write a tweet", event_id="EvForged"), **sign)
    assert response.status_code == 401
    await asyncio.sleep(0.3)
    assert not fake.of("chat.postMessage")


async def test_a_reply_in_a_known_thread_continues_it_without_a_mention(slack):
    fake, application, app = slack
    await post(application, event(f"<@{BOT_USER}> write a tweet about our winter candle sale", event_id="EvQ"))
    await settle(fake, "chat.update")
    follow_up = event(
        "and one for LinkedIn?",
        event_id="EvFollow",
        ts="1700000001.000200",
        thread_ts="1700000000.000100",
    )
    follow_up["event"]["type"] = "message"
    await post(application, follow_up)
    updates = await settle(fake, "chat.update", 2)
    assert "still waiting for a decision" in json.dumps(updates[1].args["blocks"]), "the thread's draft comes first"
    stranger = event("unrelated chatter", event_id="EvOther", ts="1700000009.1", thread_ts="1700000005.5")
    stranger["event"]["type"] = "message"
    await post(application, stranger)
    await asyncio.sleep(0.5)
    assert len(fake.of("chat.update")) == 2, "a thread BrandPilot never joined is left alone"
    assert app.service.thread_exists(f"slack:{TEAM}:C42:1700000000.000100")


async def test_bot_messages_are_ignored(slack):
    fake, application, _ = slack
    await post(application, event(f"<@{BOT_USER}> write a tweet", event_id="EvBot", bot_id="B999"))
    await asyncio.sleep(0.5)
    assert not fake.of("chat.postMessage")


async def test_empty_mentions_are_answered_in_plain_words(slack):
    fake, application, _ = slack
    await post(application, event(f"<@{BOT_USER}>   ", event_id="EvEmpty"))
    [update] = await settle(fake, "chat.update")
    assert "The message is empty" in json.dumps(update.args["blocks"])


def test_serving_over_http_without_the_signing_secret_names_it(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    with open_app(load_settings()) as app, pytest.raises(ConfigError) as error:
        build_slack_app(app)
    assert "SLACK_SIGNING_SECRET" in str(error.value)


def test_serve_slack_answers_health_checks_and_events_over_real_http(tmp_path, brandpilot_home):
    import os
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with fake_slack_server() as fake:
        env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.url}
        env["BRANDPILOT_TURN_PROCESSES"] = "1"  # as deployed: the turn runs in a worker process
        env["X_CONSUMER_SECRET"] = "x-consumer-secret"
        command = [sys.executable, "-m", "bot", "serve", "slack", "--http", str(port), "--host", "127.0.0.1"]
        server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)
            assert httpx.get(f"{base}/healthz").text == "ok"
            crc = httpx.get(f"{base}/webhooks/x", params={"crc_token": "abc"})  # the platforms' webhooks share the port
            assert crc.status_code == 200 and crc.json()["response_token"].startswith("sha256=")
            raw = json.dumps(
                event(f"<@{BOT_USER}> write a tweet about our winter candle sale", event_id="EvHttp")
            ).encode()
            headers = signed(raw, "application/json")
            assert httpx.post(f"{base}/slack/events", content=raw, headers=headers).status_code == 200
            [update] = fake.wait_for("chat.update", timeout=60)
            assert any(b["type"] == "actions" for b in fake.wait_for("chat.postMessage", 2)[1].args["blocks"])
            assert update.args["channel"] == "C42"
            workers = psutil.Process(server.pid).children(recursive=True)
            assert workers, "the turn ran in a worker process"
        finally:
            server.terminate()
            server.wait(timeout=30)
        gone, alive = psutil.wait_procs(workers, timeout=15)
        assert not alive, "stopping the server stops its workers"


async def test_a_rate_limited_call_is_retried_after_retry_after_and_nothing_is_lost(slack):
    fake, application, _ = slack
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    fake.fail_next("chat.update", status=503)
    await post(application, event(f"<@{BOT_USER}> write a tweet about our winter candle sale", event_id="Ev429"))
    updates = await settle(fake, "chat.update", 2)
    tries = [c for c in fake.calls if c.method == "chat.postMessage" and c.args.get("text") == WORKING]
    assert len(tries) == 2, "the 429'd progress message was sent again"
    assert updates[0].args == updates[1].args, "the 503'd update was retried with the same content"
    cards = await settle(fake, "chat.postMessage", 3)
    assert any(b["type"] == "actions" for b in cards[-1].args["blocks"])


@pytest.mark.parametrize(
    "text", [f"<@{BOT_USER}> write a tweet about our winter candle sale", "write a tweet about tea"]
)
async def test_direct_messages_are_answered_with_or_without_a_mention(slack, text):
    fake, application, _ = slack
    dm = event(text, event_id=f"EvDM{len(text)}", channel="D42", channel_type="im")
    dm["event"]["type"] = "message"
    await post(application, dm)
    [update] = await settle(fake, "chat.update")
    assert update.args["channel"] == "D42"
