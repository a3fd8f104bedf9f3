"""What the Discord bot posts on its own: scheduled digests (once per period, charts attached) and their failures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from discord_harness import CHANNEL, CONFIG

from bot.alerts import AlertService
from bot.digests import Digests
from bot.discord.digests import DiscordDigestPoster
from memory.db import write_transaction
from memory.demo import seed_demo
from memory.models import DigestRun
from tools.analytics.demo_history import demo_history

DUE = datetime(2026, 11, 30, 9, tzinfo=UTC)  # Monday 09:00: the week of Nov 23-29 is due


@pytest.fixture
def discord_config() -> str:
    return CONFIG + f"digests:\n  - {{brand: harbor-pine, surface: discord, channel: '{CHANNEL}', hour: 9}}\n"


def digests(bot, app, at: datetime) -> Digests:
    return Digests(app.sessions, app.settings, DiscordDigestPoster(bot), clock=lambda: at)


async def test_a_due_digest_posts_the_report_with_its_charts_once(running, fake, app):
    history = demo_history(end=date(2026, 11, 30), platforms=("instagram", "linkedin"), weeks=6)
    with write_transaction(app.sessions) as session:
        seed_demo(session, "harbor-pine", history, actor="test")
    assert await digests(running, app, DUE - timedelta(minutes=1)).run_once() == 0
    assert await digests(running, app, DUE).run_once() == 1
    sent = fake.sent(CHANNEL)
    assert sent[0]["content"].startswith("_Scheduled weekly digest for harbor-pine.")
    assert "Weekly report for harbor-pine: week of Nov 23-29" in sent[0]["content"]
    assert sorted(a["filename"] for a in sent[-1]["attachments"]) == ["channel_mix.png", "funnel.png", "trend.png"]
    assert all(r.json["allowed_mentions"] == {"parse": []} for r in fake.of("POST", f"/channels/{CHANNEL}/messages"))
    with app.sessions() as session:
        run = session.query(DigestRun).one()
    assert (run.surface, run.posted_at is not None, run.message_ref) == ("discord", True, sent[0]["id"])
    assert await digests(running, app, DUE + timedelta(minutes=5)).run_once() == 0  # once per period
    assert len(fake.sent(CHANNEL)) == len(sent)


async def test_a_digest_discord_refuses_is_not_retried_and_raises_an_alert(running, fake, app):
    fake.forbid_next("POST", f"/channels/{CHANNEL}/messages")
    assert await digests(running, app, DUE).run_once() == 0
    assert await digests(running, app, DUE + timedelta(hours=1)).run_once() == 0
    assert len(fake.of("POST", f"/channels/{CHANNEL}/messages")) == 1
    [alert] = AlertService(app.sessions).recent()
    assert alert.kind == "digest_failed" and f"Discord channel {CHANNEL}" in alert.summary
    assert "Send Messages and Attach Files" in alert.summary


async def test_a_digest_in_a_channel_the_bot_cannot_see_says_which_setting_to_check(running, fake, app):
    poster = DiscordDigestPoster(running)
    settings = app.settings.model_copy(
        update={"digests": [app.settings.digests[0].model_copy(update={"channel": "1190000000000000999"})]}
    )
    assert await Digests(app.sessions, settings, poster, clock=lambda: DUE).run_once() == 0
    with app.sessions() as session:
        run = session.query(DigestRun).one()
    assert "can't see Discord channel 1190000000000000999" in run.error and "digests[].channel" in run.error


def test_a_digest_channel_must_be_an_id_of_its_surface():
    from pydantic import ValidationError

    from config.settings import DigestEntry

    with pytest.raises(ValidationError, match="not a Discord channel ID"):
        DigestEntry(brand="harbor-pine", surface="discord", channel="C0DIGEST")
    with pytest.raises(ValidationError, match="not a Slack channel ID"):
        DigestEntry(brand="harbor-pine", channel=CHANNEL)
