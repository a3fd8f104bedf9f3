"""Outbound pacing: per method and per channel, one budget for every replica sharing Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from fake_slack import BOT_TOKEN, BOT_USER
from slack_requests import event, post, settle
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.pacing import CHANNEL_LIMITS, PacedClient, Pacer, method_name
from memory.coordination import InProcessCoordinator, make_coordinator


class Clock:
    """Fake sleep that records how long the pacer asked to wait, yielding to the loop each time."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        await asyncio.sleep(0)


def test_method_names_are_slacks():
    assert method_name("chat_postMessage") == "chat.postMessage"
    assert method_name("usergroups_users_list") == "usergroups.users.list"


async def test_a_burst_into_one_channel_waits_but_another_channel_does_not():
    clock = Clock()
    pacer = Pacer(InProcessCoordinator(), sleep=clock, max_wait=0.2)
    limit, _ = CHANNEL_LIMITS["chat.postMessage"]
    for _ in range(limit):
        assert await pacer.wait("T1", "chat.postMessage", "C1") < 0.05
    assert not clock.slept
    await pacer.wait("T1", "chat.postMessage", "C2")
    assert not clock.slept, "another channel has its own budget"
    waited = await pacer.wait("T1", "chat.postMessage", "C1")
    assert clock.slept and waited >= 0.2, "the full channel waits, then goes (Slack's 429 handling takes over)"


async def test_replicas_sharing_redis_share_one_budget(redis_url):
    team = f"T{uuid.uuid4().hex[:8]}"
    first, second = make_coordinator(redis_url), make_coordinator(redis_url)
    clock = Clock()
    try:
        one, two = Pacer(first, sleep=clock, max_wait=0.1), Pacer(second, sleep=clock, max_wait=0.1)
        limit, _ = CHANNEL_LIMITS["chat.postMessage"]
        for index in range(limit):
            await (one if index % 2 else two).wait(team, "chat.postMessage", "C1")
        assert not clock.slept
        await one.wait(team, "chat.postMessage", "C1")
        assert clock.slept, "the other replica's calls count against the same channel budget"
    finally:
        first.close()
        second.close()


async def test_the_paced_client_waits_before_each_api_call(fake_slack):
    clock = Clock()
    client = PacedClient(
        AsyncWebClient(token=BOT_TOKEN, base_url=fake_slack.url), Pacer(InProcessCoordinator(), sleep=clock)
    )
    limit, _ = CHANNEL_LIMITS["chat.postMessage"]
    for index in range(limit):
        await client.chat_postMessage(channel="C9", text=f"message {index}")
    assert not clock.slept and len(fake_slack.of("chat.postMessage")) == limit
    assert client.base_url == fake_slack.url, "attributes pass through unpaced"
    pacer_task = asyncio.create_task(client.chat_postMessage(channel="C9", text="one too many"))
    await asyncio.sleep(0.05)
    assert clock.slept, "the call over the channel budget waits"
    pacer_task.cancel()


@pytest.fixture
def slack_config(tmp_path):
    path = tmp_path / "brandpilot.yaml"
    path.write_text("slack:\n  channels:\n    C77: {follow_up_without_mention: false}\n", encoding="utf-8")
    return path


async def test_a_channel_can_require_a_mention_for_follow_ups(slack):
    fake, application, _ = slack
    for channel in ("C42", "C77"):
        await post(application, event(f"<@{BOT_USER}> write a tweet", event_id=f"Ev{channel}", channel=channel))
    await settle(fake, "chat.update", 2)
    for channel in ("C42", "C77"):
        reply = event("and one for LinkedIn?", event_id=f"EvR{channel}", ts="1700000001.2", channel=channel)
        reply["event"] |= {"type": "message", "thread_ts": "1700000000.000100"}
        await post(application, reply)
    await settle(fake, "chat.update", 3)
    await asyncio.sleep(0.5)
    followed = [c.args["channel"] for c in fake.of("chat.update")[2:]]
    assert followed == ["C42"], "C77 asks for a mention in every message"


async def test_the_listeners_calls_go_through_the_pacer(slack, monkeypatch):
    fake, application, _ = slack
    seen: list[tuple[str, str, str | None]] = []
    real_wait = Pacer.wait

    async def spy(self, team, method, channel):
        seen.append((team, method, channel))
        return await real_wait(self, team, method, channel)

    monkeypatch.setattr(Pacer, "wait", spy)
    await post(application, event(f"<@{BOT_USER}> write a tweet about our sale", event_id="EvPaced"))
    await settle(fake, "chat.update")
    assert ("T1", "chat.postMessage", "C42") in seen and ("T1", "chat.update", "C42") in seen


async def test_without_its_budget_store_the_pacer_lets_calls_through():
    class Down:
        def allow(self, key, *, limit, per):
            raise ConnectionError("redis is down")

    clock = Clock()
    assert await Pacer(Down(), sleep=clock).wait("T1", "chat.postMessage", "C1") < 1 and not clock.slept
