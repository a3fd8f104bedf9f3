"""Under a new crisis card in Discord: the volume chart, the playbook's call-in by role, Resume posts, Escalate."""

from __future__ import annotations

import pytest
from crisis_setup import raise_crisis
from discord_harness import APPROVER_ROLE, CHANNEL, CONFIG, DANA, GUILD, SAM, answered, custom_ids
from discord_payloads import button_click, dispatch, thread_channel
from fake_discord import APPLICATION_ID
from sqlalchemy import select

from bot.discord.alerts import dispatch_alerts
from memory import queue
from memory.models import AuditLog

BRAND = "harbor-pine"
CEO_ROLE = "1190000000000000031"
ON_CALL_ROLE = "1190000000000000032"


@pytest.fixture
def discord_config() -> str:
    return (
        CONFIG
        + f"  alerts_channel: '{CHANNEL}'\n"
        + f"crisis_roles:\n  ceo: {{discord_roles: ['{CEO_ROLE}']}}\n"
        + f"alerts:\n  escalate_to_discord_roles: ['{ON_CALL_ROLE}']\n"
    )


async def posted_crisis(bot, fake, app, *, paused: bool = True) -> tuple[dict, list[dict]]:
    """Raise a crisis and run the dispatch pass; returns (the card, the messages in its thread)."""
    raise_crisis(app, BRAND, paused=paused)
    assert await dispatch_alerts(bot, CHANNEL) == 1
    [card] = [m for m in fake.sent(CHANNEL) if m.get("embeds")]
    return card, fake.sent(card["id"])  # a thread started from a message has the message's ID


async def test_a_new_crisis_card_gets_its_chart_call_in_and_pause_note_once(running, fake, app):
    card, thread = await posted_crisis(running, fake, app)
    assert "Critical alert" in card["embeds"][0]["title"]
    [chart, call_in, pause] = thread
    assert chart["attachments"][0]["filename"].startswith(f"crisis-{BRAND}-")
    assert f"CEO (Nora Castellano) (within 30 min): <@&{CEO_ROLE}>" in call_in["content"]
    assert "nobody is configured for this role" in call_in["content"] and "crisis_roles" in call_in["content"]
    [note_request] = [r for r in fake.of("POST", f"/channels/{card['id']}/messages") if "telling now" in str(r.json)]
    assert [str(r) for r in note_request.json["allowed_mentions"]["roles"]] == [
        CEO_ROLE
    ]  # pings the role it calls in, nobody else
    assert note_request.json["allowed_mentions"]["parse"] == []
    assert "are paused because of this incident" in pause["content"]
    assert custom_ids(pause) == [f"bp:resume:{BRAND}"]
    assert await dispatch_alerts(running, CHANNEL) == 0 and len(fake.sent(card["id"])) == 3  # once


async def test_resume_posts_is_for_approvers_audited_and_applied_once(running, fake, app):
    card, thread = await posted_crisis(running, fake, app)
    pause = thread[-1]
    where = thread_channel(card["id"], parent_id=CHANNEL, guild_id=GUILD)
    refused = button_click(pause, f"bp:resume:{BRAND}", channel=where, guild_id=GUILD, who=SAM)
    await dispatch(running, "INTERACTION_CREATE", refused, fake=fake)
    [no] = await answered(fake, refused)
    assert no.data["flags"] & 64 and "Only the configured approvers can resume" in no.data["content"]
    with app.sessions() as session:
        assert BRAND in queue.pauses(session)
    clicked = button_click(pause, f"bp:resume:{BRAND}", channel=where, guild_id=GUILD, who=DANA, roles=[APPROVER_ROLE])
    await dispatch(running, "INTERACTION_CREATE", clicked, fake=fake)
    [yes] = await answered(fake, clicked)
    assert yes.type == 6 and yes.elapsed < 3
    [redraw] = await fake.wait_for_async("PATCH", f"/webhooks/{APPLICATION_ID}/{clicked['token']}/messages/@original")
    assert f"were resumed by <@{DANA['id']}>" in redraw.json["content"] and redraw.json["components"] == []
    with app.sessions() as session:
        assert BRAND not in queue.pauses(session)
        [entry] = session.scalars(select(AuditLog).where(AuditLog.action == "queue.resumed")).all()
    assert entry.actor == DANA["id"] and entry.detail == {"brand": BRAND, "surface": "discord"}


async def test_resume_after_posts_were_resumed_elsewhere_changes_nothing_and_says_so(running, fake, app):
    card, thread = await posted_crisis(running, fake, app)
    assert queue.resume_posts(app.sessions, BRAND, actor="ops", surface="cli")
    where = thread_channel(card["id"], parent_id=CHANNEL, guild_id=GUILD)
    clicked = button_click(
        thread[-1], f"bp:resume:{BRAND}", channel=where, guild_id=GUILD, who=DANA, roles=[APPROVER_ROLE]
    )
    await dispatch(running, "INTERACTION_CREATE", clicked, fake=fake)
    [told] = await fake.wait_for_async("POST", f"/webhooks/{APPLICATION_ID}/{clicked['token']}")
    assert "not paused; nothing changed" in told.json["content"] and told.json["flags"] & 64
    [redraw] = fake.of("PATCH", f"/webhooks/{APPLICATION_ID}/{clicked['token']}/messages/@original")
    assert "running again (resumed elsewhere)" in redraw.json["content"]
    with app.sessions() as session:
        assert [e.actor for e in session.scalars(select(AuditLog).where(AuditLog.action == "queue.resumed"))] == ["ops"]


async def test_escalate_calls_in_the_configured_role_in_the_cards_thread(running, fake, app):
    card, _ = await posted_crisis(running, fake, app, paused=False)
    escalate = next(c for c in custom_ids(card) if ":escalate:" in c)
    stale = {key: value for key, value in card.items() if key != "thread"}  # as first shown: no thread yet
    clicked = button_click(
        stale, escalate, channel=fake.channels[CHANNEL], guild_id=GUILD, who=DANA, roles=[APPROVER_ROLE]
    )
    await dispatch(running, "INTERACTION_CREATE", clicked, fake=fake)
    await answered(fake, clicked)
    sent = await fake.wait_for_async("POST", f"/channels/{card['id']}/messages", count=3)
    [note] = [r.json for r in sent if "Escalated by" in r.json.get("content", "")]
    assert f"<@&{ON_CALL_ROLE}>: please take a look" in note["content"]
    assert [str(r) for r in note["allowed_mentions"]["roles"]] == [ON_CALL_ROLE] and note["allowed_mentions"][
        "parse"
    ] == []
