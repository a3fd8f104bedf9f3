"""`brandpilot demo seed|clear`: a marked demo history written once, refused twice, removed on request."""

import json

from typer.testing import CliRunner

from bot.cli import app as cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_seed_then_refuse_then_replace_then_clear():
    seeded = run("demo", "seed", "--weeks", "4", "--json")
    assert seeded.exit_code == 0, seeded.output
    counts = json.loads(seeded.output)
    assert counts["demo"] is True and counts["posts"] > 0 and counts["journeys"] > 0

    again = run("demo", "seed", "--weeks", "4")
    assert again.exit_code == 1 and "already has demo data" in again.output and "demo clear" in again.output

    replaced = run("demo", "seed", "--weeks", "4", "--replace")
    assert replaced.exit_code == 0 and "DEMO data for harbor-pine" in replaced.output

    cleared = run("demo", "clear", "--json")
    assert json.loads(cleared.output)["posts"] == counts["posts"]


def test_bad_arguments_are_explained():
    assert run("demo", "seed", "--weeks", "2").exit_code == 2  # below the 4-week minimum
    unknown = run("demo", "seed", "--brand", "nope")
    assert unknown.exit_code == 1 and "Unknown brand 'nope'" in unknown.output
