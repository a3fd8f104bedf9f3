"""`brandpilot platforms connect|list|check|disconnect`: the brands' accounts on the social platforms."""

from __future__ import annotations

import getpass
import os
import socket
import sys
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from bot.cli import JsonOpt, app, emit_json, fail, out, settings_or_exit, user_errors
from bot.deployment import Deployment, deployment
from config.settings import PLATFORM_NAMES, Settings
from memory.credentials import Connection, CredentialStore
from tools.platforms.base import AuthError, Credentials, PlatformError
from tools.platforms.factory import app_credentials, http_client, make_client

platforms_app = typer.Typer(help="The brands' accounts on the social platforms.", no_args_is_help=True)
app.add_typer(platforms_app, name="platforms")
PlatformArg = Annotated[str, typer.Argument(help=f"One of: {', '.join(PLATFORM_NAMES)}.")]
BrandOpt = Annotated[str | None, typer.Option("--brand", "-b", help="Brand id (default: the default brand).")]


def _brand(settings: Settings, brand: str | None) -> str:
    known = [entry.id for entry in settings.brand_entries()]
    chosen = brand or settings.default_brand_id()
    if chosen not in known:
        fail(f"Unknown brand {chosen!r}; known brands: {', '.join(known)}.")
    return chosen


def _platform(name: str) -> str:
    name = name.strip().lower()
    if name not in PLATFORM_NAMES:
        fail(f"Unknown platform {name!r}; use one of: {', '.join(PLATFORM_NAMES)}.")
    return name


def _secret_from(variable: str | None, what: str, *, required: bool) -> str | None:
    """A token from the named environment variable, or typed at a hidden prompt; never from the command line."""
    if variable:
        value = os.environ.get(variable, "").strip()
        if not value:
            fail(f"The environment variable {variable} is empty or not set; export the {what} in it first.")
        return value
    if not sys.stdin.isatty():
        if required:
            fail(f"Pass the {what} in an environment variable with --{what.replace(' ', '-')}-env NAME.")
        return None
    value = getpass.getpass(f"{what.capitalize()} (input hidden{'' if required else ', Enter to skip'}): ").strip()
    if required and not value:
        fail(f"No {what} given.")
    return value or None


@platforms_app.command("connect")
def connect(
    platform: PlatformArg,
    account_id: Annotated[
        str,
        typer.Option(
            "--account-id",
            help="Whom to post as: X user id, LinkedIn author URN, Facebook page id, Instagram business account id, "
            "TikTok open id or YouTube channel id.",
        ),
    ],
    brand: BrandOpt = None,
    access_token_env: Annotated[
        str | None, typer.Option("--access-token-env", help="Environment variable holding the access token.")
    ] = None,
    refresh_token_env: Annotated[
        str | None, typer.Option("--refresh-token-env", help="Environment variable holding the refresh token.")
    ] = None,
    expires_in: Annotated[
        int | None, typer.Option("--expires-in", min=60, help="Seconds until the access token expires.")
    ] = None,
    check: Annotated[bool, typer.Option(help="Confirm the token with the platform before storing it.")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Store a brand's account, tokens encrypted with PLATFORM_TOKEN_ENCRYPTION_KEY, after the platform confirms it."""
    settings = settings_or_exit()
    platform, brand_id = _platform(platform), _brand(settings, brand)
    if not account_id.strip():
        fail("--account-id is empty; give the id of the account BrandPilot posts as.")
    access = _secret_from(access_token_env, "access token", required=True)
    refresh = _secret_from(refresh_token_env, "refresh token", required=False)
    assert access is not None
    expires_at = datetime.now(UTC) + timedelta(seconds=expires_in) if expires_in else None
    credentials = Credentials(access, account_id.strip(), refresh_token=refresh, expires_at=expires_at)
    name = account_id.strip()
    with user_errors(), deployment(settings) as where:
        store = where.credentials
        store.require_key()  # refuse before calling the platform when tokens could not be stored
        if check:
            name = _checked_name(settings, platform, credentials)
        actor = f"{getpass.getuser()}@{socket.gethostname()}"
        store.save(brand_id, platform, credentials, account_name=name, actor=actor)
        connection = next(c for c in store.connections(brand_id) if c.platform == platform)
    if as_json:
        emit_json(_connection_json(connection))
    else:
        out.print(f"Connected {platform} for {brand_id} as {name}.")


def _checked_name(settings: Settings, platform: str, credentials: Credentials) -> str:
    with http_client() as http:
        try:
            return make_client(settings, platform, http).check(credentials).name
        except PlatformError as exc:
            fail(f"{platform} did not accept the token: {exc.message} Nothing was stored.")
    raise AssertionError("unreachable")


@platforms_app.command("list")
def list_connections(brand: BrandOpt = None, as_json: JsonOpt = False) -> None:
    """Connected accounts with token expiry and the last check; tokens are never shown."""
    settings = settings_or_exit()
    with user_errors(), deployment(settings) as where:
        connections = where.credentials.connections(brand)
    if as_json:
        emit_json({"connections": [_connection_json(c) for c in connections]})
        return
    if not connections:
        out.print("No platform is connected; posts are published as labelled dry runs. See `platforms connect`.")
    for c in connections:
        out.print(f"{c.brand_id:16} {c.platform:10} {c.account_name or c.account_id:24} {_expiry(c)}  {_checked(c)}")


@platforms_app.command("check")
def check_connections(brand: BrandOpt = None, as_json: JsonOpt = False) -> None:
    """Ask each platform whether the stored token still works; refresh it where the platform allows."""
    settings = settings_or_exit()
    with user_errors(), deployment(settings) as where:
        results = [_check_one(where, c) for c in where.credentials.connections(brand)]
    if as_json:
        emit_json({"checks": results})
    else:
        for r in results:
            out.print(f"{r['brand_id']:16} {r['platform']:10} {'ok' if r['ok'] else 'FAILED'}  {r['detail']}")
    if any(not r["ok"] for r in results):
        raise typer.Exit(1)


def _check_one(where: Deployment, connection: Connection) -> dict[str, object]:
    store: CredentialStore = where.credentials
    brand_id, platform = connection.brand_id, connection.platform
    credentials = store.get(brand_id, platform)
    assert credentials is not None
    result: dict[str, object] = {"brand_id": brand_id, "platform": platform, "ok": True}
    with http_client() as http:
        client = make_client(where.settings, platform, http)
        try:
            try:
                info = client.check(credentials)
            except AuthError:
                fresh = client.refresh(credentials, app_credentials(where.settings)[platform])
                if fresh is None:
                    raise
                store.update_tokens(brand_id, platform, fresh)
                info = client.check(fresh)
                credentials = fresh
            result["detail"] = f"posts as {info.name}; {_expiry_of(credentials.expires_at)}"
            store.record_check(brand_id, platform, None)
        except PlatformError as exc:
            result |= {"ok": False, "detail": exc.message}
            store.record_check(brand_id, platform, exc.message)
    return result


@platforms_app.command("disconnect")
def disconnect(platform: PlatformArg, brand: BrandOpt = None) -> None:
    """Forget a brand's account (the platform keeps its own grant; revoke it there too)."""
    settings = settings_or_exit()
    platform, brand_id = _platform(platform), _brand(settings, brand)
    with user_errors(), deployment(settings) as where:
        removed = where.credentials.remove(brand_id, platform)
    if not removed:
        fail(f"{brand_id} has no {platform} account connected.")
    out.print(f"Disconnected {platform} for {brand_id}. New approvals there are dry runs until you connect again.")


def _connection_json(c: Connection) -> dict[str, object]:
    return {
        "brand_id": c.brand_id,
        "platform": c.platform,
        "account_id": c.account_id,
        "account_name": c.account_name,
        "expires_at": c.expires_at.isoformat() if c.expires_at else None,
        "connected_by": c.connected_by,
        "connected_at": c.connected_at.isoformat(),
        "checked_at": c.checked_at.isoformat() if c.checked_at else None,
        "last_error": c.last_error,
    }


def _expiry_of(expires_at: datetime | None) -> str:
    if expires_at is None:
        return "token does not expire"
    left = expires_at - datetime.now(UTC)
    if left.total_seconds() <= 0:
        return f"token EXPIRED {expires_at:%Y-%m-%d %H:%M} UTC"
    return f"token expires {expires_at:%Y-%m-%d %H:%M} UTC ({left.days} days)"


def _expiry(c: Connection) -> str:
    return _expiry_of(c.expires_at)


def _checked(c: Connection) -> str:
    if c.checked_at is None:
        return "never checked"
    return f"checked {c.checked_at:%Y-%m-%d %H:%M}" + (f": {c.last_error}" if c.last_error else ": ok")
