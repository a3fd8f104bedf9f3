"""How the Slack app gets its tokens: one workspace's bot token, or installs in many workspaces through OAuth."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import logging
import re
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import urlsplit, urlunsplit

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.installations import SqlInstallationStore, slack_cipher
from config.errors import ConfigError
from config.settings import SLACK_INSTALL_PATH, SLACK_OAUTH_REDIRECT_PATH, SLACK_WHERE, Settings
from memory.coordination import Coordinator

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from bot.app import App

log = logging.getLogger(__name__)
TOKEN_PATTERN = re.compile(r"\b(xox[a-z]|xapp)-[A-Za-z0-9-]+")
BOT_SCOPES = (  # what an install asks for; the same list as deploy/slack/manifest.yaml
    "app_mentions:read",
    "channels:history",
    "groups:history",
    "im:history",
    "chat:write",
    "commands",
    "usergroups:read",
    "assistant:write",
    "files:write",
)
STATE_TTL_SECONDS = 600  # an install link works for ten minutes, once
FAILURES = {  # Bolt's failure reasons, as an installer should read them
    "invalid_browser": "the install was not started from this browser's visit to the install page (or the page "
    "was reloaded)",
    "invalid_state": "this install link has expired (links last ten minutes) or was already used",
    "missing_code": "Slack sent no authorization code back",
    "invalid_code": "Slack did not accept the authorization code (it may have been used already)",
    "storage_error": "BrandPilot could not save the installation; its log says why",
    "access_denied": "the installation was cancelled in Slack",
}


def new_bolt(app: App, mode: Literal["http", "socket"], *, retry_handlers: list[Any]) -> AsyncApp:
    """The Bolt app with its credentials: SLACK_BOT_TOKEN, or the OAuth flow with installations in the database.

    Web API calls (the OAuth code exchange and authorize-time `auth.test` included) go to SLACK_API_URL.
    """
    settings = app.settings
    check_slack_settings(settings, mode)
    signing = {"signing_secret": settings.secret("slack_signing_secret")} if mode == "http" else {}
    if not settings.slack_oauth():
        token = settings.secret("slack_bot_token")
        client = AsyncWebClient(
            token=token, base_url=settings.slack_api_url, retry_handlers=retry_handlers, logger=web_api_logger()
        )
        bolt = AsyncApp(client=client, **signing)
        bolt.event("app_uninstalled")(_note_uninstall)
        bolt.event("tokens_revoked")(_note_uninstall)
        return bolt
    client = AsyncWebClient(base_url=settings.slack_api_url, retry_handlers=retry_handlers, logger=web_api_logger())
    store = installation_store(app)
    client_id, client_secret = str(settings.slack_client_id), str(settings.secret("slack_client_secret"))
    oauth = AsyncOAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path=SLACK_INSTALL_PATH,
        install_page_rendering_enabled=False,  # straight to Slack's consent page
        redirect_uri_path=SLACK_OAUTH_REDIRECT_PATH,
        callback_options=AsyncCallbackOptions(success=_installed, failure=_not_installed),
        authorization_url=settings.slack_authorize_url(),
        installation_store=store,
        state_store=SignedStateStore(client_secret, app.coordinator),
        state_expiration_seconds=STATE_TTL_SECONDS,
        logger=log,
    )
    authorize = AsyncInstallationStoreAuthorize(  # as Bolt's own, but token rotation also uses SLACK_API_URL
        logger=log, installation_store=store, client_id=client_id, client_secret=client_secret, client=client
    )
    bolt = AsyncApp(
        client=client,
        oauth_settings=oauth,
        authorize=authorize,
        user_facing_authorize_error_message=(
            f"BrandPilot is not installed in this workspace any more; a workspace admin can install it again at "
            f"{install_url(settings)}."
        ),
        **signing,
    )
    bolt.enable_token_revocation_listeners()  # tokens_revoked / app_uninstalled forget the workspace's tokens
    return bolt


class RedactTokens(logging.Filter):
    """Masks Slack tokens in log records: at DEBUG the SDK logs Web API bodies, and oauth.v2.access returns tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without tokens; never drop it."""
        message = record.getMessage()
        redacted = TOKEN_PATTERN.sub(lambda match: f"{match.group(1)}-(redacted)", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def web_api_logger() -> logging.Logger:
    """The logger of the Slack app's Web API clients (request clients copy it), with tokens masked."""
    logger = logging.getLogger("bot.slack.web_api")
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())
    return logger


def check_slack_settings(settings: Settings, mode: Literal["http", "socket"]) -> None:
    """Raise ConfigError naming each Slack variable that is missing or contradicts another, and where to get it."""
    conflict = settings.slack_conflict(mode)
    if conflict:
        raise ConfigError("the environment", *conflict)
    missing = settings.slack_missing(mode)
    if missing:
        them = "them" if len(missing) > 1 else "it"
        how = "over HTTP" if mode == "http" else "in Socket Mode"
        kind = " for multi-workspace installs" if settings.slack_oauth() else ""
        hints = "; ".join(f"{name}: {SLACK_WHERE[name]}" for name in missing)
        raise ConfigError(
            "the environment", ", ".join(missing), f"set {them} to serve Slack {how}{kind} ({hints}; README: Slack)"
        )


def installation_store(app: Deployment) -> SqlInstallationStore:
    """The Slack app's installations in the project's database (multi-workspace mode)."""
    settings = app.settings
    cipher = slack_cipher(str(settings.secret("slack_token_encryption_key")))
    return SqlInstallationStore(app.sessions, client_id=str(settings.slack_client_id), cipher=cipher)


class Deployment(Protocol):
    """What token lookups need: the settings and the database (a running App has both; so do CLI commands)."""

    settings: Settings
    sessions: sessionmaker[Session]


class NotInstalledError(LookupError):
    """A workspace never installed the Slack app, or uninstalled it."""


async def bot_token_for(app: Deployment, team_id: str | None, *, enterprise_id: str | None = None) -> str:
    """The bot token for calling Slack about a workspace outside a request (alerts, jobs).

    One workspace (SLACK_BOT_TOKEN): that token, whatever the team. Multi-workspace installs: the token the
    workspace's install stored; for a workspace of an Enterprise Grid org installed org-wide, pass the org's
    `enterprise_id` too.
    """
    settings = app.settings
    if not settings.slack_oauth():
        token = settings.secret("slack_bot_token")
        if not token:
            raise ConfigError(
                "the environment",
                "SLACK_BOT_TOKEN",
                f"set it to call Slack ({SLACK_WHERE['SLACK_BOT_TOKEN']}), or set SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET for multi-workspace installs (README: Slack)",
            )
        return token
    conflict = settings.slack_conflict("http")
    if conflict:
        raise ConfigError("the environment", *conflict)
    missing = [
        name for name in ("SLACK_CLIENT_ID", "SLACK_TOKEN_ENCRYPTION_KEY") if name in settings.slack_missing("http")
    ]
    if missing:
        hints = "; ".join(f"{name}: {SLACK_WHERE[name]}" for name in missing)
        raise ConfigError("the environment", ", ".join(missing), f"set to read installed tokens ({hints})")
    store = installation_store(app)
    bot = None
    if team_id:
        bot = await asyncio.to_thread(store.find_team_bot, team_id, enterprise_id=enterprise_id)
    if bot is None and enterprise_id:
        bot = await store.async_find_bot(enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True)
    if bot is None:
        where = f"the Slack workspace {team_id}" if team_id else "an unnamed Slack workspace"
        raise NotInstalledError(
            f"BrandPilot is not installed in {where} (or was uninstalled there); "
            f"a workspace admin can install it at {install_url(settings)}"
        )
    return bot.bot_token


def team_of(settings: Settings, brand_id: str) -> str | None:
    """The Slack workspace a brand is served in (multi-workspace installs need it to find the token)."""
    teams = [w.id for w in settings.workspaces if w.surface == "slack" and w.brand == brand_id]
    return teams[0] if teams else None


def install_url(settings: Settings) -> str:
    """Where a workspace admin starts an install: next to SLACK_REDIRECT_URI, or a description when it's unset."""
    if not settings.slack_redirect_uri:
        return f"https://BRANDPILOT-HOST{SLACK_INSTALL_PATH}"
    parts = urlsplit(settings.slack_redirect_uri)
    path = parts.path.removesuffix(SLACK_OAUTH_REDIRECT_PATH) + SLACK_INSTALL_PATH
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class SignedStateStore(AsyncOAuthStateStore):
    """OAuth `state` values any replica can check: signed, short-lived, and accepted once.

    The signing key is derived from the client secret; the coordinator (Redis across processes) remembers
    which states were used, so a replayed redirect is refused on every replica.
    """

    def __init__(
        self,
        client_secret: str,
        coordinator: Coordinator,
        *,
        ttl: int = STATE_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Sign with a key derived from `client_secret`; remember used states in `coordinator`."""
        self._key = hmac.new(client_secret.encode(), b"brandpilot slack oauth state", hashlib.sha256).digest()
        self._coordinator = coordinator
        self._ttl = ttl
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        """The store's logger (Bolt's interface asks for one)."""
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """A new state: expiry, nonce and signature."""
        payload = f"{int(self._clock()) + self._ttl}.{secrets.token_urlsafe(16)}"
        return f"{payload}.{self._sign(payload)}"

    async def async_consume(self, state: str) -> bool:
        """True once for a state this app issued that has not expired; False for anything else."""
        expires, _, rest = (state or "").partition(".")
        nonce, _, signature = rest.partition(".")
        if not (expires.isdigit() and nonce and hmac.compare_digest(signature, self._sign(f"{expires}.{nonce}"))):
            return False
        if int(expires) < self._clock():
            return False
        first = self._coordinator.first_seen
        return await asyncio.to_thread(first, f"slack:oauth-state:{nonce}", ttl=self._ttl)

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()


async def _installed(args: AsyncSuccessArgs) -> BoltResponse:
    """The page an installer sees once the workspace's tokens are stored."""
    installation = args.installation
    log.info(
        "BrandPilot was installed in Slack team %s (enterprise %s) by %s",
        installation.team_id,
        installation.enterprise_id,
        installation.user_id,
    )
    where = installation.team_name or installation.enterprise_name or "your workspace"
    text = (
        f"BrandPilot can now work in {html.escape(where)}. Invite it to a channel with "
        "<code>/invite @BrandPilot</code>, then mention it, send it a direct message or type "
        "<code>/brandpilot help</code>."
    )
    return _page(args.settings, 200, "BrandPilot is installed", text)


async def _not_installed(args: AsyncFailureArgs) -> BoltResponse:
    """The page an installer sees when the install could not finish, saying why and how to start again."""
    reason = FAILURES.get(args.reason, f"Slack answered {args.reason!r}")
    log.warning(
        "A Slack install did not finish: %s (%s)", args.reason, type(args.error).__name__ if args.error else "-"
    )
    text = (
        f"Nothing was installed: {html.escape(reason)}. "
        f'<a href="{html.escape(args.settings.install_path)}">Start the install again</a>.'
    )
    return _page(args.settings, args.suggested_status_code, "BrandPilot was not installed", text)


def _page(settings: AsyncOAuthSettings, status: int, title: str, text: str) -> BoltResponse:
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body style='font-family: sans-serif; margin: 3em auto; max-width: 40em'><h1>{title}</h1>"
        f"<p>{text}</p></body></html>"
    )
    cookie = settings.state_utils.build_set_cookie_for_deletion()
    return BoltResponse(
        status=status, body=body, headers={"Content-Type": "text/html; charset=utf-8", "Set-Cookie": cookie}
    )


async def _note_uninstall(event: dict[str, Any], context: Any) -> None:
    """Single-workspace mode: say in the log that SLACK_BOT_TOKEN stopped working."""
    log.warning("Slack sent %s for team %s: SLACK_BOT_TOKEN no longer works there", event.get("type"), context.team_id)
