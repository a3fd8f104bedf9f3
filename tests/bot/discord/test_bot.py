"""The Discord bot through discord.py's own machinery: raw gateway payloads in, a fake Discord REST API out."""

from __future__ import annotations

import asyncio
import copy

from discord_harness import (
    APPROVER_ROLE,
    CHANNEL,
    DANA,
    GUILD,
    MARKETING,
    SAM,
    answered,
    card_in_thread,
    click,
    custom_ids,
    scheduled,
    start,
)
from discord_payloads import (
    button_click,
    dispatch,
    dm_channel,
    message_create,
    modal_submit,
    slash_command,
    thread_channel,
)
from fake_discord import APPLICATION_ID, BOT_ID

from bot.discord.client import intents_for


async def test_the_least_intents_unless_follow_ups_are_opted_into():
    assert not intents_for(False).message_content and intents_for(True).message_content
    assert intents_for(False).guilds and intents_for(False).dm_messages and not intents_for(False).members


async def test_a_mention_starts_a_thread_with_a_draft_card_that_pings_nobody(running, fake):
    thread, card = await card_in_thread(running, fake)
    assert thread["parent_id"] == CHANNEL and "winter candle sale" in thread["name"]
    assert fake.of("POST", f"/channels/{thread['id']}/typing")
    [embed] = card["embeds"]
    assert embed["title"].startswith("X draft") and "approval" in embed["footer"]["text"]
    assert [c.split(":")[1] for c in custom_ids(card)] == ["approve", "edit", "reschedule", "reject"]
    sends = fake.of("POST", f"/channels/{thread['id']}/messages")
    assert all(r.json["allowed_mentions"] == {"parse": []} for r in sends)
    assert all(r.json.get("nonce") and r.json.get("enforce_nonce") for r in sends)
    synced = fake.of("PUT", f"/applications/{APPLICATION_ID}/guilds/{GUILD}/commands")
    assert synced and synced[-1].json[0]["name"] == "brandpilot"


async def test_a_card_is_approved_after_a_restart_and_closed_with_the_decision(app, fake):
    first = await start(app, fake)
    thread, card = await card_in_thread(first, fake)
    await first.close()
    again = await start(app, fake, thread_channel(thread["id"], parent_id=CHANNEL, guild_id=GUILD, owner_id=BOT_ID))
    try:
        clicked = await click(again, fake, card, thread, "approve")
        [response] = await answered(fake, clicked)
        assert response.type == 6 and response.elapsed < 3  # acknowledged within Discord's 3 seconds
        [edit] = await fake.wait_for_async("PATCH", f"/webhooks/{APPLICATION_ID}/{clicked['token']}/messages/")
        assert edit.json["components"] == [] and "Approved by" in str(edit.json["embeds"])
        outcome = await fake.wait_for_async("POST", f"/channels/{thread['id']}/messages", count=3)
        said = [r.json.get("content") or "" for r in outcome]
        assert any(f"Approved by <@{DANA['id']}>." in text for text in said), said  # a mention, not a bare id
        assert all(r.json["allowed_mentions"] == {"parse": []} for r in outcome), "shown as a name, pinging nobody"
        [post] = scheduled(app)
        assert post.platform == "x" and post.status == "scheduled"
    finally:
        await again.close()


async def test_someone_who_is_not_an_approver_is_refused_privately(running, fake, app):
    thread, card = await card_in_thread(running, fake)
    clicked = await click(running, fake, card, thread, "approve", who=SAM)
    [response] = await answered(fake, clicked)
    assert response.type == 4 and response.data["flags"] & 64
    assert "Only the configured approvers" in response.data["content"] and scheduled(app) == []


async def test_a_double_click_decides_once(running, fake, app):
    thread, card = await card_in_thread(running, fake)
    card = copy.deepcopy(card)  # both clicks land on the card as it was shown
    first = await click(running, fake, card, thread, "approve")
    await answered(fake, first)
    await fake.wait_for_async("PATCH", f"/webhooks/{APPLICATION_ID}/{first['token']}/messages/")
    second = await click(running, fake, card, thread, "approve")
    await answered(fake, second)
    [told] = await fake.wait_for_async("POST", f"/webhooks/{APPLICATION_ID}/{second['token']}")
    assert told.json["flags"] & 64 and len(scheduled(app)) == 1


async def test_an_edit_in_the_modal_is_checked_again_on_a_new_card(running, fake, app):
    thread, card = await card_in_thread(running, fake)
    clicked = await click(running, fake, card, thread, "edit")
    [modal] = await answered(fake, clicked)
    assert modal.type == 9 and "winter candle sale" in str(modal.data)  # the draft's text to edit
    approval = next(c for c in custom_ids(card) if c.startswith("bp:edit:")).split(":")[2]
    await asyncio.sleep(0.05)  # discord.py listens for the modal once Discord accepted it
    text = "Our winter candle sale starts Friday. Far better than Wickwright!"
    submit = modal_submit(
        f"bp:modal:edit:{approval}",
        {"bp:value": text},
        channel=thread,
        guild_id=GUILD,
        who=DANA,
        roles=[APPROVER_ROLE],
        message=copy.deepcopy(card),  # opened from the card's button, so Discord includes the card
    )
    await dispatch(running, "INTERACTION_CREATE", submit, fake=fake)
    [submitted] = await answered(fake, submit)
    assert submitted.status == 200
    for _ in range(3000):
        cards = [m for m in fake.sent(thread["id"]) if "Wickwright" in str(m.get("embeds"))]
        if cards:
            break
        await asyncio.sleep(0.02)
    [new_card] = cards
    assert new_card["components"] and "Edited" in str(fake.message(card["id"])["embeds"])
    assert "better than Wickwright" in new_card["embeds"][0]["description"]
    assert "blocked" in new_card["embeds"][0]["title"]  # the rulebook sees the edited text
    assert scheduled(app) == []


async def test_a_dm_is_answered_in_the_dm(running, fake):
    channel = dm_channel(DANA)
    await dispatch(running, "CHANNEL_CREATE", channel, fake=fake)
    message = message_create(channel["id"], author=DANA, content="what is our brand voice?")
    await dispatch(running, "MESSAGE_CREATE", message, fake=fake)
    [reply] = await fake.wait_for_async("POST", f"/channels/{channel['id']}/messages")
    assert reply.status == 200 and reply.json["content"]


async def test_a_rate_limited_reply_waits_and_goes_out_once(running, fake):
    channel = dm_channel(DANA)
    await dispatch(running, "CHANNEL_CREATE", channel, fake=fake)
    fake.rate_limit_next("POST", f"/channels/{channel['id']}/messages", retry_after=0.05)
    await dispatch(running, "MESSAGE_CREATE", message_create(channel["id"], author=DANA, content="hi"), fake=fake)
    sends = await fake.wait_for_async("POST", f"/channels/{channel['id']}/messages", count=2)
    assert [r.status for r in sends[:2]] == [429, 200] and len(fake.sent(channel["id"])) >= 1


async def test_a_report_for_a_brand_the_server_lacks_is_refused_privately(running, fake):
    command = slash_command(
        "brandpilot",
        subcommand="report",
        options={"brand": "acme"},
        channel=MARKETING,
        guild_id=GUILD,
        registered_in=GUILD,
        who=DANA,
        roles=[APPROVER_ROLE],
    )
    await dispatch(running, "INTERACTION_CREATE", command, fake=fake)
    [response] = await answered(fake, command)
    assert response.type == 4 and response.data["flags"] & 64 and "no brand `acme`" in response.data["content"]


async def test_status_is_deferred_at_once_then_answered_privately(running, fake):
    command = slash_command(
        "brandpilot", subcommand="status", channel=MARKETING, guild_id=GUILD, registered_in=GUILD, who=DANA
    )
    await dispatch(running, "INTERACTION_CREATE", command, fake=fake)
    [response] = await answered(fake, command)
    assert response.type == 5 and response.elapsed < 3
    [followup] = await fake.wait_for_async("POST", f"/webhooks/{APPLICATION_ID}/{command['token']}")
    assert "BrandPilot is up" in followup.json["content"] and "Harbor & Pine" in followup.json["content"]


async def test_alert_cards_are_posted_once_and_act_for_approvers_only(running, fake, app):
    from bot.alerts import AlertService, NewAlert
    from bot.discord.alerts import dispatch_alerts

    AlertService(app.sessions).raise_alert(
        NewAlert(
            "harbor-pine",
            "crisis",
            "critical",
            "Complaints about cracked jars are spreading on X.",
            evidence=("@maria: my jar cracked @everyone",),
            dedup_key="crisis:jars",
        )
    )
    assert await dispatch_alerts(running, CHANNEL) == 1
    assert await dispatch_alerts(running, CHANNEL) == 0  # one card per channel
    [post] = fake.of("POST", f"/channels/{CHANNEL}/messages")
    card = fake.sent(CHANNEL)[-1]
    assert post.json["allowed_mentions"] == {"parse": []} and "Critical alert" in card["embeds"][0]["title"]
    ids = custom_ids(card)
    assert [i.split(":")[2] for i in ids] == ["acknowledge", "draft_response", "escalate", "resolve"]
    refused = button_click(card, ids[3], channel=MARKETING, guild_id=GUILD, who=SAM)
    await dispatch(running, "INTERACTION_CREATE", refused, fake=fake)
    [no] = await answered(fake, refused)
    assert no.data["flags"] & 64 and "Only the configured approvers" in no.data["content"]
    ack = button_click(card, ids[0], channel=MARKETING, guild_id=GUILD, who=DANA, roles=[APPROVER_ROLE])
    await dispatch(running, "INTERACTION_CREATE", ack, fake=fake)
    [yes] = await answered(fake, ack)
    assert yes.type == 6
    [redraw] = await fake.wait_for_async("PATCH", f"/channels/{CHANNEL}/messages/{card['id']}")
    assert "Acknowledged by" in str(redraw.json["embeds"])
    assert "acknowledge" not in str(redraw.json["components"])  # the buttons that still make sense
    [alert] = AlertService(app.sessions).recent()
    assert alert.status == "acknowledged" and alert.status_by == DANA["id"]


def test_serve_discord_without_a_token_says_where_to_get_one(monkeypatch):
    from typer.testing import CliRunner

    from bot.cli import app as cli

    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["serve", "discord"])
    assert result.exit_code == 2 and "DISCORD_BOT_TOKEN" in result.output and "Reset Token" in result.output
