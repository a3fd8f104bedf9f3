"""Multi-workspace installs: Bolt's OAuth flow against the fake Slack, installations in the real database."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet
from fake_slack import BOT_TOKEN, CLIENT_ID, CLIENT_SECRET, FakeSlack, fake_slack_server
from slack_requests import SECRET, event, post, settle
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import text

from bot.app import App, open_app
from bot.slack.installations import SqlInstallationStore, slack_cipher
from bot.slack.oauth import BOT_SCOPES, NotInstalledError, SignedStateStore, bot_token_for, installation_store
from bot.slack.server import asgi_app, build_slack_app
from config.errors import ConfigError
from config.settings import load_settings
from memory.coordination import InProcessCoordinator
from memory.crypto import StoredTokenError

KEY = Fernet.generate_key().decode()
REDIRECT = "https://bp.example/slack/oauth_redirect"
T2_TOKEN = "xoxb-team2-secret-token"
T2_BOT = "U0BOT2"


@pytest.fixture
def oauth_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    """The fake Web API, with the app's OAuth settings (and no SLACK_BOT_TOKEN) pointing at it."""
    with fake_slack_server() as fake:
        monkeypatch.setenv("SLACK_CLIENT_ID", CLIENT_ID)
        monkeypatch.setenv("SLACK_CLIENT_SECRET", CLIENT_SECRET)
        monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
        monkeypatch.setenv("SLACK_TOKEN_ENCRYPTION_KEY", KEY)
        monkeypatch.setenv("SLACK_REDIRECT_URI", REDIRECT)
        monkeypatch.setenv("SLACK_API_URL", fake.url)
        yield fake


@pytest.fixture
def oauth(oauth_env: FakeSlack):
    """(fake Web API, the ASGI app, the running assistant) in multi-workspace mode on SQLite."""
    with open_app(load_settings()) as app:
        yield oauth_env, asgi_app(build_slack_app(app)), app


async def get(application: object, path: str, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="https://bp.example") as client:
        return await client.get(path, headers=headers)


async def start_install(application: object) -> str:
    """Open /slack/install like a browser and return the state Slack would carry back."""
    response = await get(application, "/slack/install")
    assert response.status_code == 302
    return parse_qs(urlsplit(response.headers["location"]).query)["state"][0]


async def finish_install(application: object, state: str, code: str, *, cookie: bool = True) -> httpx.Response:
    """Come back from Slack's consent page to /slack/oauth_redirect, as the same browser unless told otherwise."""
    headers = {"cookie": f"slack-app-oauth-state={state}"} if cookie else {}
    return await get(application, f"/slack/oauth_redirect?code={code}&state={state}", **headers)


async def install(fake: FakeSlack, application: object, *, code: str = "code-t2") -> tuple[httpx.Response, str]:
    """Install the app in team T2 through the whole flow; the success page and the state it used."""
    fake.offer_install(code, team="T2", token=T2_TOKEN, bot_user=T2_BOT)
    state = await start_install(application)
    return await finish_install(application, state, code), state


def from_team(team: str, text_: str, *, event_id: str) -> dict:
    body = event(text_, event_id=event_id)
    body["team_id"] = team
    body["event"]["team"] = team
    return body


def lifecycle(team: str, inner: dict, *, event_id: str) -> dict:
    return {"type": "event_callback", "team_id": team, "api_app_id": "A1", "event_id": event_id, "event": inner}


def raw_rows(app: App) -> str:
    with app.sessions() as session:
        bots = session.execute(text("SELECT * FROM slack_bots")).all()
        installs = session.execute(text("SELECT * FROM slack_installations")).all()
    return repr(bots) + repr(installs)


def stored_teams(app: App) -> set[str]:
    with app.sessions() as session:
        bots = session.execute(text("SELECT team_id FROM slack_bots")).scalars().all()
        installs = session.execute(text("SELECT team_id FROM slack_installations")).scalars().all()
    return set(bots) | set(installs)


async def eventually(check, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.05)


async def test_the_install_link_sends_the_browser_to_slack_with_client_id_scopes_and_a_state(oauth):
    fake, application, _ = oauth
    response = await get(application, "/slack/install")
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}/" == fake.url.removesuffix("api/")
    assert location.path == "/oauth/v2/authorize"
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID] and query["redirect_uri"] == [REDIRECT]
    assert query["scope"][0].split(",") == list(BOT_SCOPES)
    assert f"slack-app-oauth-state={query['state'][0]}" in response.headers["set-cookie"]


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_the_redirect_exchanges_the_code_and_stores_the_install_with_tokens_encrypted(
    request, monkeypatch, oauth_env, database
):
    fake = oauth_env
    if database == "postgres":
        from memory.db import upgrade_database

        url = request.getfixturevalue("postgres_db_url")
        monkeypatch.setenv("DATABASE_URL", url)
        upgrade_database(url)
    with open_app(load_settings()) as app:
        application = asgi_app(build_slack_app(app))
        page, _ = await install(fake, application)
        assert page.status_code == 200 and "BrandPilot is installed" in page.text and "Team T2" in page.text
        [exchange] = fake.of("oauth.v2.access")
        assert exchange.args["client_id"] == CLIENT_ID and exchange.args["code"] == "code-t2"
        assert exchange.args["redirect_uri"] == REDIRECT
        assert T2_TOKEN not in raw_rows(app) and "T2" in raw_rows(app), "stored, and only encrypted"
        assert await bot_token_for(app, "T2") == T2_TOKEN
        found = await installation_store(app).async_find_installation(enterprise_id=None, team_id="T2")
        assert found is not None and found.bot_user_id == T2_BOT and found.user_id == "U0ADMIN"
    with open_app(load_settings()) as app:  # another process (a replica, a restart) reads the same install
        assert await bot_token_for(app, "T2") == T2_TOKEN


async def test_no_token_or_client_secret_reaches_the_log_even_at_debug(oauth, caplog):
    fake, application, _ = oauth
    caplog.set_level(logging.DEBUG)
    await install(fake, application)
    await post(application, from_team("T2", f"<@{T2_BOT}> write a tweet about our sale", event_id="EvLog"))
    await settle(fake, "chat.update")
    assert "oauth.v2.access" in caplog.text and "xoxb-(redacted)" in caplog.text, "the exchange was logged"
    assert T2_TOKEN not in caplog.text and CLIENT_SECRET not in caplog.text


@pytest.mark.parametrize(
    ("tamper", "status", "says"),
    [
        ("replay", 401, "expired (links last ten minutes) or was already used"),
        ("forged", 401, "expired (links last ten minutes) or was already used"),
        ("other browser", 400, "not started from this browser"),
    ],
)
async def test_a_replayed_forged_or_foreign_state_is_refused_with_a_page_and_stores_nothing(
    oauth, tamper, status, says
):
    fake, application, app = oauth
    page, used = await install(fake, application)
    assert page.status_code == 200
    fake.offer_install("code-t3", team="T3", token="xoxb-team3", bot_user="U0BOT3")
    state = used if tamper == "replay" else await start_install(application)
    if tamper == "forged":  # a later expiry under the old signature
        expires, nonce, signature = state.split(".")
        state = f"{int(expires) + 3600}.{nonce}.{signature}"
    response = await finish_install(application, state, "code-t3", cookie=tamper != "other browser")
    assert response.status_code == status
    assert "BrandPilot was not installed" in response.text and says in response.text
    assert 'href="/slack/install"' in response.text, "the page says how to start again"
    assert "T3" not in stored_teams(app)  # not a substring check of the rows: ciphertext may contain "T3"
    with pytest.raises(NotInstalledError):
        await bot_token_for(app, "T3")


async def test_a_code_slack_refuses_shows_a_page_and_stores_nothing(oauth):
    fake, application, app = oauth
    response = await finish_install(application, await start_install(application), "never-issued")
    assert response.status_code == 401 and "did not accept the authorization code" in response.text
    assert raw_rows(app) == "[][]"


async def test_after_install_a_teams_event_is_answered_with_that_teams_bot_token(oauth):
    fake, application, _ = oauth
    await install(fake, application)
    response = await post(application, from_team("T2", f"<@{T2_BOT}> write a tweet about our sale", event_id="EvT2"))
    assert response.status_code == 200
    progress, *_ = await settle(fake, "chat.postMessage")
    assert progress.token == T2_TOKEN
    [update] = await settle(fake, "chat.update")
    assert update.token == T2_TOKEN
    assert all(call.token != BOT_TOKEN for call in fake.calls)
    assert any(call.method == "auth.test" and call.token == T2_TOKEN for call in fake.calls)


async def test_an_event_from_a_team_that_never_installed_runs_nothing(oauth):
    fake, application, _ = oauth
    await install(fake, application)
    response = await post(application, from_team("T9", "<@U0BOT9> write a tweet", event_id="EvT9"))
    assert response.status_code == 200
    await asyncio.sleep(0.5)
    assert not fake.of("chat.postMessage")


@pytest.mark.parametrize(
    "inner",
    [{"type": "app_uninstalled"}, {"type": "tokens_revoked", "tokens": {"oauth": ["U0ADMIN"], "bot": [T2_BOT]}}],
    ids=["app_uninstalled", "tokens_revoked"],
)
async def test_uninstalling_or_revoking_forgets_the_workspace_and_its_events_run_nothing(oauth, inner):
    fake, application, app = oauth
    await install(fake, application)
    assert (await post(application, lifecycle("T2", inner, event_id="EvGone"))).status_code == 200
    store = installation_store(app)

    async def forgotten() -> bool:
        return await store.async_find_bot(enterprise_id=None, team_id="T2") is None

    await eventually(forgotten)
    await eventually(lambda: _none(store.async_find_installation(enterprise_id=None, team_id="T2")))
    assert raw_rows(app) == "[][]"
    await post(application, from_team("T2", f"<@{T2_BOT}> write a tweet", event_id="EvAfter"))
    await asyncio.sleep(0.5)
    assert not fake.of("chat.postMessage")
    with pytest.raises(NotInstalledError, match="https://bp.example/slack/install"):
        await bot_token_for(app, "T2")


async def _none(awaitable) -> bool:
    return await awaitable is None


def test_oauth_mode_without_the_client_secret_fails_at_start_naming_it_and_where_to_find_it(monkeypatch):
    monkeypatch.setenv("SLACK_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_TOKEN_ENCRYPTION_KEY", KEY)
    with open_app(load_settings()) as app, pytest.raises(ConfigError) as error:
        build_slack_app(app)
    message = str(error.value)
    assert "SLACK_CLIENT_SECRET" in message and "Basic Information > App Credentials > Client Secret" in message
    assert "SLACK_BOT_TOKEN" not in message, "multi-workspace installs need no bot token"


def test_oauth_mode_without_an_encryption_key_says_how_to_make_one(monkeypatch):
    monkeypatch.setenv("SLACK_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    with open_app(load_settings()) as app, pytest.raises(ConfigError) as error:
        build_slack_app(app)
    assert "SLACK_TOKEN_ENCRYPTION_KEY" in str(error.value) and "Fernet.generate_key()" in str(error.value)


@pytest.mark.parametrize(
    ("extra", "mode", "says"),
    [
        ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET}, "http", "Unset SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-1-2"}, "socket", "need HTTP mode"),
    ],
    ids=["bot-token-and-oauth", "oauth-over-socket-mode"],
)
def test_contradicting_slack_settings_are_refused_saying_what_to_unset(monkeypatch, extra, mode, says):
    for name, value in {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET, **extra}.items():
        monkeypatch.setenv(name, value)
    with open_app(load_settings()) as app, pytest.raises(ConfigError) as error:
        build_slack_app(app, mode=mode)
    assert says in str(error.value) and "SLACK_CLIENT_ID" in str(error.value)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SLACK_CLIENT_ID", "my-app", "Client ID"),
        ("SLACK_TOKEN_ENCRYPTION_KEY", "not-a-fernet-key", "Fernet.generate_key()"),
        ("SLACK_REDIRECT_URI", "https://bp.example/oauth/callback", "/slack/oauth_redirect"),
    ],
)
def test_malformed_oauth_settings_name_the_variable_and_the_fix(monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    message = str(error.value)
    assert f"environment variable {variable}" in message and expected in message and value not in message


def test_blank_oauth_variables_copied_from_the_example_leave_single_workspace_mode_on(monkeypatch):
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_TOKEN_ENCRYPTION_KEY", "SLACK_REDIRECT_URI"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    settings = load_settings()
    assert not settings.slack_oauth() and settings.slack_missing("http") == ["SLACK_SIGNING_SECRET"]
    monkeypatch.setenv("SLACK_CLIENT_ID", CLIENT_ID)
    assert load_settings().slack_oauth()


async def test_bot_token_for_gives_the_single_workspace_token_whatever_the_team(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    with open_app(load_settings()) as app:
        assert await bot_token_for(app, "T1") == BOT_TOKEN and await bot_token_for(app, None) == BOT_TOKEN


def installation(team: str | None, user: str, token: str, *, enterprise: str | None = None, at: float = 1e9):
    return Installation(
        app_id="A1",
        enterprise_id=enterprise,
        team_id=team,
        team_name=f"Team {team}",
        bot_token=token,
        bot_id="B1",
        bot_user_id="U0BOT",
        bot_scopes="chat:write",
        user_id=user,
        user_token=f"xoxp-{user}",
        is_enterprise_install=team is None,
        installed_at=at,
    )


async def test_a_reinstall_by_someone_else_replaces_the_bot_token_for_every_installer(oauth):
    _, _, app = oauth
    store = installation_store(app)
    await store.async_save(installation("T4", "U1", "xoxb-old", at=1e9))
    await store.async_save(installation("T4", "U2", "xoxb-new", at=2e9))
    first = await store.async_find_installation(enterprise_id=None, team_id="T4", user_id="U1")
    latest = await store.async_find_installation(enterprise_id=None, team_id="T4")
    assert first.bot_token == "xoxb-new" and first.user_token == "xoxp-U1"
    assert latest.user_id == "U2" and latest.bot_token == "xoxb-new"
    await store.async_delete_installation(enterprise_id=None, team_id="T4", user_id="U1")
    assert await store.async_find_installation(enterprise_id=None, team_id="T4", user_id="U1") is None
    assert (await store.async_find_bot(enterprise_id=None, team_id="T4")).bot_token == "xoxb-new"


async def test_an_org_wide_install_serves_every_workspace_of_the_org_until_uninstalled(oauth):
    _, _, app = oauth
    store = installation_store(app)
    await store.async_save(installation(None, "U1", "xoxb-org", enterprise="E1"))
    bot = await store.async_find_bot(enterprise_id="E1", team_id="T5", is_enterprise_install=True)
    assert bot is not None and bot.bot_token == "xoxb-org" and bot.is_enterprise_install
    assert await bot_token_for(app, "T5", enterprise_id="E1") == "xoxb-org"
    assert await store.async_find_bot(enterprise_id=None, team_id="T5") is None, "not outside the org"
    await store.async_delete_all(enterprise_id="E1", team_id="T5")  # app_uninstalled names a workspace of the org
    assert raw_rows(app) == "[][]"


async def test_tokens_stored_under_an_old_key_are_read_after_rotation_and_a_lost_key_is_named(oauth):
    _, _, app = oauth
    old = installation_store(app)
    await old.async_save(installation("T6", "U1", "xoxb-t6"))
    new_key = Fernet.generate_key().decode()
    rotated = SqlInstallationStore(app.sessions, client_id=CLIENT_ID, cipher=slack_cipher(f"{new_key},{KEY}"))
    assert (await rotated.async_find_bot(enterprise_id=None, team_id="T6")).bot_token == "xoxb-t6"
    lost = SqlInstallationStore(app.sessions, client_id=CLIENT_ID, cipher=slack_cipher(new_key))
    with pytest.raises(StoredTokenError, match="SLACK_TOKEN_ENCRYPTION_KEY"):
        await lost.async_find_bot(enterprise_id=None, team_id="T6")


async def test_a_state_works_once_and_only_until_it_expires():
    now = [1_000_000.0]
    coordinator = InProcessCoordinator()
    store = SignedStateStore(CLIENT_SECRET, coordinator, ttl=600, clock=lambda: now[0])
    state = await store.async_issue()
    assert await store.async_consume(state) and not await store.async_consume(state)
    late = await store.async_issue()
    now[0] += 601
    assert not await store.async_consume(late)
    other_app = SignedStateStore("another-secret", coordinator, clock=lambda: now[0])
    assert not await store.async_consume(await other_app.async_issue())
    assert not await store.async_consume("") and not await store.async_consume("1.2")
    coordinator.close()
