"""Slack installations in BrandPilot's database: Bolt's installation store, with tokens encrypted at rest."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from slack_bolt.error import BoltError
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from memory.crypto import TokenCipher
from memory.models import SlackBot, SlackInstallation

log = logging.getLogger(__name__)
NONE = ""  # a key column's "no enterprise" / "org-wide install" (primary keys can't hold NULL)


SLACK_KEY_ADVICE = (
    "A stored Slack token can't be decrypted with SLACK_TOKEN_ENCRYPTION_KEY: it was stored under another "
    "key. Put the old key after the new one (comma-separated), or install the app in that workspace again."
)


def slack_cipher(keys: str) -> TokenCipher:
    """The cipher of Slack tokens at rest, keyed by SLACK_TOKEN_ENCRYPTION_KEY."""
    return TokenCipher(keys, advice=SLACK_KEY_ADVICE)


class SqlInstallationStore(InstallationStore, AsyncInstallationStore):
    """Bolt's installation store over the project's SQLAlchemy sessions (SQLite or Postgres).

    One bot row per workspace (or org, for an org-wide install) holds the current bot token; one installation
    row per installer holds what that person granted. Async methods run the same queries on a worker thread.
    """

    def __init__(self, sessions: sessionmaker[Session], *, client_id: str, cipher: TokenCipher) -> None:
        """Keep installations of the Slack app `client_id` through `sessions`, tokens encrypted by `cipher`."""
        self._sessions = sessions
        self._client_id = client_id
        self._cipher = cipher

    @property
    def logger(self) -> logging.Logger:
        """The store's logger (Bolt's interface asks for one)."""
        return log

    # --- writing -------------------------------------------------------------------------------------

    def save(self, installation: Installation) -> None:
        """Record an installation and, when it carries one, its workspace's new bot token."""
        self._write(lambda session: self._save(session, installation))

    def save_bot(self, bot: Bot) -> None:
        """Record a workspace's bot token (after a token rotation, say)."""
        self._write(lambda session: session.merge(self._bot_row(bot)))

    def _save(self, session: Session, installation: Installation) -> None:
        session.merge(self._installation_row(installation))
        if installation.bot_token:
            session.merge(self._bot_row(installation.to_bot()))

    def _write(self, work: Callable[[Session], object]) -> None:
        """Run `work` in a transaction; a row inserted by another replica in between turns into an update."""
        for attempt in (1, 2):
            try:
                with self._sessions.begin() as session:
                    work(session)
                return
            except IntegrityError:
                if attempt == 2:
                    raise

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Forget a workspace's bot token (its tokens were revoked)."""
        with self._sessions.begin() as session:
            self._delete(session, SlackBot, enterprise_id, team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Forget one installer's grant, or every installer's in the workspace when `user_id` is None."""
        with self._sessions.begin() as session:
            self._delete(session, SlackInstallation, enterprise_id, team_id, user_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Forget everything about a workspace (the app was uninstalled)."""
        with self._sessions.begin() as session:
            self._delete(session, SlackBot, enterprise_id, team_id)
            self._delete(session, SlackInstallation, enterprise_id, team_id)

    def _delete(
        self,
        session: Session,
        model: type[SlackBot] | type[SlackInstallation],
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
    ) -> None:
        """Delete a workspace's rows; in an Enterprise Grid org without such rows, the org-wide install's."""
        teams = [team_id or NONE] + ([NONE] if enterprise_id and team_id else [])
        for team in teams:
            query = delete(model).where(
                model.client_id == self._client_id,
                model.enterprise_id == (enterprise_id or NONE),
                model.team_id == team,
            )
            if user_id is not None and model is SlackInstallation:
                query = query.where(SlackInstallation.user_id == user_id)
            if session.execute(query).rowcount:  # type: ignore[attr-defined]
                return

    # --- reading -------------------------------------------------------------------------------------

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        """The current bot of a workspace, or of the org for an org-wide install."""
        team = NONE if is_enterprise_install or team_id is None else team_id
        with self._sessions() as session:
            row = session.get(SlackBot, (self._client_id, enterprise_id or NONE, team))
            return self._bot(row) if row is not None else None

    def find_team_bot(self, team_id: str, *, enterprise_id: str | None = None) -> Bot | None:
        """The current bot of a workspace known only by its team ID (team IDs are unique across orgs)."""
        query = select(SlackBot).where(SlackBot.client_id == self._client_id, SlackBot.team_id == team_id)
        if enterprise_id is not None:
            query = query.where(SlackBot.enterprise_id == enterprise_id)
        with self._sessions() as session:
            row = session.scalars(query.order_by(SlackBot.installed_at.desc()).limit(1)).first()
            return self._bot(row) if row is not None else None

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """One installer's installation, or the workspace's latest when `user_id` is None, with the current bot."""
        team = NONE if is_enterprise_install or team_id is None else team_id
        query = select(SlackInstallation).where(
            SlackInstallation.client_id == self._client_id,
            SlackInstallation.enterprise_id == (enterprise_id or NONE),
            SlackInstallation.team_id == team,
        )
        if user_id is not None:
            query = query.where(SlackInstallation.user_id == user_id)
        with self._sessions() as session:
            row = session.scalars(query.order_by(SlackInstallation.installed_at.desc()).limit(1)).first()
            if row is None:
                return None
            bot = session.get(SlackBot, (self._client_id, row.enterprise_id, row.team_id))
            return self._installation(row, bot)

    # --- async interface (Bolt's AsyncApp) -----------------------------------------------------------

    async def async_save(self, installation: Installation) -> None:
        """Record an installation; a database failure shows the installer Bolt's error page and is logged."""
        try:
            await asyncio.to_thread(self.save, installation)
        except SQLAlchemyError as exc:
            log.exception("Storing the Slack installation of team %s failed", installation.team_id)
            raise BoltError(f"could not store the installation ({type(exc).__name__})") from exc

    async def async_save_bot(self, bot: Bot) -> None:
        """Record a workspace's bot token."""
        await asyncio.to_thread(self.save_bot, bot)

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        """The current bot of a workspace or org."""
        return await asyncio.to_thread(
            self.find_bot, enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """An installation with the workspace's current bot."""
        return await asyncio.to_thread(
            self.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Forget a workspace's bot token."""
        await asyncio.to_thread(self.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Forget one installer's grant, or all of the workspace's."""
        await asyncio.to_thread(self.delete_installation, enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Forget everything about a workspace."""
        await asyncio.to_thread(self.delete_all, enterprise_id=enterprise_id, team_id=team_id)

    # --- rows and entities ---------------------------------------------------------------------------

    def _bot_row(self, bot: Bot) -> SlackBot:
        return SlackBot(
            client_id=self._client_id,
            enterprise_id=bot.enterprise_id or NONE,
            team_id=NONE if bot.is_enterprise_install else bot.team_id or NONE,
            app_id=bot.app_id,
            enterprise_name=bot.enterprise_name,
            team_name=bot.team_name,
            bot_token=self._cipher.encrypt(bot.bot_token),
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=",".join(bot.bot_scopes or ()),
            bot_refresh_token=self._cipher.encrypt(bot.bot_refresh_token),
            bot_token_expires_at=_datetime(bot.bot_token_expires_at),
            is_enterprise_install=bool(bot.is_enterprise_install),
            installed_at=_datetime(bot.installed_at),
        )

    def _installation_row(self, installation: Installation) -> SlackInstallation:
        return SlackInstallation(
            client_id=self._client_id,
            enterprise_id=installation.enterprise_id or NONE,
            team_id=NONE if installation.is_enterprise_install else installation.team_id or NONE,
            user_id=installation.user_id or NONE,
            app_id=installation.app_id,
            enterprise_name=installation.enterprise_name,
            enterprise_url=installation.enterprise_url,
            team_name=installation.team_name,
            user_token=self._cipher.encrypt(installation.user_token),
            user_scopes=",".join(installation.user_scopes or ()),
            user_refresh_token=self._cipher.encrypt(installation.user_refresh_token),
            user_token_expires_at=_datetime(installation.user_token_expires_at),
            incoming_webhook_url=self._cipher.encrypt(installation.incoming_webhook_url),
            incoming_webhook_channel=installation.incoming_webhook_channel,
            incoming_webhook_channel_id=installation.incoming_webhook_channel_id,
            incoming_webhook_configuration_url=installation.incoming_webhook_configuration_url,
            is_enterprise_install=bool(installation.is_enterprise_install),
            token_type=installation.token_type,
            installed_at=_datetime(installation.installed_at),
        )

    def _bot(self, row: SlackBot) -> Bot:
        return Bot(
            app_id=row.app_id,
            enterprise_id=row.enterprise_id or None,
            enterprise_name=row.enterprise_name,
            team_id=row.team_id or None,
            team_name=row.team_name,
            bot_token=str(self._cipher.decrypt(row.bot_token)),
            bot_id=row.bot_id or "",
            bot_user_id=row.bot_user_id or "",
            bot_scopes=row.bot_scopes,
            bot_refresh_token=self._cipher.decrypt(row.bot_refresh_token),
            bot_token_expires_at=row.bot_token_expires_at,
            is_enterprise_install=row.is_enterprise_install,
            installed_at=row.installed_at,
        )

    def _installation(self, row: SlackInstallation, bot_row: SlackBot | None) -> Installation:
        bot = self._bot(bot_row) if bot_row is not None else None
        return Installation(
            app_id=row.app_id,
            enterprise_id=row.enterprise_id or None,
            enterprise_name=row.enterprise_name,
            enterprise_url=row.enterprise_url,
            team_id=row.team_id or None,
            team_name=row.team_name,
            bot_token=bot.bot_token if bot else None,
            bot_id=bot.bot_id if bot else None,
            bot_user_id=bot.bot_user_id if bot else None,
            bot_scopes=list(bot.bot_scopes) if bot else "",
            bot_refresh_token=bot.bot_refresh_token if bot else None,
            bot_token_expires_at=bot.bot_token_expires_at if bot else None,
            user_id=row.user_id,
            user_token=self._cipher.decrypt(row.user_token),
            user_scopes=row.user_scopes,
            user_refresh_token=self._cipher.decrypt(row.user_refresh_token),
            user_token_expires_at=row.user_token_expires_at,
            incoming_webhook_url=self._cipher.decrypt(row.incoming_webhook_url),
            incoming_webhook_channel=row.incoming_webhook_channel,
            incoming_webhook_channel_id=row.incoming_webhook_channel_id,
            incoming_webhook_configuration_url=row.incoming_webhook_configuration_url,
            is_enterprise_install=row.is_enterprise_install,
            token_type=row.token_type,
            installed_at=row.installed_at,
        )


def _datetime(timestamp: float | None) -> datetime | None:
    """Slack's Unix timestamps as aware datetimes for the database."""
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)
