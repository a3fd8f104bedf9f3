"""The metrics CSV reader: good files parse, every broken one is refused whole with each problem's line."""

import random
from datetime import UTC, date, datetime

import pytest

from tools.analytics.metrics_csv import MetricsFileError, parse_metrics_csv

GOOD = (
    "platform,post_id,published_at,date,impressions,reach,engagements,clicks,spend,text,campaign\n"
    "instagram,ig-1,2026-11-02T09:00:00-05:00,2026-11-02,1200,900,84,12,0,Low Tide is back #LowTide,winter\n"
    "instagram,ig-1,2026-11-02T09:00:00-05:00,2026-11-03,300,200,9,1,0,,\n"
    'X,x-7,2026-11-04 12:30,2026-11-04,"2,500",,40,5,$12.50,Pour day thread,\n'
)


def parse(text: str):
    return parse_metrics_csv(text.encode(), "America/New_York")


def test_a_good_file_gives_each_post_with_its_days():
    ig, x = parse(GOOD)
    assert (ig.platform, ig.post_id, ig.campaign, ig.text) == (
        "instagram",
        "ig-1",
        "winter",
        "Low Tide is back #LowTide",
    )
    assert ig.days[date(2026, 11, 3)]["engagements"] == 9 and len(ig.days) == 2
    assert x.platform == "x" and x.days[date(2026, 11, 4)]["impressions"] == 2500
    assert x.days[date(2026, 11, 4)]["spend"] == 12.5
    assert x.published_at == datetime(2026, 11, 4, 17, 30, tzinfo=UTC)  # no offset: the brand's time zone


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the file is empty"),
        ("platform,post_id,published_at,date\n", "no rows"),
        ("platform,post_id,date\nx,1,2026-11-02\n", "missing column(s) published_at"),
        ("platform,post_id,published_at,date,likes\n", "unknown column(s) likes"),
        ("platform,post_id,published_at,date,date\n", "named twice: date"),
        ("platform,post_id,published_at,date\nmyspace,1,2026-11-02,2026-11-02\n", "line 2: platform 'myspace'"),
        ("platform,post_id,published_at,date\nx,,2026-11-02,2026-11-02\n", "line 2: post_id is empty"),
        ("platform,post_id,published_at,date\nx,1,yesterday,2026-11-02\n", "line 2: published_at 'yesterday'"),
        ("platform,post_id,published_at,date\nx,1,2026-11-02,2026-02-31\n", "line 2: date '2026-02-31'"),
        ("platform,post_id,published_at,date\nx,1,2026-11-05,2026-11-02\n", "before the post was published"),
        ("platform,post_id,published_at,date,spend\nx,1,2026-11-02,2026-11-02,-5\n", "spend '-5' must be 0 or more"),
        ("platform,post_id,published_at,date,clicks\nx,1,2026-11-02,2026-11-02,1.5\n", "clicks '1.5' is not a whole"),
        ("platform,post_id,published_at,date,clicks\nx,1,2026-11-02,2026-11-02,-3\n", "clicks '-3' is not a whole"),
        ("platform,post_id,published_at,date,spend\nx,1,2026-11-02,2026-11-02,nan\n", "spend 'nan' must be 0"),
        ("platform,post_id,published_at,date\nx,1,2026-11-02,2026-11-02\nx,1,2026-11-02,2026-11-02\n", "line 3:"),
        ("platform,post_id,published_at,date\nx,1,2026-11-02,2026-11-02\nx,1,2026-11-03,2026-11-04\n", "another"),
        ("platform,post_id,published_at,date\nx,1,2026-11-02,2026-11-02,extra\n", "more values than columns"),
        ("platform,post_id,published_at,date,media_kind\nx,1,2026-11-02,2026-11-02,hologram\n", "media_kind"),
        ("platform,post_id,published_at,date,reach\nx,1,2026-11-02,2026-11-02,99999999999999999999\n", "too large"),
        ("platform,post_id,published_at,date\nx," + "9" * 300 + ",2026-11-02,2026-11-02\n", "post_id is 300 char"),
        ("platform,post_id,published_at,date,reach\nx,1,2026-11-02,2026-11-02,٣\n", "not a whole number"),
        ('platform,post_id,published_at,date\nx,1,2026-11-02,2026-11-02\n"x,\x00\n', "line 3: platform 'x,"),
        ("platform,post_id,published_at,date,text\nx,1,2026-11-02,2026-11-02," + "a" * 200_000 + "\n", "can't be read"),
    ],
)
def test_a_broken_file_is_refused_whole_naming_the_line_and_the_fix(text, problem):
    with pytest.raises(MetricsFileError) as raised:
        parse(text)
    assert problem in str(raised.value) and str(raised.value).startswith("nothing was imported")


def test_every_bad_row_is_reported_not_just_the_first():
    rows = "".join(f"x,{n},2026-11-02,2026-11-0{n % 9 + 1},-{n}\n" for n in range(1, 8))
    with pytest.raises(MetricsFileError) as raised:
        parse("platform,post_id,published_at,date,reach\n" + rows)
    assert len(raised.value.problems) == 7


def test_a_file_that_is_not_utf8_says_how_to_save_it():
    with pytest.raises(MetricsFileError, match="save it as CSV UTF-8"):
        parse_metrics_csv("platform,post_id\n\xff\xfe".encode("latin-1"), "UTC")


def test_random_corruptions_parse_or_are_refused_cleanly():
    """Fuzz: drop, duplicate or garble cells and lines; the reader answers or refuses, it never crashes."""
    rng = random.Random(7)
    lines = GOOD.splitlines()
    garbage = ["", "-1", "NaN", "2026-13-40", '"', ",,,", "\x00", "9" * 40, "💥", "inf"]
    for _ in range(400):
        mutated = [line.split(",") for line in lines]
        for _ in range(rng.randint(1, 3)):
            row = rng.choice(mutated)
            action = rng.random()
            if action < 0.4 and row:
                row[rng.randrange(len(row))] = rng.choice(garbage)
            elif action < 0.6 and row:
                del row[rng.randrange(len(row))]
            elif action < 0.8:
                mutated.append(list(rng.choice(mutated)))
            else:
                mutated.remove(row)
        text = "\n".join(",".join(row) for row in mutated) + "\n"
        try:
            parse(text)
        except MetricsFileError as error:
            assert error.problems
