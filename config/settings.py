"""Settings from the environment, `.env` and the YAML config file; the one place that reads env."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from config.errors import ConfigError

DEFAULT_CONFIG_PATH = Path("config/brandpilot.yaml")
SLACK_API_URL = "https://slack.com/api/"
SLACK_TOKEN_PREFIXES = {  # field: (prefix, where the app's settings show it)
    "slack_bot_token": ("xoxb-", "OAuth & Permissions > Bot User OAuth Token"),
    "slack_app_token": ("xapp-", "Basic Information > App-Level Tokens (scope connections:write)"),
}
SLACK_ENV_NAMES = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_client_id": "SLACK_CLIENT_ID",
    "slack_client_secret": "SLACK_CLIENT_SECRET",
    "slack_token_encryption_key": "SLACK_TOKEN_ENCRYPTION_KEY",
    "slack_redirect_uri": "SLACK_REDIRECT_URI",
}
SLACK_WHERE = {  # where each Slack variable's value comes from (the app's settings at api.slack.com/apps)
    "SLACK_BOT_TOKEN": "copy it from OAuth & Permissions > Bot User OAuth Token",
    "SLACK_SIGNING_SECRET": "copy it from Basic Information > App Credentials > Signing Secret",
    "SLACK_APP_TOKEN": "create it in Basic Information > App-Level Tokens (scope connections:write)",
    "SLACK_CLIENT_ID": "copy it from Basic Information > App Credentials > Client ID",
    "SLACK_CLIENT_SECRET": "copy it from Basic Information > App Credentials > Client Secret",
    "SLACK_TOKEN_ENCRYPTION_KEY": "generate one with "
    "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`",
}
DISCORD_API_URL = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
SLACK_INSTALL_PATH = "/slack/install"
SLACK_OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"
SAMPLE_BRAND_PATH = Path(__file__).resolve().parent.parent / "knowledge" / "sample_brand"
BRAND_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"  # also names the brand's knowledge collection
PLATFORM_NAMES = ("x", "linkedin", "instagram", "facebook", "tiktok", "youtube")
SECRET_FIELDS = (
    "database_url",
    "redis_url",
    "chroma_url",
    "slack_bot_token",
    "slack_signing_secret",
    "slack_app_token",
    "slack_client_secret",
    "slack_token_encryption_key",
    "discord_bot_token",
    "openai_api_key",
    "anthropic_api_key",
    "platform_token_encryption_key",
    "x_client_secret",
    "linkedin_client_secret",
    "tiktok_client_secret",
    "google_client_secret",
    "x_consumer_secret",
    "meta_app_secret",
    "meta_verify_token",
    "youtube_hub_secret",
    "youtube_verify_token",
)


class BrandEntry(BaseModel):
    """A brand the deployment serves and where its brand pack lives."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=BRAND_ID_PATTERN)
    pack: Path
    name: str | None = None


class WorkspaceEntry(BaseModel):
    """Maps a Slack team, Discord guild or terminal user to a brand."""

    model_config = ConfigDict(extra="forbid")

    surface: Literal["slack", "discord", "cli"]
    id: str = Field(min_length=1)
    brand: str


class ChannelsConfig(BaseModel):
    """Where alerts and approval requests are posted."""

    model_config = ConfigDict(extra="forbid")

    alerts: str | None = None  # Slack channel ID (or #name) for alert cards
    approvals: str | None = None


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class DigestEntry(BaseModel):
    """A report posted on its own to a channel: weekly on `weekday`, monthly on `day`, at `hour` local time."""

    model_config = ConfigDict(extra="forbid")

    brand: str
    surface: Literal["slack", "discord"] = "slack"
    channel: str  # a Slack channel ID (channel details, bottom) or a Discord channel ID (Developer Mode: Copy ID)
    kind: Literal["weekly", "monthly"] = "weekly"
    weekday: Weekday = "monday"
    day: int = Field(default=1, ge=1, le=28)  # of the month, for monthly digests
    hour: int = Field(default=9, ge=0, le=23)  # in agents.timezone

    @model_validator(mode="after")
    def _channel_of_its_surface(self) -> DigestEntry:
        pattern, what = {
            "slack": (r"[CG][A-Z0-9]{2,}", "a Slack channel ID (C… or G…: channel details, bottom)"),
            "discord": (r"\d{15,21}", "a Discord channel ID (a number: Copy ID in Developer Mode)"),
        }[self.surface]
        if not re.fullmatch(pattern, self.channel):
            raise ValueError(f"channel {self.channel!r} is not {what}")
        return self


class SlackChannelOptions(BaseModel):
    """How BrandPilot behaves in one Slack channel."""

    model_config = ConfigDict(extra="forbid")

    follow_up_without_mention: bool | None = None  # None: the workspace-wide default


class SlackOptions(BaseModel):
    """Slack behaviour: whether thread replies need a mention, by default and per channel ID."""

    model_config = ConfigDict(extra="forbid")

    follow_up_without_mention: bool = True  # replies in a BrandPilot thread continue it without @BrandPilot
    channels: dict[str, SlackChannelOptions] = Field(default_factory=dict)

    @field_validator("channels")
    @classmethod
    def _channel_ids(cls, value: dict[str, SlackChannelOptions]) -> dict[str, SlackChannelOptions]:
        for key in value:
            if not re.fullmatch(r"[CGD][A-Z0-9]{2,}", key):
                raise ValueError(f"{key!r} is not a Slack channel ID; use the ID (like C0123ABCD) from channel details")
        return value

    def follow_up(self, channel: str) -> bool:
        """Whether a reply in a BrandPilot thread in `channel` is answered without mentioning BrandPilot."""
        option = self.channels.get(channel)
        if option is None or option.follow_up_without_mention is None:
            return self.follow_up_without_mention
        return option.follow_up_without_mention


class DiscordOptions(BaseModel):
    """Discord behaviour: where alert cards go, where commands sync, and un-mentioned thread follow-ups."""

    model_config = ConfigDict(extra="forbid")

    alerts_channel: str | None = Field(default=None, pattern=r"^\d{15,21}$")  # a channel ID (Developer Mode: Copy ID)
    command_guilds: list[Annotated[str, Field(pattern=r"^\d{15,21}$")]] = Field(default_factory=list)
    # empty: /brandpilot is synced globally (up to an hour to appear); guild IDs: synced there at once (development)
    follow_up_without_mention: bool = False  # needs the privileged Message Content intent, enabled in the portal


class AlertOptions(BaseModel):
    """Who is called in when someone presses Escalate on an alert card."""

    model_config = ConfigDict(extra="forbid")

    escalate_to_slack: list[str] = Field(default_factory=list)  # Slack user (U…) or user group (S…) IDs
    escalate_to_discord_roles: list[Annotated[str, Field(pattern=r"^\d{15,21}$")]] = Field(default_factory=list)
    escalate_to_discord_users: list[Annotated[str, Field(pattern=r"^\d{15,21}$")]] = Field(default_factory=list)

    @field_validator("escalate_to_slack")
    @classmethod
    def _slack_ids(cls, value: list[str]) -> list[str]:
        for item in value:
            if not re.fullmatch(r"[UWS][A-Z0-9]{2,}", item):
                raise ValueError(f"{item!r} is not a Slack user (U…) or user group (S…) ID")
        return value


class ApproversConfig(BaseModel):
    """Who may approve drafts, per surface."""

    model_config = ConfigDict(extra="forbid")

    slack_users: list[str] = Field(default_factory=list)
    slack_groups: list[str] = Field(default_factory=list)
    discord_roles: list[Annotated[str, Field(pattern=r"^\d{15,21}$")]] = Field(default_factory=list)  # role IDs
    discord_users: list[Annotated[str, Field(pattern=r"^\d{15,21}$")]] = Field(default_factory=list)  # user IDs
    cli_users: list[str] = Field(default_factory=lambda: ["*"])


class RouterOptions(BaseModel):
    """Thresholds of the embedding router."""

    model_config = ConfigDict(extra="forbid")

    confidence_threshold: float = Field(default=0.30, ge=0.0, le=1.0)
    switch_threshold: float = Field(default=0.70, ge=0.0, le=1.0)


class AgentOptions(BaseModel):
    """Options for the graph and its specialists."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = "UTC"
    default_post_hour: int = Field(default=9, ge=0, le=23)
    campaign_code: str = Field(default="always-on", pattern=r"^[A-Za-z0-9_-]{1,40}$")
    router: RouterOptions = Field(default_factory=RouterOptions)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like 'America/Los_Angeles'") from exc
        return value


class MonitorOptions(BaseModel):
    """Social listening: how late mentions may arrive, and which crisis severity pauses the brand's posts."""

    model_config = ConfigDict(extra="forbid")

    grace_seconds: int = Field(default=120, ge=0, le=3600)  # a 5-minute bin is judged this long after it ends
    pause_at: Literal["SEV1", "SEV2", "SEV3"] | None = "SEV1"  # this severity or worse pauses scheduled posts
    watch_seconds: float = Field(default=60.0, ge=0)  # how often the crisis watch judges new mentions; 0: never
    poll_seconds: float = Field(default=300.0, ge=0)  # how often connected accounts are polled for mentions; 0: never
    competitor_poll_seconds: float = Field(default=3600.0, ge=0)  # X searches for brand.yaml competitors; 0: never
    competitor_poll_limit: int = Field(default=50, ge=10, le=500)  # new posts read per competitor per search


class KnowledgeOptions(BaseModel):
    """How the brand knowledge base is kept and used."""

    model_config = ConfigDict(extra="forbid")

    auto_ingest: bool = True  # ingest (or refresh) each brand's pack the first time a process needs it


class RateLimit(BaseModel):
    """At most `limit` publishes per `per_seconds` for one brand's account on one platform."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(ge=1)
    per_seconds: float = Field(gt=0)


def _default_rate_limits() -> dict[str, RateLimit]:
    """Below each platform's documented posting limits, per account."""
    return {
        "x": RateLimit(limit=100, per_seconds=900),  # POST /2/tweets: 100 per 15 minutes per user
        "linkedin": RateLimit(limit=100, per_seconds=86400),
        "facebook": RateLimit(limit=200, per_seconds=3600),
        "instagram": RateLimit(limit=50, per_seconds=86400),  # content publishing: 50 posts per 24 hours
        "tiktok": RateLimit(limit=15, per_seconds=86400),
        "youtube": RateLimit(limit=6, per_seconds=86400),  # an upload costs 1,600 of the 10,000 daily quota units
    }


class PublishingOptions(BaseModel):
    """How the publishing worker retries, when it calls a post late, and when it warns about tokens."""

    model_config = ConfigDict(extra="forbid")

    in_process: bool = True  # `serve` and `chat` publish too; set false when `brandpilot worker` runs on its own
    max_attempts: int = Field(default=5, ge=1, le=50)
    retry_base_seconds: float = Field(default=30.0, gt=0)  # doubles per attempt, up to `retry_max_seconds`
    retry_max_seconds: float = Field(default=3600.0, gt=0)
    late_after_minutes: int = Field(default=15, ge=1)
    token_warning_days: int = Field(default=7, ge=1)
    poll_seconds: float = Field(default=15.0, gt=0)
    batch_size: int = Field(default=50, ge=1, le=1000)
    concurrency: int = Field(default=4, ge=1, le=64)
    metrics_sync_hours: float = Field(default=6.0, ge=0)  # read recent posts' numbers from the platforms; 0: never
    rate_limits: dict[str, RateLimit] = Field(default_factory=_default_rate_limits)

    @field_validator("rate_limits")
    @classmethod
    def _known_platforms(cls, value: dict[str, RateLimit]) -> dict[str, RateLimit]:
        unknown = sorted(set(value) - set(PLATFORM_NAMES))
        if unknown:
            raise ValueError(f"unknown platform(s) {', '.join(unknown)}; use {', '.join(PLATFORM_NAMES)}")
        return {**_default_rate_limits(), **value}


def _fernet_keys(value: SecretStr | None, variable: str) -> SecretStr | None:
    """Comma-separated Fernet keys, newest first, or a message saying how to make one."""
    if value is None:
        return None
    from cryptography.fernet import Fernet

    keys = [key.strip() for key in value.get_secret_value().split(",")]
    try:
        for key in keys:
            Fernet(key.encode())
    except ValueError as exc:
        raise ValueError(
            f"{variable} must be one or more Fernet keys, comma-separated with the newest first; "
            + SLACK_WHERE["SLACK_TOKEN_ENCRYPTION_KEY"]
        ) from exc
    return SecretStr(",".join(keys))


class _YamlSource(PydanticBaseSettingsSource):
    """Reads the YAML config file named by BRANDPILOT_CONFIG, refusing secrets in it."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path, required: bool) -> None:
        super().__init__(settings_cls)
        self.path = path
        self.data = _read_yaml(path, required)

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Unused: values come from __call__."""
        return self.data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        """Return the file's values."""
        return dict(self.data)


def _read_yaml(path: Path, required: bool) -> dict[str, Any]:
    if not path.exists():
        if required:
            raise ConfigError(str(path), "-", "the file does not exist; create it or unset BRANDPILOT_CONFIG")
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(str(path), "-", f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(str(path), "-", "the top level must be a mapping of settings")
    for key in data:
        if key in SECRET_FIELDS or key.endswith(("_token", "_secret", "_key")):
            raise ConfigError(str(path), key, "secrets are read only from the environment; remove it here")
    allowed = set(Settings.model_fields) - set(SECRET_FIELDS) - {"home", "config_path", "model"}
    for key in data:
        if key not in allowed:
            raise ConfigError(str(path), key, f"unknown setting; allowed: {', '.join(sorted(allowed))}")
    return data


def _env_named(field: FieldInfo) -> bool:
    """Only fields with an explicit environment name (BRANDPILOT_*, secrets) come from the env.

    Brands, approvers, platforms and agent options live in the YAML file; a stray `PLATFORMS` or
    `APPROVERS` variable in a container must not change them.
    """
    return field.validation_alias is not None


class _NamedEnv(EnvSettingsSource):
    """The environment, for env-named fields only."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Skip fields without an explicit environment name."""
        if not _env_named(field):
            return None, field_name, False
        return super().get_field_value(field, field_name)


class _NamedDotEnv(DotEnvSettingsSource):
    """The `.env` file, for env-named fields only."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Skip fields without an explicit environment name."""
        if not _env_named(field):
            return None, field_name, False
        return super().get_field_value(field, field_name)

    def __call__(self) -> dict[str, Any]:
        """Values of env-named fields only (extra `.env` keys are ignored)."""
        data = super().__call__()
        fields = self.settings_cls.model_fields.items()
        named = {n for n, f in fields if _env_named(f)} | {str(f.validation_alias) for _, f in fields if _env_named(f)}
        return {key: value for key, value in data.items() if key in named}


class Settings(BaseSettings):
    """Effective BrandPilot settings: environment over `.env` over YAML over defaults."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)  # `X=` means unset

    home: Path = Field(default=Path(".brandpilot"), validation_alias="BRANDPILOT_HOME")
    config_path: Path = Field(default=DEFAULT_CONFIG_PATH, validation_alias="BRANDPILOT_CONFIG")
    model: str | None = Field(default=None, validation_alias="BRANDPILOT_MODEL")
    turn_processes: int = Field(default=1, ge=0, le=32, validation_alias="BRANDPILOT_TURN_PROCESSES")
    model_cache: Path | None = Field(default=None, validation_alias="BRANDPILOT_MODEL_CACHE")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="WARNING", validation_alias="BRANDPILOT_LOG_LEVEL"
    )
    database_url: SecretStr | None = Field(default=None, validation_alias="DATABASE_URL")
    redis_url: SecretStr | None = Field(default=None, validation_alias="REDIS_URL")
    chroma_url: SecretStr | None = Field(default=None, validation_alias="CHROMA_URL")
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default=SLACK_API_URL, validation_alias="SLACK_API_URL")
    slack_client_id: str | None = Field(default=None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_CLIENT_SECRET")
    slack_token_encryption_key: SecretStr | None = Field(default=None, validation_alias="SLACK_TOKEN_ENCRYPTION_KEY")
    slack_redirect_uri: str | None = Field(default=None, validation_alias="SLACK_REDIRECT_URI")
    discord_bot_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_BOT_TOKEN")
    discord_api_url: str = Field(
        default=DISCORD_API_URL, validation_alias="DISCORD_API_URL", pattern=r"^https?://[^\s/]+(/[^\s]*)?$"
    )
    discord_gateway_url: str = Field(
        default=DISCORD_GATEWAY_URL, validation_alias="DISCORD_GATEWAY_URL", pattern=r"^wss?://[^\s/]+(/[^\s]*)?$"
    )
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    anthropic_api_key: SecretStr | None = Field(default=None, validation_alias="ANTHROPIC_API_KEY")
    platform_token_encryption_key: SecretStr | None = Field(
        default=None, validation_alias="PLATFORM_TOKEN_ENCRYPTION_KEY"
    )
    x_api_url: str = Field(default="https://api.x.com", validation_alias="X_API_URL")
    x_client_id: str | None = Field(default=None, validation_alias="X_CLIENT_ID")
    x_client_secret: SecretStr | None = Field(default=None, validation_alias="X_CLIENT_SECRET")
    linkedin_api_url: str = Field(default="https://api.linkedin.com", validation_alias="LINKEDIN_API_URL")
    linkedin_oauth_url: str = Field(default="https://www.linkedin.com", validation_alias="LINKEDIN_OAUTH_URL")
    linkedin_api_version: str = Field(default="202511", validation_alias="LINKEDIN_API_VERSION", pattern=r"^\d{6}$")
    linkedin_client_id: str | None = Field(default=None, validation_alias="LINKEDIN_CLIENT_ID")
    linkedin_client_secret: SecretStr | None = Field(default=None, validation_alias="LINKEDIN_CLIENT_SECRET")
    meta_api_url: str = Field(default="https://graph.facebook.com", validation_alias="META_API_URL")
    meta_api_version: str = Field(default="v23.0", validation_alias="META_API_VERSION", pattern=r"^v\d+\.\d+$")
    tiktok_api_url: str = Field(default="https://open.tiktokapis.com", validation_alias="TIKTOK_API_URL")
    tiktok_client_key: str | None = Field(default=None, validation_alias="TIKTOK_CLIENT_KEY")
    tiktok_client_secret: SecretStr | None = Field(default=None, validation_alias="TIKTOK_CLIENT_SECRET")
    youtube_api_url: str = Field(default="https://www.googleapis.com", validation_alias="YOUTUBE_API_URL")
    google_oauth_url: str = Field(default="https://oauth2.googleapis.com", validation_alias="GOOGLE_OAUTH_URL")
    google_client_id: str | None = Field(default=None, validation_alias="GOOGLE_CLIENT_ID")
    google_client_secret: SecretStr | None = Field(default=None, validation_alias="GOOGLE_CLIENT_SECRET")
    x_consumer_secret: SecretStr | None = Field(default=None, validation_alias="X_CONSUMER_SECRET")
    meta_app_secret: SecretStr | None = Field(default=None, validation_alias="META_APP_SECRET")
    meta_verify_token: SecretStr | None = Field(default=None, validation_alias="META_VERIFY_TOKEN")
    youtube_hub_secret: SecretStr | None = Field(default=None, validation_alias="YOUTUBE_HUB_SECRET")
    youtube_verify_token: SecretStr | None = Field(default=None, validation_alias="YOUTUBE_VERIFY_TOKEN")

    brands: list[BrandEntry] = Field(default_factory=list)
    default_brand: str | None = None
    workspaces: list[WorkspaceEntry] = Field(default_factory=list)
    channels: ChannelsConfig = Field(default_factory=ChannelsConfig)
    approvers: ApproversConfig = Field(default_factory=ApproversConfig)
    crisis_roles: dict[str, ApproversConfig] = Field(default_factory=dict)  # playbook role slug: who holds it
    platforms: list[Literal["x", "linkedin", "instagram", "facebook", "tiktok", "youtube"]] = Field(
        default_factory=lambda: list(PLATFORM_NAMES)
    )
    agents: AgentOptions = Field(default_factory=AgentOptions)
    knowledge: KnowledgeOptions = Field(default_factory=KnowledgeOptions)
    slack: SlackOptions = Field(default_factory=SlackOptions)
    discord: DiscordOptions = Field(default_factory=DiscordOptions)
    alerts: AlertOptions = Field(default_factory=AlertOptions)
    publishing: PublishingOptions = Field(default_factory=PublishingOptions)
    digests: list[DigestEntry] = Field(default_factory=list)
    monitor: MonitorOptions = Field(default_factory=MonitorOptions)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Add the YAML file below the environment and `.env`."""
        path, required = config_file_path()
        return (
            init_settings,
            _NamedEnv(settings_cls),
            _NamedDotEnv(settings_cls, env_file=settings_cls.model_config.get("env_file")),
            _YamlSource(settings_cls, path, required),
        )

    @field_validator("slack_bot_token", "slack_app_token")
    @classmethod
    def _slack_token_shape(cls, value: SecretStr | None, info: Any) -> SecretStr | None:
        prefix, where = SLACK_TOKEN_PREFIXES[info.field_name]
        if value is not None and not value.get_secret_value().startswith(prefix):
            raise ValueError(f"must start with {prefix!r}; copy it from {where}")
        return value

    @field_validator("discord_api_url", "discord_gateway_url")
    @classmethod
    def _discord_url_readable(cls, value: str) -> str:
        if not _readable_address(value):
            raise ValueError("use Discord's base URL (or a local test server's) with a readable host and port")
        return value

    @field_validator(
        "x_api_url",
        "linkedin_api_url",
        "linkedin_oauth_url",
        "meta_api_url",
        "tiktok_api_url",
        "youtube_api_url",
        "google_oauth_url",
    )
    @classmethod
    def _platform_url_shape(cls, value: str) -> str:
        if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", value.strip()) or not _readable_address(value):
            raise ValueError("use the API's base URL, like https://api.x.com (or a local test server's)")
        return value.strip().rstrip("/")

    @field_validator("platform_token_encryption_key")
    @classmethod
    def _platform_fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        return _fernet_keys(value, "PLATFORM_TOKEN_ENCRYPTION_KEY")

    @field_validator("slack_api_url")
    @classmethod
    def _slack_api_url_shape(cls, value: str) -> str:
        if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", value.strip()) or not _readable_address(value):
            raise ValueError("use the Web API base URL, like https://slack.com/api/ (or a local test server's)")
        return value.strip().rstrip("/") + "/"

    @field_validator("slack_client_id")
    @classmethod
    def _slack_client_id_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d+\.\d+", value.strip()):
            where = SLACK_WHERE["SLACK_CLIENT_ID"]
            raise ValueError(f"must look like 1234567890123.1234567890123; {where}")
        return value.strip() if value is not None else None

    @field_validator("slack_token_encryption_key")
    @classmethod
    def _slack_fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        return _fernet_keys(value, "SLACK_TOKEN_ENCRYPTION_KEY")

    @field_validator("slack_redirect_uri")
    @classmethod
    def _slack_redirect_uri_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        shaped = re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value) and _readable_address(value)
        if not shaped or not value.endswith(SLACK_OAUTH_REDIRECT_PATH):
            raise ValueError(
                f"use BrandPilot's public address of {SLACK_OAUTH_REDIRECT_PATH}, like "
                f"https://YOUR-HOST{SLACK_OAUTH_REDIRECT_PATH} (one of the app's OAuth & Permissions > Redirect URLs)"
            )
        return value

    def slack_oauth(self) -> bool:
        """Whether Slack runs multi-workspace installs (OAuth): on once the app's client ID or secret is set."""
        return bool(self.slack_client_id or self.secret("slack_client_secret"))

    def slack_missing(self, mode: Literal["http", "socket"]) -> list[str]:
        """Slack variables a mode needs but lacks.

        One workspace: the bot token, plus the signing secret over HTTP or the app token in Socket Mode.
        Multi-workspace installs (OAuth, HTTP only): the client ID and secret, the signing secret and the
        key that encrypts the stored tokens.
        """
        if self.slack_oauth():
            needed = ("slack_client_id", "slack_client_secret", "slack_signing_secret", "slack_token_encryption_key")
        else:
            needed = {
                "http": ("slack_bot_token", "slack_signing_secret"),
                "socket": ("slack_bot_token", "slack_app_token"),
            }[mode]
        return [SLACK_ENV_NAMES[name] for name in needed if not getattr(self, name)]

    def slack_conflict(self, mode: Literal["http", "socket"]) -> tuple[str, str] | None:
        """(variables, problem) when the Slack settings contradict each other or `mode`, else None."""
        if not self.slack_oauth():
            return None
        if self.secret("slack_bot_token"):
            return "SLACK_BOT_TOKEN, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET", (
                "SLACK_BOT_TOKEN is set together with SLACK_CLIENT_ID / SLACK_CLIENT_SECRET, so it is unclear whether "
                "BrandPilot serves one workspace or every workspace that installs it. Unset SLACK_BOT_TOKEN for "
                "multi-workspace installs (tokens then come from /slack/install), or unset SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET to serve the bot token's workspace only"
            )
        if mode == "socket":
            return "SLACK_CLIENT_ID, SLACK_CLIENT_SECRET", (
                "multi-workspace installs (SLACK_CLIENT_ID / SLACK_CLIENT_SECRET) need HTTP mode, because Slack sends "
                f"installers back to {SLACK_OAUTH_REDIRECT_PATH}; run `brandpilot serve slack --http PORT`, or unset "
                "them and use SLACK_BOT_TOKEN for Socket Mode"
            )
        return None

    def slack_authorize_url(self) -> str:
        """Slack's page that asks a workspace to install the app, on the Web API's host (slack.com/oauth/v2/...)."""
        from urllib.parse import urljoin

        return urljoin(self.slack_api_url, "../oauth/v2/authorize")

    def secret(self, name: str) -> str | None:
        """The plain value of a secret setting, or None."""
        value = getattr(self, name)
        return value.get_secret_value() if value is not None else None

    def brand_entries(self) -> list[BrandEntry]:
        """Configured brands, or the shipped sample brand when none are configured."""
        if self.brands:
            return list(self.brands)
        return [BrandEntry(id="harbor-pine", pack=SAMPLE_BRAND_PATH, name="Harbor & Pine")]

    def default_brand_id(self) -> str:
        """The brand used when a workspace has no mapping."""
        return self.default_brand or self.brand_entries()[0].id

    @model_validator(mode="after")
    def _check_brand_references(self) -> Settings:
        """Cross-field checks: every brand reference names a configured brand."""
        ids = [b.id for b in self.brand_entries()]
        if self.default_brand and self.default_brand not in ids:
            raise ValueError(f"default_brand {self.default_brand!r} is not one of the brands: {ids}")
        for ws in self.workspaces:
            if ws.brand not in ids:
                raise ValueError(f"workspace {ws.surface}:{ws.id} names brand {ws.brand!r}; known: {ids}")
        for digest in self.digests:
            if digest.brand not in ids:
                raise ValueError(f"a digest for channel {digest.channel} names brand {digest.brand!r}; known: {ids}")
        return self


def config_file_path() -> tuple[Path, bool]:
    """The YAML config path and whether it must exist (it must when named explicitly)."""
    named = os.environ.get("BRANDPILOT_CONFIG")
    return (Path(named), True) if named else (DEFAULT_CONFIG_PATH, False)


def _readable_address(value: str) -> bool:
    """Whether urllib reads the address's host and port (a regex alone lets "http://[x" and "host:80a" through)."""
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - reading it raises ValueError for a port that is not a number in range
    except ValueError:
        return False
    return bool(parts.hostname)


def load_settings(**overrides: Any) -> Settings:
    """Load and validate settings, raising ConfigError naming the file, field and what is allowed."""
    path, _ = config_file_path()
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"]) or "-"
        source = _source_of(field, path)
        raise ConfigError(source, field, error["msg"]) from exc
    settings = _resolve_paths(settings, path)
    if settings.model_cache is not None:  # from `.env` too: the encoders read it from the environment
        os.environ.setdefault("BRANDPILOT_MODEL_CACHE", str(settings.model_cache))
    for entry in settings.brand_entries():
        if not (entry.pack / "brand.yaml").is_file():
            raise ConfigError(str(path), f"brands[{entry.id}].pack", f"no brand.yaml in {entry.pack}")
    return settings


def _source_of(field: str, path: Path) -> str:
    """Where a bad value came from: the environment variable of an env-named field, else the file."""
    top = field.split(".")[0]
    for name, info in Settings.model_fields.items():
        if info.validation_alias and top in (name, info.validation_alias):
            return f"environment variable {info.validation_alias}"
    return str(path)


def _resolve_paths(settings: Settings, config_path: Path) -> Settings:
    base = config_path.parent if config_path.exists() else Path.cwd()
    brands = [
        b.model_copy(update={"pack": b.pack if b.pack.is_absolute() else (base / b.pack).resolve()})
        for b in settings.brands
    ]
    return settings.model_copy(update={"brands": brands, "home": settings.home.resolve()})


def local_user() -> str:
    """The terminal user's login name (for audit entries of CLI actions)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli-user"
