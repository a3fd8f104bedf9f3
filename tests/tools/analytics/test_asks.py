"""Reading budgets, A/B counts and test-planning asks out of hurried chat messages."""

import re

import pytest

from tools.analytics.asks import (
    AbCounts,
    AbDesignAsk,
    BudgetAsk,
    ab_counts,
    ab_design,
    budget_ask,
    money,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("where should the next $20k go?", 20_000.0),
        ("we have £8.5k left for december", 8_500.0),
        ("how would you split 15,000 across ig, fb and tiktok", 15_000.0),
        ("20 grand for Q1", 20_000.0),
        ("€1.2M for the year", 1_200_000.0),
        ("EUR 5000 to play with", 5_000.0),
        ("budget: 7500", 7_500.0),
        ("up 20% on last year, 3k left", 3_000.0),  # a percentage is not money
        ("in 2026 we have 12k", 12_000.0),  # a bare year is not money when an amount is written like money
        ("we have 20k followers and $500", 500.0),  # nor is a count
    ],
)
def test_money_reads_amounts_however_written(text, expected):
    assert money(text) == expected


@pytest.mark.parametrize("text", ["no numbers here", "we grew 20% in Q3", "20k followers in 3 weeks", ""])
def test_money_is_none_without_an_amount(text):
    assert money(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("where should the next $20k go?", BudgetAsk(20_000.0, currency="$")),
        (
            "how would you split 15,000 across ig, fb and tiktok",
            BudgetAsk(15_000.0, channels=("instagram", "facebook", "tiktok")),
        ),
        ("we have £8.5k left for december", BudgetAsk(8_500.0, currency="£")),
        ("20 grand for Q1, how should we split it", BudgetAsk(20_000.0)),
        (
            "$20k budget, at least $2k on TikTok, keep facebook above 1500, min 3k for instagram",
            BudgetAsk(
                20_000.0,
                minimums={"tiktok": 2_000.0, "facebook": 1_500.0, "instagram": 3_000.0},
                channels=("tiktok", "facebook", "instagram"),
                currency="$",
            ),
        ),
        (
            "no more than 5k on facebook, cap linkedin at $1,000, max 2k tiktok, don't spend over 4k on x",
            BudgetAsk(
                None,
                caps={"facebook": 5_000.0, "linkedin": 1_000.0, "tiktok": 2_000.0, "x": 4_000.0},
                channels=("facebook", "linkedin", "tiktok", "x"),
                currency="$",
            ),
        ),
        (
            "Split 20 grand. nothing on linkedin, skip youtube and tt",
            BudgetAsk(
                20_000.0,
                caps={"linkedin": 0.0, "youtube": 0.0, "tiktok": 0.0},
                channels=("linkedin", "youtube", "tiktok"),
            ),
        ),
        (
            "Where should the next 20K go? At least 2k on Tiktok, no more than 5k on FB, nothing on LinkedIn",
            BudgetAsk(
                20_000.0,
                minimums={"tiktok": 2_000.0},
                caps={"facebook": 5_000.0, "linkedin": 0.0},
                channels=("tiktok", "facebook", "linkedin"),
            ),
        ),
        (
            "can we put 10k into ads next month? max 2k tiktok, dont spend over 4k on twitter",
            BudgetAsk(10_000.0, caps={"tiktok": 2_000.0, "x": 4_000.0}, channels=("tiktok", "x")),
        ),
        (
            "15k budget: youtube min 2k, linkedin 1k max, skip x",
            BudgetAsk(
                15_000.0,
                minimums={"youtube": 2_000.0},
                caps={"linkedin": 1_000.0, "x": 0.0},
                channels=("youtube", "linkedin", "x"),
            ),
        ),
        (
            "$20k budget,  min $2k each on fb and IG",
            BudgetAsk(
                20_000.0,
                minimums={"facebook": 2_000.0, "instagram": 2_000.0},
                channels=("facebook", "instagram"),
                currency="$",
            ),
        ),
        (
            "don't let fb drop below 1k, we can spend up to 12k across insta and fb",
            BudgetAsk(12_000.0, minimums={"facebook": 1_000.0}, channels=("facebook", "instagram")),
        ),
        (
            "2k minimum on tiktok, fb 3k max, budget 10k",
            BudgetAsk(
                10_000.0, minimums={"tiktok": 2_000.0}, caps={"facebook": 3_000.0}, channels=("tiktok", "facebook")
            ),
        ),
        (
            "fb can't be more than 5k, 12k to allocate",
            BudgetAsk(12_000.0, caps={"facebook": 5_000.0}, channels=("facebook",)),
        ),
        ("leave linkedin out of the 8k split", BudgetAsk(8_000.0, caps={"linkedin": 0.0}, channels=("linkedin",))),
        (
            "EUR 5000 left, min 1k on google ads, paid search max 3k",
            BudgetAsk(
                5_000.0, minimums={"search": 1_000.0}, caps={"search": 3_000.0}, channels=("search",), currency="€"
            ),
        ),
        (
            "we spent 30k last month, where should the next 20k go?",  # the past spend is not the budget
            BudgetAsk(20_000.0),
        ),
        ("keep instagram above 1500", BudgetAsk(None, minimums={"instagram": 1_500.0}, channels=("instagram",))),
        (
            "split 10k: min 2k on instgram, max 3k on facebok, nothing on linkdin",  # typos
            BudgetAsk(
                10_000.0,
                minimums={"instagram": 2_000.0},
                caps={"facebook": 3_000.0, "linkedin": 0.0},
                channels=("instagram", "facebook", "linkedin"),
            ),
        ),
        (
            "how should we spend the remaining $6,500? no youtube, twitter under 1k",
            BudgetAsk(6_500.0, caps={"youtube": 0.0, "x": 1_000.0}, channels=("youtube", "x"), currency="$"),
        ),
        (
            "We've got 9,000 USD for Dec — where should it go? YT at least 1.5k",
            BudgetAsk(9_000.0, minimums={"youtube": 1_500.0}, channels=("youtube",), currency="$"),
        ),
        (
            "allocate 4k between email and google ads, email ≥ 1k",
            BudgetAsk(4_000.0, minimums={"email": 1_000.0}, channels=("email", "search")),
        ),
    ],
)
def test_budget_ask_reads_total_and_channel_bounds(text, expected):
    assert budget_ask(text) == expected


def test_meta_is_facebook_and_instagram_together_when_left_out():
    assert budget_ask("nothing on meta, where should 5k go") == BudgetAsk(
        5_000.0, caps={"facebook": 0.0, "instagram": 0.0}, channels=("facebook", "instagram")
    )


@pytest.mark.parametrize(
    "text",
    [
        "we spent 20k last year on ads, thoughts on creative?",  # past spend, no allocation asked
        "we have 20k followers on ig, how should we grow?",  # a count, not money
        "our ig has 12k followers, how should we split content between reels and carousels?",
        "what's a good CPM on fb? we pay about $8",
        "LinkedIn is at least 2x more expensive than fb",  # a comparison, not a bound
        "LinkedIn CPC is over 5 dollars",
        "thoughts on fb vs ig for the launch?",
        "",
    ],
)
def test_budget_ask_is_none_for_messages_that_ask_for_no_split(text):
    assert budget_ask(text) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("budget 10k, at least 8k on fb, at least 3k on ig", "minimums add up to 11,000, more than the 10,000"),
        ("split $5k: min $2k tiktok, min $4k youtube", "minimums add up to $6,000, more than the $5,000"),
        ("where should the next $20k go, at least 1k on youtube but also skip youtube", "but also nothing there"),
        ("at least 3k on fb, max 2k on fb", "at least 3,000 on facebook but also at most 2,000"),
        ("we've got €12,500 to spend across insta, fb, tt. cap meta at 5k", "give each its own"),
    ],
)
def test_budget_ask_refuses_bounds_that_cannot_all_hold(text, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        budget_ask(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A: 120/2400, B: 156/2380", AbCounts(120, 2400, 156, 2380)),
        (
            "variant a got 120 conversions from 2,400 visitors and b got 156 out of 2,380",
            AbCounts(120, 2400, 156, 2380),
        ),
        ("control 3.1% of 10k vs test 3.6% of 10k", AbCounts(310, 10_000, 360, 10_000)),
        ("A had 48 signups (1.2k visits); B 61 signups (1.25k visits)", AbCounts(48, 1200, 61, 1250)),
        (
            "is B really better? old subject line 212 opens of 5000, new one 260 of 5000",
            AbCounts(212, 5000, 260, 5000),
        ),
        ("B: 156/2380, A: 120/2400", AbCounts(120, 2400, 156, 2380)),  # labels, not order, decide
        ("a/b test results: 120 / 2400 vs 156 / 2380, significant?", AbCounts(120, 2400, 156, 2380)),
        ("A: 2,400 visitors, 120 conversions. B: 2,380 visitors, 156 conversions", AbCounts(120, 2400, 156, 2380)),
        (
            "variant 1 converted 2.1% on 12k impressions, variant 2 2.4% on 12k impressions",
            AbCounts(252, 12_000, 288, 12_000),
        ),
        ("A: 10k visitors at 3.1%, B: 10k visitors at 3.6%", AbCounts(310, 10_000, 360, 10_000)),
        ("challenger 61 of 1250 vs original 48 of 1200", AbCounts(48, 1200, 61, 1250)),
        ("CONTROL=120/2400  TREATMENT=156/2380", AbCounts(120, 2400, 156, 2380)),
        ("new headline: 30 clicks from 1,000 imps; the old one 25 of 1000", AbCounts(25, 1000, 30, 1000)),
        ("2.5% of 1,010 vs 3% of 1,000 - winner?", AbCounts(25, 1010, 30, 1000)),  # 25.25 rounds to 25
        ("varient a: 40 / 1000 , varient b: 55 / 1000", AbCounts(40, 1000, 55, 1000)),
        (
            "Original: 1.2% CTR on 40k impressions, New: 1.5% CTR on 40k impressions",
            AbCounts(480, 40_000, 600, 40_000),
        ),
        ("arm A 14 orders out of 700 sessions vs arm B 9 orders out of 690 sessions", AbCounts(14, 700, 9, 690)),
    ],
)
def test_ab_counts_reads_two_variants_however_written(text, expected):
    assert ab_counts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "we did 120/2400 last week",  # one pair is not a comparison
        "we got 50/50 traffic split, A: 120/2400",
        "top 3 of 10 posts and 5 of 10 reels were video",  # two pairs but nothing compared
        "our CTR went from 2% to 3%",
        "we got 300 conversions from 200 visitors",  # impossible, but not an A/B comparison
        "",
    ],
)
def test_ab_counts_is_none_without_two_variants(text):
    assert ab_counts(text) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("B: 300 conversions from 200 visitors, A: 120/2400", "B shows 300 conversions from 200 visitors"),
        ("A: 0/0, B: 5/100", "A has had no visitors"),
        ("control 130% of 1000 vs test 3% of 1000", "A's rate of 130% is above 100%"),
    ],
)
def test_ab_counts_refuses_impossible_counts(text, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        ab_counts(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("how many visitors do I need to detect a lift from 3% to 3.5%?", AbDesignAsk(0.03, 0.005, False)),
        ("baseline conversion 2.5%, want to detect a 10% relative lift", AbDesignAsk(0.025, 0.1, True)),
        ("sample size for a 0.5 point improvement on a 4% click rate", AbDesignAsk(0.04, 0.005, False)),
        ("sample size for 3% -> 3.6%, 95% confidence, 80% power", AbDesignAsk(0.03, 0.006, False, 0.05, 0.8)),
        (
            "we convert at 3%, how long to run a test to see a +15% lift at 90% power?",
            AbDesignAsk(0.03, 0.15, True, None, 0.9),
        ),
        ("MDE of 20% on a 1.8% ctr, alpha 0.05, how many sends?", AbDesignAsk(0.018, 0.2, True, 0.05)),
        ("Sample size: current CVR 4%, mde 0.5pp, 99% conf", AbDesignAsk(0.04, 0.005, False, 0.01)),
        ("how many users to detect 50 bps on a 2% baseline", AbDesignAsk(0.02, 0.005, False)),
        ("plan an a/b test: improve our 3% conversion rate by 10%", AbDesignAsk(0.03, 0.1, True)),
        (
            "how many visitors to detect a 1% absolute lift on a 5% cvr, power 0.9",
            AbDesignAsk(0.05, 0.01, False, None, 0.9),
        ),
        ("how many sends to detect a drop from 3% to 2.5%?", AbDesignAsk(0.025, 0.005, False)),  # same n both ways
    ],
)
def test_ab_design_reads_baseline_effect_and_settings(text, expected):
    assert ab_design(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "our conversion rate went from 3% to 3.5% last month, nice!",  # a result, not a plan
        "we saw a 10% lift on a 3% baseline",
        "how many visitors do we need? baseline 3%",  # no effect to size for
        "A: 120/2400, B: 156/2380, significant at 95% confidence?",
        "",
    ],
)
def test_ab_design_is_none_without_a_planning_ask(text):
    assert ab_design(text) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("how many visitors to detect from 3% to 3%?", "no change to detect"),
        ("sample size to detect a 100% lift on a 60% open rate", "A rate of 120% can't be tested"),
        ("sample size for a 1 point lift on a 0% baseline", "A rate of 0% can't be tested"),
        ("sample size from 3% to 3.5% at 100% confidence", "100% confidence isn't possible"),
        ("how many users to detect 3% -> 4% with 100% power", "100% power isn't possible"),
    ],
)
def test_ab_design_refuses_impossible_plans(text, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        ab_design(text)
