"""The journeys CSV reader: good files give each journey's touches in order, broken ones are refused whole."""

import random
from datetime import UTC, datetime

import pytest

from tools.analytics.journeys_csv import parse_journeys_csv
from tools.analytics.metrics_csv import MetricsFileError

GOOD = (
    "Journey_ID,channel,at,converted,value,campaign\n"
    "j-1,Email ,2026-11-02T09:00:00-05:00,,,winter\n"
    'j-1,paid_search,2026-11-01 12:30,yes,"1,250.50",\n'
    "j-2,instagram,2026-11-03T10:00:00Z,no,,\n"
    "j-1,organic,2026-11-04T08:00:00-05:00,,1250.5,winter\n"
    "j-3,email,2026-11-05,1,0,\n"
)
HEAD = "journey_id,channel,at,converted,value,campaign\n"


def parse(text: str):
    return parse_journeys_csv(text.encode(), "America/New_York")


def refused(text: str) -> str:
    with pytest.raises(MetricsFileError) as raised:
        parse(text)
    message = str(raised.value)
    assert message.startswith("nothing was imported")
    return message


def test_a_good_file_gives_each_journey_with_its_touches_in_time_order():
    first, second, third = parse(GOOD)
    assert first.journey_id == "j-1" and first.converted and first.value == 1250.5 and first.campaign == "winter"
    assert first.touches == (
        ("paid_search", datetime(2026, 11, 1, 17, 30, tzinfo=UTC)),  # no offset: the configured time zone
        ("email", datetime(2026, 11, 2, 14, 0, tzinfo=UTC)),
        ("organic", datetime(2026, 11, 4, 13, 0, tzinfo=UTC)),
    )
    assert first.ended_at == datetime(2026, 11, 4, 13, 0, tzinfo=UTC)
    assert (second.converted, second.value, second.campaign) == (False, 0.0, None)
    assert (third.converted, third.value, third.touches[0][0]) == (True, 0.0, "email")


def test_a_byte_order_mark_and_blank_optional_columns_are_fine():
    (journey,) = parse_journeys_csv(
        ("\ufeffjourney_id,channel,at\nj-9,sms,2026-11-02T10:00:00+00:00\n").encode(), "UTC"
    )
    assert journey == journey.__class__("j-9", (("sms", datetime(2026, 11, 2, 10, tzinfo=UTC)),))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the file is empty"),
        (HEAD, "no rows"),
        ("journey_id,at\nj-1,2026-11-02\n", "line 1: missing column(s) channel"),
        ("journey_id,channel,at,revenue\n", "line 1: unknown column(s) revenue"),
        ("journey_id,channel,at,at\n", "named twice: at"),
        (HEAD + ",email,2026-11-02,,,\n", "line 2: journey_id is empty"),
        (HEAD + "j-1, ,2026-11-02,,,\n", "line 2: channel is empty"),
        (HEAD + "j-1," + "c" * 65 + ",2026-11-02,,,\n", "line 2: channel is 65 characters long; at most 64"),
        (HEAD + "j-1,email,2026-11-02,,," + "w" * 129 + "\n", "line 2: campaign is 129 characters"),
        (HEAD + "j" * 256 + ",email,2026-11-02,,,\n", "line 2: journey_id is 256 characters"),
        (HEAD + "j-1,email,yesterday,,,\n", "line 2: at 'yesterday' is not a date and time"),
        (HEAD + "j-1,email,2026-02-31T10:00,,,\n", "line 2: at '2026-02-31T10:00'"),
        (HEAD + "j-1,email,0001-01-01T00:00:00+05:00,,,\n", "line 2: at '0001-01-01T00:00:00+05:00' is out of range"),
        (HEAD + "j-1,email,2026-11-02,maybe,,\n", "line 2: converted 'maybe' is not one of true/false"),
        (HEAD + "j-1,email,2026-11-02,yes,-5,\n", "line 2: value '-5' must be 0 or more"),
        (HEAD + "j-1,email,2026-11-02,yes,nan,\n", "line 2: value 'nan' must be 0 or more"),
        (HEAD + "j-1,email,2026-11-02,yes,lots,\n", "line 2: value 'lots' is not an amount"),
        (HEAD + "j-1,email,2026-11-02,,40,\n", "line 2: journey j-1 has value 40 but no row says it converted"),
        (HEAD + "j-1,email,2026-11-02,no,40,\n", "line 2: journey j-1 has value 40 but no row says it converted"),
        (HEAD + "j-1,email,2026-11-02,yes,,\nj-1,sms,2026-11-03,no,,\n", "line 3: journey j-1 has converted no here"),
        (HEAD + "j-1,email,2026-11-02,yes,5,\nj-1,sms,2026-11-03,,6,\n", "value 6 here but 5 on line 2"),
        (HEAD + "j-1,email,2026-11-02,,,a\nj-1,sms,2026-11-03,,,b\n", "campaign 'b' here but 'a' on line 2"),
        (HEAD + "j-1,email,2026-11-02T10:00Z,,,\nj-1,EMAIL,2026-11-02T05:00-05:00,,,\n", "line 3: journey j-1 already"),
        (HEAD + "j-1,email,2026-11-02,,,,extra\n", "line 2: more values than columns"),
        (HEAD + "j-1,email,2026-11-02,,," + "a" * 200_000 + "\n", "the CSV can't be read"),
    ],
)
def test_a_broken_file_is_refused_whole_naming_the_line_and_the_fix(text, problem):
    assert problem in refused(text)


def test_a_duplicate_touch_names_both_lines():
    message = refused(
        HEAD + "j-1,email,2026-11-02T10:00Z,,,\nj-2,email,2026-11-02T10:00Z,,,\nj-1,email,2026-11-02T10:00Z,,,\n"
    )
    assert "line 4: journey j-1 already has this email touch at 2026-11-02 10:00:00 UTC (line 2)" in message


def test_every_bad_row_is_reported_not_just_the_first():
    rows = "".join(f"j-{n},email,2026-11-0{n}T10:00Z,yes,-{n},\n" for n in range(1, 8))
    with pytest.raises(MetricsFileError) as raised:
        parse(HEAD + rows + "j-8,sms,2026-11-02,,9,\n")
    assert len(raised.value.problems) == 8


def test_a_file_that_is_not_utf8_says_how_to_save_it():
    with pytest.raises(MetricsFileError, match="save it as CSV UTF-8"):
        parse_journeys_csv("journey_id,channel,at\nj-1,caf\xe9,2026-11-02\n".encode("latin-1"), "UTC")


def test_a_file_over_the_size_limit_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr("tools.analytics.metrics_csv.MAX_BYTES", 10)
    with pytest.raises(MetricsFileError, match="split it below 50 MB"):
        parse(GOOD)


def test_random_corruptions_parse_or_are_refused_cleanly():
    """Fuzz: drop, duplicate or garble cells and lines; the reader answers or refuses, it never crashes."""
    rng = random.Random(11)
    lines = GOOD.splitlines()
    garbage = ["", "-1", "NaN", "2026-13-40", '"', ",,,", "\x00", "9" * 40, "💥", "inf", "yes", "no", "j-1"]
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
            journeys = parse(text)
        except MetricsFileError as error:
            assert error.problems and all(isinstance(p, str) for p in error.problems)
        else:
            assert all(j.touches and (j.converted or not j.value) for j in journeys)
