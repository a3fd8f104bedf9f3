"""`/brandpilot` through the real Bolt app: private answers within the request, `ask` answered in a new thread."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from fake_slack import TEAM
from slack_requests import send, settle, signed

from bot.slack.server import WORKING


async def command(application, text: str) -> dict:
    form = {
        "command": "/brandpilot",
        "text": text,
        "team_id": TEAM,
        "channel_id": "C42",
        "user_id": "U123",
        "trigger_id": f"trigger-{abs(hash(text))}",
        "response_url": "http://127.0.0.1:9/unused",
        "token": "legacy",
    }
    raw = urlencode(form).encode()
    response = await send(application, raw, signed(raw, "application/x-www-form-urlencoded"))
    assert response.status_code == 200
    if response.headers["content-type"].startswith("application/json"):
        return response.json()
    return {"text": response.text}  # Bolt acks a plain text as an ephemeral message


@pytest.mark.parametrize("text", ["", "help", "HELP"])
async def test_help_lists_the_commands_privately(slack, text):
    _, application, _ = slack
    answer = await command(application, text)
    assert "/brandpilot ask TEXT" in answer["text"] and answer.get("response_type", "ephemeral") == "ephemeral"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("frobnicate", "I don't know `frobnicate`"),
        ("ask", "`ask` needs a request"),
        ("report yearly", "say `weekly` or `monthly`"),
        ("report weekly nobrand", "This workspace has no brand `nobrand`; its brands: harbor-pine"),
        ("crisis <!here>", "&lt;!here&gt;"),
    ],
)
async def test_malformed_commands_get_a_private_usage_message(slack, text, expected):
    fake, application, _ = slack
    answer = await command(application, text)
    assert expected in answer["text"] and "BrandPilot commands" in answer["text"]
    assert not fake.of("chat.postMessage")


async def test_crisis_status_lists_the_open_incidents_of_the_workspaces_brands(slack):
    _, application, app = slack
    from datetime import UTC, datetime

    from memory.db import write_transaction
    from memory.incidents import open_incident

    assert "No open crisis incidents." in (await command(application, "crisis status"))["text"]
    with write_transaction(app.sessions) as session:
        values = {"crisis_type": "outage", "type_confidence": 0.8, "score": 9.0, "signals": ["volume"], "mentions": 80}
        at = datetime(2026, 11, 27, 10, tzinfo=UTC)
        open_incident(session, brand_id="harbor-pine", severity="SEV2", at=at, **values)
        open_incident(session, brand_id="another-brand", severity="SEV1", at=at, **values)
    answer = (await command(application, "crisis status"))["text"]
    assert "SEV2 outage for harbor-pine since 2026-11-27 10:00 UTC (80 mentions" in answer
    assert "another-brand" not in answer  # a workspace sees only its own brands
    assert "use `crisis status`" in (await command(application, "crisis open"))["text"]


async def test_report_posts_the_card_in_the_channel_and_the_charts_in_its_thread(slack):
    fake, application, app = slack
    from datetime import UTC, datetime

    from memory.db import write_transaction
    from memory.demo import seed_demo
    from tools.analytics.demo_history import demo_history

    history = demo_history(end=datetime.now(UTC).date(), platforms=("instagram", "linkedin"), weeks=6)
    with write_transaction(app.sessions) as session:
        seed_demo(session, "harbor-pine", history, actor="test")
    answer = await command(application, "report weekly")
    assert "Making the weekly report for harbor-pine" in answer["text"]
    [card] = await settle(fake, "chat.postMessage")
    assert card.args["channel"] == "C42" and "*Weekly report for harbor-pine" in card.args["text"]
    assert "```" in card.args["text"] and "**" not in card.args["text"]  # the table as a code block, mrkdwn bold
    await settle(fake, "files.completeUploadExternal")
    assert sorted(f["filename"] for f in fake.files) == ["channel_mix.png", "funnel.png", "trend.png"]
    assert all(f["data"].startswith(b"\x89PNG") and f["channel"] == "C42" for f in fake.files)
    [card_ts] = [ts for ts, message in fake.messages.items() if "Weekly report" in (message["text"] or "")]
    assert {f["thread_ts"] for f in fake.files} == {card_ts}


async def test_calendar_shows_the_planned_slots_of_the_period_privately(slack):
    _, application, app = slack
    from datetime import UTC, datetime, timedelta

    from memory.calendar import CalendarStore
    from tools.analytics.calendar_plan import PlannedSlot

    soon = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    slot = PlannedSlot("linkedin", soon, "Our people", None, 0.02, "because", None)
    [entry] = CalendarStore(app.sessions).add("harbor-pine", [slot], created_by="U123", ideas=["Meet <!here> Nora"])
    text = (await command(application, "calendar"))["text"]
    assert "*Calendar for the next 14 days*" in text and "**" not in text  # Slack's mrkdwn, not Markdown
    assert entry[:8] in text and "LinkedIn" in text
    assert "&lt;!here&gt;" in text and "<!here>" not in text
    assert "Nothing is on the calendar" in (await command(application, "calendar 2031-01-05"))["text"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("calendar banana", "couldn't read 'banana' as dates"), ("calendar feb 31", "does not exist")],
)
async def test_calendar_with_dates_it_cannot_read_says_how_to_write_them(slack, text, expected):
    _, application, _ = slack
    answer = (await command(application, text))["text"]
    assert expected in answer and "BrandPilot commands" in answer


async def test_status_reports_posts_and_brands(slack):
    _, application, _ = slack
    text = (await command(application, "status"))["text"]
    assert "BrandPilot is up" in text and "Harbor &amp; Pine" in text and "nothing scheduled yet" in text


async def test_ask_answers_at_once_and_then_works_in_a_new_thread(slack):
    fake, application, _ = slack
    answer = await command(application, "ask write a tweet about our winter candle sale")
    assert answer["text"].startswith("On it")
    messages = await settle(fake, "chat.postMessage", 3)
    root, progress, card = (m.args for m in messages[:3])
    assert root["text"].startswith("<@U123> asked: write a tweet") and "thread_ts" not in root
    assert progress["text"] == WORKING and progress["thread_ts"] == card["thread_ts"]
    assert any(b["type"] == "actions" for b in card["blocks"])
    assert json.dumps(card["blocks"])


def a_campaign(app, name: str = "Winter Sale", **changes) -> None:
    from datetime import date

    from memory.campaigns import CampaignStore, Kpi, NewCampaign

    new = NewCampaign(
        "harbor-pine", name, "sales", 20000.0, date(2026, 11, 1), date(2026, 12, 31), ["x"], [Kpi("revenue", 60000)]
    )
    CampaignStore(app.sessions).create(NewCampaign(**{**new.__dict__, **changes}), actor="test")


async def test_campaign_lists_the_workspaces_campaigns_and_shows_one(slack):
    _, application, app = slack
    a_campaign(app)
    a_campaign(app, "Spring <!here> Launch", objective="awareness", kpis=[])
    listed = await command(application, "campaign")
    assert "Winter Sale: planning, sales, budget 20,000.00" in listed["text"]
    assert "revenue &gt;= $60,000" in listed["text"] and "Spring &lt;!here&gt; Launch" in listed["text"]
    only = await command(application, "campaign list active")
    assert "has no active campaigns" in only["text"] and "Winter Sale" not in only["text"]
    shown = await command(application, "campaign status winter sale")
    assert "Winter Sale: planning" in shown["text"] and "No metrics yet" in shown["text"]
    assert "Budget pacing" in shown["text"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("campaign status", "needs a campaign's name"),
        ("campaign status Nope", "No campaign is called 'Nope'; the campaigns here: Winter Sale"),
        ("campaign list done", "'done' is not a campaign state"),
        ("campaign launch it", "isn't a form I know"),
    ],
)
async def test_campaign_in_a_form_it_cannot_read_says_how_to_ask(slack, text, expected):
    _, application, app = slack
    a_campaign(app)
    answer = await command(application, text)
    assert expected in answer["text"] and "BrandPilot commands" in answer["text"]
