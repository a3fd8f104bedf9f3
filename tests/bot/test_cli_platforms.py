"""`brandpilot platforms connect|list|check|disconnect` against a local fake X API."""

import json
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from fake_platforms.server import FakeApi, serve
from fake_platforms.x_api import x_api
from typer.testing import CliRunner

from bot.cli import app as cli

USER_ID = "2244994945"


@pytest.fixture
def fake_x(monkeypatch) -> Iterator[FakeApi]:
    with serve(x_api()) as api:
        monkeypatch.setenv("X_API_URL", api.url)
        monkeypatch.setenv("PLATFORM_TOKEN_ENCRYPTION_KEY", Fernet.generate_key().decode())
        yield api


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env)


def test_connecting_needs_the_encryption_key_and_says_how_to_make_one(fake_x, monkeypatch):
    monkeypatch.delenv("PLATFORM_TOKEN_ENCRYPTION_KEY")
    result = run("platforms", "connect", "x", "--account-id", USER_ID, "--access-token-env", "TOK", env={"TOK": "x"})
    assert result.exit_code == 1
    assert "PLATFORM_TOKEN_ENCRYPTION_KEY" in result.output and "Fernet.generate_key" in result.output
    assert not fake_x.requests


def test_a_token_the_platform_accepts_is_stored_and_never_shown(fake_x):
    result = run(
        "platforms",
        "connect",
        "x",
        "--account-id",
        USER_ID,
        "--access-token-env",
        "TOK",
        "--json",
        env={"TOK": "x-token"},
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["account_name"] == "brandpilot"
    [check] = fake_x.of("GET", "/2/users/me")
    assert check.headers["authorization"] == "Bearer x-token"
    listed = run("platforms", "list", "--json")
    [connection] = json.loads(listed.output)["connections"]
    assert connection["platform"] == "x" and connection["account_id"] == USER_ID
    assert "x-token" not in listed.output
    assert run("platforms", "check").exit_code == 0


def test_a_refused_token_is_not_stored(fake_x):
    result = run("platforms", "connect", "x", "--account-id", USER_ID, "--access-token-env", "TOK", env={"TOK": "bad"})
    assert result.exit_code == 1 and "did not accept the token" in result.output
    assert "Nothing was stored" in result.output
    assert json.loads(run("platforms", "list", "--json").output)["connections"] == []


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["connect", "myspace", "--account-id", "1", "--access-token-env", "TOK"], {"TOK": "t"}, "Unknown platform"),
        (["connect", "x", "--account-id", USER_ID, "--access-token-env", "NOPE"], {}, "NOPE is empty or not set"),
        (["connect", "x", "--account-id", " ", "--access-token-env", "TOK"], {"TOK": "t"}, "--account-id is empty"),
        (["connect", "x", "--brand", "acme", "--account-id", "1", "--access-token-env", "TOK"], {"TOK": "t"}, "acme"),
        (["disconnect", "x"], {}, "has no x account connected"),
    ],
)
def test_bad_arguments_get_a_plain_answer(fake_x, args, env, message):
    result = run("platforms", *args, env=env)
    assert result.exit_code == 1 and message in result.output
    assert not fake_x.requests


def test_a_token_pasted_without_a_terminal_is_refused_rather_than_read_from_argv(fake_x):
    result = run("platforms", "connect", "x", "--account-id", USER_ID)
    assert result.exit_code == 1 and "--access-token-env" in result.output


def test_disconnect_forgets_the_account(fake_x):
    run("platforms", "connect", "x", "--account-id", USER_ID, "--access-token-env", "TOK", env={"TOK": "x-token"})
    result = run("platforms", "disconnect", "x")
    assert result.exit_code == 0 and "dry runs" in result.output
    assert json.loads(run("platforms", "list", "--json").output)["connections"] == []
