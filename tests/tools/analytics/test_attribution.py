"""Attribution models on hand-worked journeys, and the Markov model against a seeded random walk."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from tools.analytics.attribution import (
    MODEL_NAMES,
    Path,
    Touch,
    attribute,
    first_touch,
    last_touch,
    linear,
    markov,
    position_based,
    removal_effects,
    time_decay,
)

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def journey(*channels, converted=True, value=0.0, days=None):
    """A path with one touch per channel, a day apart unless `days` gives each touch's day."""
    days = range(len(channels)) if days is None else days
    touches = tuple(Touch(channel, T0 + timedelta(days=day)) for channel, day in zip(channels, days, strict=True))
    return Path(touches, converted, value)


def random_journeys(seed=11, count=300):
    rng = np.random.default_rng(seed)
    channels = ["affiliate", "display", "email", "search", "social"]
    paths = [Path((), converted=False)]  # a visitor we never reached: start -> null
    for _ in range(count):
        length = int(rng.integers(1, 7))
        hours = np.cumsum(rng.integers(0, 72, size=length))  # some touches share a moment
        touches = [Touch(str(rng.choice(channels)), T0 + timedelta(hours=int(h))) for h in hours]
        rng.shuffle(touches)  # given out of order; Path sorts them
        converted = bool(rng.random() < 0.35)
        paths.append(Path(tuple(touches), converted, float(rng.uniform(5, 500)) if converted else 0.0))
    return paths


# Three converting paths (values 10, 30, 5) and one that did not convert.
SMALL = [
    journey("a", "b", "c", value=10.0),
    journey("b", "a", value=30.0),
    journey("c", value=5.0),
    journey("a", "b", converted=False),
]

# Textbook example (as in Anderl et al. and the usual tutorials):
#   c1 > c2 > c3 > conversion,   c1 > null,   c2 > c3 > null
TEXTBOOK = [journey("c1", "c2", "c3"), journey("c1", converted=False), journey("c2", "c3", converted=False)]
# Hand derivation. Transition counts -> probabilities:
#   start: c1 2/3, c2 1/3;  c1: c2 1/2, null 1/2;  c2: c3 1;  c3: conversion 1/2, null 1/2.
#   P(conv) = 2/3 * 1/2 * 1 * 1/2 + 1/3 * 1 * 1/2 = 1/6 + 1/6 = 1/3.
#   Remove c1 (start -> c1 now ends in null): P = 1/3 * 1/2 = 1/6, effect 1 - (1/6)/(1/3) = 1/2.
#   Remove c2 or c3: every way to conversion passes c2 and c3, P = 0, effect 1.
#   Effects sum to 5/2; one conversion -> credit c1 0.5/2.5 = 0.2, c2 = c3 = 1/2.5 = 0.4.
TEXTBOOK_EFFECTS = {"c1": 0.5, "c2": 1.0, "c3": 1.0}
TEXTBOOK_CHAIN = (  # rows/columns: start, c1, c2, c3, conversion, null
    [0, 2 / 3, 1 / 3, 0, 0, 0],
    [0, 0, 1 / 2, 0, 0, 1 / 2],
    [0, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 1 / 2, 1 / 2],
)

# An example with a loop (a is touched twice on one path), so the chain has a cycle a -> b -> a:
#   a > b > a > conversion (value 30),   b > null,   a > conversion (value 10)
LOOP = [journey("a", "b", "a", value=30.0), journey("b", converted=False), journey("a", value=10.0)]
# Hand derivation. start: a 2/3, b 1/3;  a: b 1/3, conversion 2/3 (two of a's three exits);  b: a 1/2, null 1/2.
#   With x_a, x_b = P(conversion | at a, at b):  x_a = 2/3 + 1/3 x_b,  x_b = 1/2 x_a
#   => x_a = 2/3 + x_a / 6 => x_a = 4/5, x_b = 2/5;  P(conv) = 2/3 * 4/5 + 1/3 * 2/5 = 2/3.
#   Remove a: nothing reaches conversion any more, P = 0, effect 1.
#   Remove b (a -> b now ends in null): x_a = 2/3, P = 2/3 * 2/3 = 4/9, effect 1 - (4/9)/(2/3) = 1/3.
#   Effects sum to 4/3; two conversions -> a 2 * 3/4 = 1.5, b 2 * 1/4 = 0.5; value 40 -> a 30, b 10.
LOOP_EFFECTS = {"a": 1.0, "b": 1 / 3}
LOOP_CHAIN = (  # rows/columns: start, a, b, conversion, null
    [0, 2 / 3, 1 / 3, 0, 0],
    [0, 0, 1 / 3, 2 / 3, 0],
    [0, 1 / 2, 0, 0, 1 / 2],
)


def monte_carlo_removal_effects(chain, channels, walks=200_000, seed=2026):
    """Removal effects from seeded random walks on a chain given as transient rows (start first).

    Walks are coupled: a walk in the chain with channel c removed follows the same steps as the original walk
    until it enters c, then ends in null, so it converts exactly when the original converts without visiting c.
    """
    rows = np.array(chain, dtype=float)
    conversion, null = rows.shape[1] - 2, rows.shape[1] - 1
    cumulative = np.cumsum(rows, axis=1)
    cumulative[:, -1] = 1.0
    rng = np.random.default_rng(seed)
    state = np.zeros(walks, dtype=int)
    visited = np.zeros((walks, rows.shape[1]), dtype=bool)
    while (moving := np.flatnonzero(state < conversion)).size:
        step = (rng.random(moving.size)[:, None] > cumulative[state[moving]]).sum(axis=1)
        state[moving] = step
        visited[moving, step] = True
    converted = state == conversion
    assert (state[~converted] == null).all()
    return {c: 1 - (converted & ~visited[:, i + 1]).mean() / converted.mean() for i, c in enumerate(channels)}


def assert_credits(actual, expected):
    assert actual.keys() == expected.keys()
    for channel, credit in expected.items():
        assert actual[channel] == pytest.approx(credit, abs=1e-12), channel


@pytest.mark.parametrize("model", MODEL_NAMES)
@pytest.mark.parametrize(
    "paths", [SMALL, TEXTBOOK, LOOP, random_journeys()], ids=["small", "textbook", "loop", "random"]
)
def test_every_model_credits_exactly_the_conversions_and_the_value(model, paths):
    conversions = attribute(paths, model)
    value = attribute(paths, model, by_value=True)
    assert sum(conversions.values()) == pytest.approx(sum(p.converted for p in paths), abs=1e-9)
    assert sum(value.values()) == pytest.approx(sum(p.value for p in paths if p.converted), abs=1e-9)
    assert min(conversions.values()) >= 0 and min(value.values()) >= 0


def test_last_touch_credits_the_final_touch():
    assert_credits(last_touch(SMALL), {"a": 1, "b": 0, "c": 2})
    assert_credits(last_touch(SMALL, by_value=True), {"a": 30, "b": 0, "c": 15})


def test_first_touch_credits_the_opening_touch():
    assert_credits(first_touch(SMALL), {"a": 1, "b": 1, "c": 1})
    assert_credits(first_touch(SMALL, by_value=True), {"a": 10, "b": 30, "c": 5})


def test_linear_shares_each_conversion_equally_among_its_touches():
    # a: 1/3 + 1/2;  b: 1/3 + 1/2;  c: 1/3 + 1.  Value: a and b 10/3 + 15, c 10/3 + 5.
    assert_credits(linear(SMALL), {"a": 5 / 6, "b": 5 / 6, "c": 4 / 3})
    assert_credits(linear(SMALL, by_value=True), {"a": 55 / 3, "b": 55 / 3, "c": 25 / 3})


def test_position_based_gives_40_percent_to_each_end_and_splits_two_touches_evenly():
    # a > b > c: .4 / .2 / .4;  b > a: .5 / .5;  c alone: 1.
    assert_credits(position_based(SMALL), {"a": 0.9, "b": 0.7, "c": 1.4})
    assert_credits(position_based(SMALL, by_value=True), {"a": 4 + 15, "b": 2 + 15, "c": 4 + 5})
    five = [journey("a", "b", "c", "d", "e")]
    assert_credits(position_based(five), {"a": 0.4, "b": 0.2 / 3, "c": 0.2 / 3, "d": 0.2 / 3, "e": 0.4})


def test_position_based_two_touch_paths_split_the_middle_share_of_custom_weights():
    two = [journey("a", "b")]
    assert_credits(position_based(two, weights=(0.5, 0.2, 0.3)), {"a": 0.6, "b": 0.4})
    assert_credits(position_based([journey("a")], weights=(0.5, 0.2, 0.3)), {"a": 1.0})


def test_time_decay_halves_a_touch_per_half_life_before_the_conversion():
    # Ages 14, 7, 0 days at a 7-day half-life weigh 1/4, 1/2, 1 -> shares 1/7, 2/7, 4/7.
    path = [journey("a", "b", "c", days=[0, 7, 14], value=70.0)]
    assert_credits(time_decay(path), {"a": 1 / 7, "b": 2 / 7, "c": 4 / 7})
    assert_credits(time_decay(path, by_value=True), {"a": 10, "b": 20, "c": 40})
    # A 14-day half-life: ages 14 and 0 days weigh 1/2 and 1.
    assert_credits(
        time_decay([journey("a", "b", days=[0, 14])], half_life=timedelta(days=14)), {"a": 1 / 3, "b": 2 / 3}
    )


def test_time_decay_favours_recent_touches_and_tends_to_last_touch_and_linear():
    path = [journey("a", "b", "c", "d", days=[0, 1, 3, 6])]
    credits = time_decay(path)
    assert credits["a"] < credits["b"] < credits["c"] < credits["d"]
    paths = random_journeys(seed=5, count=60)
    assert time_decay(paths, half_life=timedelta(seconds=1)) == pytest.approx(last_touch(paths), abs=1e-9)
    assert time_decay(paths, half_life=timedelta(days=1e6)) == pytest.approx(linear(paths), abs=1e-6)


def test_time_decay_equals_linear_when_touches_are_simultaneous():
    paths = [
        journey("a", "b", "a", "c", days=[2, 2, 2, 2], value=8.0),
        journey("c", "b", days=[5, 5], value=3.0),
        journey("b", "b", "a", days=[1, 1, 1], converted=False),
    ]
    assert time_decay(paths) == pytest.approx(linear(paths), abs=1e-12)
    assert time_decay(paths, by_value=True) == pytest.approx(linear(paths, by_value=True), abs=1e-12)


def test_touches_given_out_of_order_are_sorted_by_time():
    late, early = Touch("email", T0 + timedelta(days=3)), Touch("search", T0)
    path = Path((late, early), converted=True, value=1.0)
    assert path.touchpoints == (early, late)
    assert_credits(last_touch([path]), {"email": 1.0, "search": 0.0})
    assert_credits(first_touch([path]), {"email": 0.0, "search": 1.0})


def test_a_channel_repeated_on_a_path_is_credited_once_per_touch():
    assert_credits(linear([journey("a", "b", "a")]), {"a": 2 / 3, "b": 1 / 3})
    assert_credits(position_based([journey("a", "b", "b", "a")]), {"a": 0.8, "b": 0.2})
    assert_credits(last_touch([journey("a", "b", "a")]), {"a": 1.0, "b": 0.0})


def test_markov_treats_back_to_back_repeats_as_self_loops_that_change_nothing():
    repeated = [journey("a", "a", "b"), journey("a", converted=False), journey("b", "b", "b", converted=False)]
    collapsed = [journey("a", "b"), journey("a", converted=False), journey("b", converted=False)]
    assert removal_effects(repeated) == pytest.approx(removal_effects(collapsed), abs=1e-12)
    assert markov(repeated) == pytest.approx(markov(collapsed), abs=1e-12)


@pytest.mark.parametrize(
    ("paths", "effects", "credits"),
    [
        (TEXTBOOK, TEXTBOOK_EFFECTS, {"c1": 0.2, "c2": 0.4, "c3": 0.4}),
        (LOOP, LOOP_EFFECTS, {"a": 1.5, "b": 0.5}),
    ],
    ids=["textbook", "loop"],
)
def test_markov_removal_effects_match_the_hand_derivation(paths, effects, credits):
    assert_credits(removal_effects(paths), effects)
    assert_credits(markov(paths), credits)


def test_markov_value_credit_scales_removal_effects_to_total_value():
    assert_credits(markov(LOOP, by_value=True), {"a": 30.0, "b": 10.0})


@pytest.mark.parametrize(
    ("paths", "chain", "channels"),
    [(TEXTBOOK, TEXTBOOK_CHAIN, ["c1", "c2", "c3"]), (LOOP, LOOP_CHAIN, ["a", "b"])],
    ids=["textbook", "loop"],
)
def test_markov_removal_effects_agree_with_a_seeded_random_walk(paths, chain, channels):
    simulated = monte_carlo_removal_effects(chain, channels)
    exact = removal_effects(paths)
    for channel in channels:
        assert exact[channel] == pytest.approx(simulated[channel], abs=0.01), channel


def test_markov_gives_nothing_to_a_channel_that_only_leads_to_no_conversion():
    paths = [
        journey("search", "email"),
        journey("email"),
        journey("display", converted=False),
        journey("email", "display", converted=False),
        journey("search", "display", converted=False),
    ]
    credits = markov(paths)
    assert credits["display"] == 0.0
    assert credits["search"] > 0 and credits["email"] > 0


def test_markov_can_credit_a_channel_off_converting_paths_that_leads_into_a_converting_one():
    # A first-order chain forgets where a journey came from. x > a (no conversion) and a > conversion:
    # start: x 1/2, a 1/2;  x: a 1;  a: conversion 1/2, null 1/2.  P = 1/2 * 1/2 + 1/2 * 1/2 = 1/2.
    # Remove x: P = 1/4, effect 1/2;  remove a: P = 0, effect 1.  Credit x 1/3, a 2/3.
    paths = [journey("x", "a", converted=False), journey("a")]
    assert_credits(markov(paths), {"a": 2 / 3, "x": 1 / 3})


def test_markov_gives_all_credit_to_the_only_channel_on_converting_paths():
    paths = [
        journey("email", value=20.0),
        journey("email", value=5.0),
        journey("email", converted=False),
        journey("social", "display", converted=False),
        journey("display", converted=False),
    ]
    assert_credits(markov(paths), {"display": 0.0, "email": 2.0, "social": 0.0})
    assert_credits(markov(paths, by_value=True), {"display": 0.0, "email": 25.0, "social": 0.0})


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_journeys_without_a_conversion_credit_nobody(model):
    paths = [journey("a", "b", converted=False), journey("b", converted=False)]
    assert attribute(paths, model) == {"a": 0.0, "b": 0.0}


def test_attribute_dispatches_by_name_and_forwards_options():
    paths = random_journeys(seed=3, count=40)
    assert attribute(paths, "markov") == markov(paths)
    two_days = timedelta(days=2)
    decayed = time_decay(paths, half_life=two_days, by_value=True)
    assert attribute(paths, "time_decay", half_life=two_days, by_value=True) == decayed
    assert attribute(paths, "position_based", weights=(0.3, 0.4, 0.3)) == position_based(paths, weights=(0.3, 0.4, 0.3))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Path((), converted=True), "no touchpoints"),
        (lambda: journey("a", value=-1.0), "finite number >= 0"),
        (lambda: journey("a", value=float("nan")), "finite number >= 0"),
        (lambda: Touch("", T0), "non-empty channel"),
        (lambda: Path(("email",), converted=True), "Touch"),
        (lambda: Path((Touch("a", T0), Touch("b", datetime(2026, 3, 3))), True), "timezone-aware and naive"),
        (lambda: attribute(SMALL, "shapley"), "pass one of: last_touch, first_touch, linear, time_decay"),
        (lambda: attribute(SMALL, "linear", half_life=timedelta(days=1)), "takes no option half_life"),
        (lambda: time_decay(SMALL, half_life=timedelta(0)), "half_life must be a positive timedelta"),
        (lambda: time_decay(SMALL, half_life=timedelta(days=-7)), "half_life must be a positive timedelta"),
        (lambda: time_decay(SMALL, half_life=7), "half_life must be a positive timedelta"),
        (lambda: position_based(SMALL, weights=(0.4, 0.4, 0.4)), "sum to 1"),
        (lambda: position_based(SMALL, weights=(0.6, -0.2, 0.6)), "each >= 0"),
        (lambda: position_based(SMALL, weights=(0.5, 0.5)), "three shares"),
        (lambda: markov([*SMALL, "not a path"]), "pass Path"),
    ],
    ids=[
        "empty-converting-path",
        "negative-value",
        "nan-value",
        "empty-channel",
        "touch-not-a-Touch",
        "mixed-timezones",
        "unknown-model",
        "unknown-option",
        "zero-half-life",
        "negative-half-life",
        "half-life-not-timedelta",
        "weights-not-summing-to-one",
        "negative-weight",
        "two-weights",
        "not-a-path",
    ],
)
def test_bad_input_raises_a_value_error_saying_what_to_pass(call, message):
    with pytest.raises(ValueError, match=message):
        call()
