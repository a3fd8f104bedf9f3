"""Trend detection: surges are found with exact counts, steady chatter, spammers and the brand's own name are not."""

from __future__ import annotations

import math
import random
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from scipy.stats import nbinom

from tools.monitor.trends import PRIOR_MENTIONS, TrendMention, find_trends

T0 = datetime(2026, 3, 2, tzinfo=UTC)
NOW = T0 + timedelta(days=28)
BASE_DAYS = 28
PER_DAY = 150
SUBJECTS = (
    "the oat latte",
    "my usual flat white",
    "the morning espresso",
    "a caramel macchiato",
    "the seasonal menu",
    "their banana bread",
    "the loyalty app",
    "the weekend queue",
    "the barista team",
    "the delivery order",
)
VERBS = ("was great", "tasted fine", "took a while", "was lovely", "felt pricey", "hit the spot", "was lukewarm")
TAILS = ("today", "this morning", "again", "as usual", "at the station shop", "before work", "with a friend", "")


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(TAILS)}".strip()


def chatter(rng: random.Random, count: int, start: datetime, days: float) -> list[TrendMention]:
    """Everyday mentions from a pool of 1,000 fans, spread evenly over `days`."""
    return [
        TrendMention(
            sentence(rng),
            f"fan{rng.randrange(1000)}",
            start + timedelta(days=days * i / count),
            followers=rng.randrange(2000),
            negative=rng.random() * 0.3,
        )
        for i in range(count)
    ]


def window(seed: int = 0, recent_count: int = PER_DAY) -> tuple[list[TrendMention], list[TrendMention]]:
    """(recent day, 28-day baseline) of the same everyday chatter."""
    rng = random.Random(seed)
    baseline = chatter(rng, BASE_DAYS * PER_DAY, T0, BASE_DAYS)
    return chatter(rng, recent_count, NOW, 1), baseline


def topic(
    texts: list[str], *, who: str, at: datetime = NOW, followers: int = 100, negative: float = 0.25
) -> list[TrendMention]:
    """One mention per text, each by a different author, a minute apart."""
    return [
        TrendMention(text, f"{who}{i}", at + timedelta(minutes=i), followers=followers, negative=negative)
        for i, text in enumerate(texts)
    ]


def trends(recent, baseline, **options):
    options = {"recent_days": 1, "baseline_days": BASE_DAYS if baseline else 0, "limit": 20} | options
    return find_trends(recent, baseline, **options)


def terms(found) -> list[str]:
    return [trend.term for trend in found]


def test_surging_hashtag_is_found_with_exact_counts_and_score() -> None:
    rng = random.Random(11)
    recent, baseline = window()
    baseline += topic([f"{sentence(rng)} #CozySeason" for _ in range(2)], who="early", at=T0)
    texts = [f"{sentence(rng)} #CozySeason" for _ in range(30)]
    texts += [f"{sentence(rng)} #cozyseason and again #COZYSEASON" for _ in range(10)]  # once per mention
    recent += topic(texts, who="cozy")

    found = trends(recent, baseline)

    assert terms(found) == ["#CozySeason"]
    trend = found[0]
    assert (trend.kind, trend.count, trend.authors, trend.reach) == ("hashtag", 40, 40, 4000)
    assert trend.baseline_per_day == 2 / 28
    assert trend.negative_share == 0.25
    assert trend.examples == tuple(texts[:3])
    # Gamma(1 + 2, 100 + N) prior-smoothed rate; exposure = recent mentions (190 > 4202 / 28 per day)
    exposure, base = 190, PRIOR_MENTIONS + len(baseline)
    assert trend.lift == pytest.approx(40 / (3 * exposure / base), rel=1e-12)
    expected = -math.log10(nbinom.sf(39, 3, 1 - exposure / (base + exposure)))
    assert trend.score == pytest.approx(expected, rel=1e-9)


def test_everyday_chatter_does_not_trend_on_ordinary_days() -> None:
    found = [terms(trends(*window(seed))) for seed in range(10)]
    assert sum(map(bool, found)) <= 1  # the Bonferroni bound allows about 1 % of days; seed 1 is one of them
    assert not any("latte" in term for day in found for term in day)


def test_a_busier_day_does_not_make_everyday_terms_trend() -> None:
    recent, baseline = window(seed=3, recent_count=3 * PER_DAY)  # three times the usual volume, same mix
    assert trends(recent, baseline) == []


def test_quieter_day_is_judged_per_day_not_per_mention() -> None:
    recent, baseline = window(seed=3, recent_count=PER_DAY // 3)
    rng = random.Random(5)
    # 25 of 75 mentions mention "#Refill": rate per day 25 against a baseline of 0 - a trend either way
    found = trends(recent + topic([f"{sentence(rng)} #Refill" for _ in range(25)], who="r"), baseline)
    exposure = len(baseline) / BASE_DAYS  # 150 a day expected, more than the 75 that came
    assert terms(found) == ["#Refill"]
    assert found[0].lift == pytest.approx(25 / (exposure / (PRIOR_MENTIONS + len(baseline))), rel=1e-12)


def test_term_pushed_by_one_author_is_not_a_trend() -> None:
    rng = random.Random(2)
    recent, baseline = window()
    spam = [
        TrendMention(f"{sentence(rng)} #FreeFollowers", "@Spammer" if i % 2 else "spammer", NOW, 5) for i in range(50)
    ]
    assert trends(recent + spam, baseline) == []
    helpers = topic([f"{sentence(rng)} #FreeFollowers"], who="friend")
    assert trends(recent + spam + helpers, baseline) == []  # two distinct authors
    third = topic([f"{sentence(rng)} #FreeFollowers"], who="another")
    assert terms(trends(recent + spam + helpers + third, baseline)) == ["#FreeFollowers"]


def test_brand_names_handles_and_hashtags_are_excluded() -> None:
    rng = random.Random(3)
    recent, baseline = window()
    spellings = [
        "Kettle & Ember",
        "kettle ember's",
        "Kettle and Ember",
        "KettleAndEmber",
        "#KettleEmber",
        "@KettleEmber",
        "kettle_ember",
        "Kettle&amp;Ember",
        "#KettleEmberLove",
    ]
    recent += topic([f"{sentence(rng)}. {spelling}" for spelling in spellings for _ in range(8)], who="fan-of")

    unfiltered = trends(recent, baseline)
    assert any("kettle" in term.casefold() for term in terms(unfiltered))
    assert trends(recent, baseline, exclude=["Kettle & Ember", "@KettleEmber", "#KettleEmber"]) == []


def test_hashtags_that_merely_contain_a_one_word_name_are_kept() -> None:
    rng = random.Random(13)
    recent, baseline = window()
    recent += topic([f"{sentence(rng)} #EmberLove" for _ in range(20)], who="own")
    recent += topic([f"{sentence(rng)} #DecemberDrinks" for _ in range(20)], who="season")
    assert terms(trends(recent, baseline, exclude=["Ember"])) == ["#DecemberDrinks"]


def test_brand_is_cut_out_of_longer_phrases() -> None:
    rng = random.Random(4)
    recent, baseline = window()
    recent += topic([f"{sentence(rng)}. Kettle & Ember merch drop" for _ in range(20)], who="m")
    found = trends(recent, baseline, exclude=["Kettle & Ember"])
    assert terms(found) == ["merch drop"]
    assert found[0].count == 20


def test_numbers_links_handles_and_emoji_are_not_terms() -> None:
    rng = random.Random(12)
    recent, baseline = window()
    noise = [
        f"{sentence(rng)} 2026 \U0001f389\U0001f389 https://t.co/Ab12 @someone www.example.com/x" for _ in range(30)
    ]
    assert trends(recent + topic(noise, who="n"), baseline) == []


def test_nested_phrases_collapse_into_the_longest() -> None:
    rng = random.Random(5)
    recent, baseline = window()
    baseline += topic([f"{sentence(rng)}. cold brew" for _ in range(28)], who="old", at=T0)
    variants = ["Cold Brew Kit"] * 17 + ["cold brew kit"] * 8 + ["cold-brew kit"] * 5
    recent += topic([f"{sentence(rng)}. {variant}" for variant in variants], who="kit")

    found = trends(recent, baseline)

    assert terms(found) == ["Cold Brew Kit"]
    assert (found[0].kind, found[0].count, found[0].authors, found[0].baseline_per_day) == ("phrase", 30, 30, 0.0)


def test_negative_topic_reports_its_negative_share() -> None:
    rng = random.Random(6)
    recent, baseline = window()
    texts = [f"{sentence(rng)}. the lid cracked" for _ in range(25)]
    recent += topic(texts[:20], who="angry", negative=1.0) + topic(texts[20:], who="unsure", negative=0.5)

    found = trends(recent, baseline)

    assert terms(found) == ["lid cracked"]
    assert found[0].negative_share == 0.9
    assert found[0].count == 25


def test_empty_baseline_works_but_new_terms_need_more_evidence() -> None:
    rng = random.Random(7)
    recent, baseline = window()
    few = topic([f"{sentence(rng)} #NewThing" for _ in range(5)], who="few")
    many = few + topic([f"{sentence(rng)} #NewThing" for _ in range(35)], who="many")

    assert "#NewThing" in terms(trends(recent + few, baseline))  # new against 28 quiet days: notable
    assert "#NewThing" not in terms(trends(recent + few, []))  # no history at all: 5 of 155 is not enough
    found = {trend.term: trend for trend in trends(recent + many, [])}
    trend = found["#NewThing"]
    assert (trend.count, trend.baseline_per_day) == (40, 0.0)
    # prior only: a geometric predictive, P(K >= k) = q**k with q = 190 / (100 + 190)
    assert trend.score == pytest.approx(-40 * math.log10(190 / 290), rel=1e-9)
    assert trend.lift == pytest.approx(40 / (190 / 100), rel=1e-12)


def test_a_jump_from_two_a_day_outranks_three_fresh_mentions() -> None:
    rng = random.Random(8)
    recent, baseline = window()
    baseline += topic([f"{sentence(rng)} #OldFave" for _ in range(56)], who="regular", at=T0)
    recent += topic([f"{sentence(rng)} #OldFave" for _ in range(60)], who="fave")
    fresh = [f"{sentence(rng)} #BrandNew" for _ in range(6)]

    assert terms(trends(recent + topic(fresh[:3], who="new"), baseline)) == ["#OldFave"]
    found = trends(recent + topic(fresh, who="new"), baseline)
    assert terms(found) == ["#OldFave", "#BrandNew"]
    assert found[0].lift < found[1].lift  # ranked by the evidence (score), not by the ratio alone


def test_ties_are_ordered_by_term_whatever_the_input_order() -> None:
    rng = random.Random(9)
    recent, baseline = window()
    recent += topic([f"{sentence(rng)} #Zebra" for _ in range(12)], who="z", negative=0.5)
    recent += topic([f"{sentence(rng)} #Apple" for _ in range(12)], who="a", negative=0.5)

    found = trends(recent, baseline)

    assert terms(found) == ["#Apple", "#Zebra"]
    assert found[0].score == found[1].score and found[0].count == found[1].count
    assert trends(list(reversed(recent)), list(reversed(baseline))) == found


def test_limit_keeps_the_best() -> None:
    rng = random.Random(9)
    recent, baseline = window()
    recent += topic([f"{sentence(rng)} #Big" for _ in range(30)], who="b")
    recent += topic([f"{sentence(rng)} #Small" for _ in range(12)], who="s")
    assert terms(trends(recent, baseline, limit=1)) == ["#Big"]
    assert terms(trends(recent, baseline)) == ["#Big", "#Small"]


def test_terms_are_capped_and_stripped_of_control_characters() -> None:
    rng = random.Random(10)
    recent, baseline = window()
    long_tag = "#" + "Supercalifragilistic" * 3
    long_texts = [f"{sentence(rng)}, " + "and so on " * 30 + long_tag for _ in range(15)]  # stop words only
    tricky = [f"{sentence(rng)}.\r\npump\x00kin spi\u200bce\u202e!" for _ in range(15)]
    recent += topic(long_texts, who="long", followers=500) + topic(tricky, who="tricky")

    found = {trend.term: trend for trend in trends(recent, baseline)}

    assert set(found) == {long_tag[:39] + "…", "pumpkin spice"}
    assert len(long_tag[:39] + "…") == 40
    assert all(len(example) <= 140 for trend in found.values() for example in trend.examples)
    assert found[long_tag[:39] + "…"].examples[0] == long_texts[0][:139].rstrip() + "…"
    shown = [trend.term for trend in found.values()] + [e for trend in found.values() for e in trend.examples]
    assert all(unicodedata.category(char)[0] != "C" for text in shown for char in text)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"recent_days": 0, "baseline_days": 28}, "recent_days must be positive"),
        ({"recent_days": 1, "baseline_days": -1}, "baseline_days must be 0 or more"),
        ({"recent_days": 1, "baseline_days": 0}, "baseline_days is 0"),
        ({"recent_days": 1, "baseline_days": 28, "min_authors": 0}, "at least 1"),
    ],
)
def test_impossible_settings_are_rejected(options, message) -> None:
    recent, baseline = chatter(random.Random(1), 5, NOW, 1), chatter(random.Random(2), 5, T0, 28)
    with pytest.raises(ValueError, match=message):
        find_trends(recent, baseline, **options)


def test_mentions_need_aware_times_and_probabilities() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        TrendMention("hi", "a", datetime(2026, 3, 2))
    with pytest.raises(ValueError, match="probability"):
        TrendMention("hi", "a", NOW, negative=1.5)


def test_no_recent_mentions_means_no_trends() -> None:
    assert find_trends([], [], recent_days=1, baseline_days=0) == []
