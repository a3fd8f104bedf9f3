"""`/brandpilot` subcommands in Discord through discord.py's command tree, answered within Discord's 3 seconds."""

from __future__ import annotations

from datetime import date

from discord_harness import APPROVER_ROLE, DANA, GUILD, MARKETING, answered
from discord_payloads import dispatch, slash_command
from fake_discord import APPLICATION_ID

from memory.campaigns import CampaignStore, Kpi, NewCampaign


def brandpilot(subcommand: str, group: str | None = None, **options) -> dict:
    return slash_command(
        "brandpilot",
        subcommand=subcommand,
        group=group,
        options=options,
        channel=MARKETING,
        guild_id=GUILD,
        registered_in=GUILD,
        who=DANA,
        roles=[APPROVER_ROLE],
    )


async def followups(fake, command: dict) -> list[str]:
    sent = await fake.wait_for_async("POST", f"/webhooks/{APPLICATION_ID}/{command['token']}")
    return [r.json["content"] for r in sent]


def campaigns(app) -> None:
    store = CampaignStore(app.sessions)
    days = date(2026, 11, 1), date(2026, 12, 31)
    store.create(
        NewCampaign("harbor-pine", "Winter Sale", "sales", 20000, *days, ["x"], [Kpi("revenue", 60000)]), actor="t"
    )
    store.create(NewCampaign("harbor-pine", "Quiet @everyone", "awareness", 500), actor="t")


async def test_campaign_lists_this_servers_campaigns_privately(running, fake, app):
    campaigns(app)
    command = brandpilot("campaign")
    await dispatch(running, "INTERACTION_CREATE", command, fake=fake)
    [deferred] = await answered(fake, command)
    assert deferred.type == 5 and deferred.data["flags"] & 64
    [text] = await followups(fake, command)
    assert "Winter Sale: planning, sales, budget 20,000.00" in text and "revenue >= $60,000" in text
    assert "Quiet @everyone" in text
    [sent] = fake.of("POST", f"/webhooks/{APPLICATION_ID}/{command['token']}")
    assert sent.json["allowed_mentions"] == {"parse": []} and sent.json["flags"] & 64


async def test_campaign_by_name_shows_its_kpis_and_pacing(running, fake, app):
    campaigns(app)
    command = brandpilot("campaign", name="winter sale")
    await dispatch(running, "INTERACTION_CREATE", command, fake=fake)
    [text] = await followups(fake, command)
    assert text.startswith("Winter Sale: planning") and "No metrics yet" in text and "Budget pacing" in text


async def test_campaign_with_a_name_nobody_uses_names_the_ones_there_are(running, fake, app):
    campaigns(app)
    command = brandpilot("campaign", name="Spring")
    await dispatch(running, "INTERACTION_CREATE", command, fake=fake)
    [text] = await followups(fake, command)
    assert "No campaign is called 'Spring'" in text and "Winter Sale" in text


async def test_campaign_with_both_a_name_and_a_state_is_refused_at_once(running, fake, app):
    command = brandpilot("campaign", name="Winter Sale", state="active")
    await dispatch(running, "INTERACTION_CREATE", command, fake=fake)
    [response] = await answered(fake, command)
    assert response.type == 4 and response.data["flags"] & 64 and "not both" in response.data["content"]


async def test_crisis_status_lists_only_this_servers_open_incidents(running, fake, app):
    from datetime import UTC, datetime

    from memory.db import write_transaction
    from memory.incidents import open_incident

    with write_transaction(app.sessions) as session:
        values = {"crisis_type": "outage", "type_confidence": 0.8, "score": 9.0, "signals": ["volume"], "mentions": 80}
        at = datetime(2026, 11, 27, 10, tzinfo=UTC)
        open_incident(session, brand_id="harbor-pine", severity="SEV2", at=at, **values)
        open_incident(session, brand_id="another-brand", severity="SEV1", at=at, **values)
    command = brandpilot("status", group="crisis")  # /brandpilot crisis status, as in Slack
    await dispatch(running, "INTERACTION_CREATE", command, fake=fake)
    [deferred] = await answered(fake, command)
    assert deferred.type == 5 and deferred.data["flags"] & 64
    [text] = await followups(fake, command)
    assert "SEV2 outage for harbor-pine since 2026-11-27 10:00 UTC" in text and "another-brand" not in text
