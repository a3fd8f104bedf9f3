"""Reading a campaign to create, or changes to one, from chat messages written many ways."""

from datetime import date

import pytest

from tools.analytics.campaign_asks import CampaignAskError, campaign_ask, wants_change, wants_new_campaign

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "create a campaign called Spring Launch: sales, $20k budget, March 1 to April 30, on instagram and "
            "tiktok, revenue target $60k",
            ("Spring Launch", "sales", 20000.0, date(2027, 3, 1), date(2027, 4, 30), ("instagram", "tiktok"),
             {"revenue": 60000.0}),
        ),
        (
            "set up a new awareness campaign 'Holiday Glow' with a 5k budget running Dec 1-24",
            ("Holiday Glow", "awareness", 5000.0, date(2026, 12, 1), date(2026, 12, 24), (), {}),
        ),
        (
            "new lead gen campaign named Webinar Wave with a budget of $8,000 and a CPA under $25 on linkedin",
            ("Webinar Wave", "leads", 8000.0, None, None, ("linkedin",), {"cpa": 25.0}),
        ),
        (
            "launch a campaign called Mom's Day Glow with 12k budget, ROAS of 3x and a CTR of 1.5%",
            ("Mom's Day Glow", "sales", 12000.0, None, None, (), {"ctr": 0.015, "roas": 3.0}),
        ),
        (
            "create campaign “Ride Further” for Arclight e-bikes, 8 weeks, 45k",
            ("Ride Further", None, 45000.0, None, None, (), {}),
        ),
        (
            'new campaign "Glow Up" - awareness, 1 million impressions, engagement rate above 4%, budget 3k, yt + tt',
            ("Glow Up", "awareness", 3000.0, None, None, ("youtube", "tiktok"),
             {"engagement_rate": 0.04, "impressions": 1_000_000.0}),
        ),
    ],
)  # fmt: skip
def test_a_new_campaign_is_read_whole(text, expected):
    assert wants_new_campaign(text, names_existing=False)
    ask = campaign_ask(text, TODAY)
    assert (ask.name, ask.objective, ask.budget, ask.starts_on, ask.ends_on, ask.channels, ask.kpis) == expected


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("set the Winter Sale revenue target to 80k", {"kpis": {"revenue": 80000.0}}),
        ("raise the Winter Sale budget to $25,000", {"budget": 25000.0}),
        ("extend Winter Sale until January 15", {"ends_on": date(2027, 1, 15)}),
        ("add a ROAS target of 3 to Winter Sale", {"kpis": {"roas": 3.0}}),
        ("move the start of Winter Sale to Dec 3", {"starts_on": date(2026, 12, 3)}),
        ("put Winter Sale on facebook and instagram too", {"channels": ("facebook", "instagram")}),
    ],
)
def test_changes_to_a_named_campaign_are_read(text, changes):
    assert wants_change(text) and not wants_new_campaign(text, names_existing=True)
    ask = campaign_ask(text, TODAY, without="Winter Sale")
    read = {
        "budget": ask.budget, "starts_on": ask.starts_on, "ends_on": ask.ends_on, "channels": ask.channels,
        "kpis": ask.kpis,
    }  # fmt: skip
    assert ask.changes_anything and {key: read[key] for key in changes} == changes
    assert all(not value for key, value in read.items() if key not in changes)


@pytest.mark.parametrize(
    "text",
    [
        "where should the next $20k go for the new campaign?",
        "start the Winter Sale campaign",
        "how are the Winter Sale doing since the launch? (campaign)",
        "did the Winter Sale campaign start well?",
    ],
)
def test_questions_and_lifecycle_steps_are_not_new_campaigns(text):
    assert not wants_new_campaign(text, names_existing="Winter Sale" in text)


def test_a_period_that_cannot_be_says_why():
    with pytest.raises(CampaignAskError, match="before"):
        campaign_ask("create a campaign called Backwards from Dec 20 to Dec 10", TODAY)
