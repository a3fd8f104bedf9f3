"""Builds the platform clients and the app's OAuth clients from settings (base URLs, versions, client ids)."""

from __future__ import annotations

from importlib import import_module

import httpx

from config.settings import PLATFORM_NAMES, Settings
from tools.platforms.base import AppCredentials, PlatformClient

_CLIENTS = {  # platform: (module, class)
    "x": ("tools.platforms.x", "XClient"),
    "linkedin": ("tools.platforms.linkedin", "LinkedInClient"),
    "facebook": ("tools.platforms.facebook", "FacebookClient"),
    "instagram": ("tools.platforms.instagram", "InstagramClient"),
    "tiktok": ("tools.platforms.tiktok", "TikTokClient"),
    "youtube": ("tools.platforms.youtube", "YouTubeClient"),
}


def client_options(settings: Settings, platform: str) -> dict[str, str]:
    """The constructor settings of one platform's client."""
    return {
        "x": {"base_url": settings.x_api_url},
        "linkedin": {
            "base_url": settings.linkedin_api_url,
            "version": settings.linkedin_api_version,
            "oauth_url": settings.linkedin_oauth_url,
        },
        "facebook": {"base_url": settings.meta_api_url, "version": settings.meta_api_version},
        "instagram": {"base_url": settings.meta_api_url, "version": settings.meta_api_version},
        "tiktok": {"base_url": settings.tiktok_api_url},
        "youtube": {"base_url": settings.youtube_api_url, "oauth_url": settings.google_oauth_url},
    }[platform]


def make_client(settings: Settings, platform: str, http: httpx.Client) -> PlatformClient:
    """The client of `platform` (imported only when used); ValueError names the platforms there are."""
    if platform not in _CLIENTS:
        raise ValueError(f"Unknown platform {platform!r}; use one of: {', '.join(PLATFORM_NAMES)}.")
    module, name = _CLIENTS[platform]
    return getattr(import_module(module), name)(http, **client_options(settings, platform))


def make_clients(settings: Settings, http: httpx.Client) -> dict[str, PlatformClient]:
    """Clients of every enabled platform, sharing one HTTP connection pool."""
    return {platform: make_client(settings, platform, http) for platform in settings.platforms}


def app_credentials(settings: Settings) -> dict[str, AppCredentials | None]:
    """The app's own OAuth client per platform (for token refresh), where its id and secret are set."""
    pairs = {
        "x": (settings.x_client_id, settings.secret("x_client_secret")),
        "linkedin": (settings.linkedin_client_id, settings.secret("linkedin_client_secret")),
        "tiktok": (settings.tiktok_client_key, settings.secret("tiktok_client_secret")),
        "youtube": (settings.google_client_id, settings.secret("google_client_secret")),
    }
    found: dict[str, AppCredentials | None] = {platform: None for platform in PLATFORM_NAMES}
    for platform, (client_id, secret) in pairs.items():
        if client_id and secret:
            found[platform] = AppCredentials(client_id, secret)
    return found


def http_client() -> httpx.Client:
    """The HTTP client the platform clients share: bounded timeouts, pooled connections, no global state."""
    return httpx.Client(
        timeout=httpx.Timeout(30.0, connect=10.0),
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        follow_redirects=True,
        headers={"User-Agent": "BrandPilot/0.1 (+https://github.com/brandpilot)"},
    )
