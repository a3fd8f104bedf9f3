"""Platform limits and capabilities shared by drafting, checking and publishing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformSpec:
    """What one social platform accepts, before any brand-specific tightening.

    ``max_chars`` is the limit for the main post text; for YouTube that is the video
    description. Hashtag and emoji limits are defaults a brand rulebook may override.
    ``required_media`` lists the media kinds a post needs at least one of (empty when text
    alone can be published); ``preview_chars`` is how much of the text shows before "more".
    """

    name: str
    label: str
    max_chars: int
    hashtag_limit_default: int
    emoji_limit_default: int
    supports_threads: bool
    link_clickable: bool
    title_max_chars: int | None = None
    description_max_chars: int | None = None
    media_notes: tuple[str, ...] = ()
    required_media: tuple[str, ...] = ()
    preview_chars: int | None = None


_SPECS: tuple[PlatformSpec, ...] = (
    PlatformSpec(
        name="x",
        label="X",
        max_chars=280,
        hashtag_limit_default=2,
        emoji_limit_default=2,
        supports_threads=True,
        link_clickable=True,
        media_notes=("Up to 4 images or 1 video per post.", "Number thread posts like 1/5."),
    ),
    PlatformSpec(
        name="linkedin",
        label="LinkedIn",
        max_chars=3000,
        hashtag_limit_default=3,
        emoji_limit_default=1,
        supports_threads=False,
        link_clickable=True,
    ),
    PlatformSpec(
        name="instagram",
        label="Instagram",
        max_chars=2200,
        hashtag_limit_default=8,
        emoji_limit_default=4,
        supports_threads=False,
        link_clickable=False,
        media_notes=(
            "Every post needs at least one image or video.",
            "About 125 characters show before 'more'.",
            "Links in captions are not clickable; say 'link in bio'.",
        ),
        required_media=("image", "video"),
        preview_chars=125,
    ),
    PlatformSpec(
        name="facebook",
        label="Facebook",
        max_chars=63206,
        hashtag_limit_default=2,
        emoji_limit_default=2,
        supports_threads=False,
        link_clickable=True,
    ),
    PlatformSpec(
        name="tiktok",
        label="TikTok",
        max_chars=2200,
        hashtag_limit_default=5,
        emoji_limit_default=4,
        supports_threads=False,
        link_clickable=False,
        media_notes=(
            "Every post is a vertical video; burn in captions.",
            "Links in captions are not clickable; say 'link in bio'.",
        ),
        required_media=("video",),
    ),
    PlatformSpec(
        name="youtube",
        label="YouTube",
        max_chars=5000,
        hashtag_limit_default=3,
        emoji_limit_default=2,
        supports_threads=False,
        link_clickable=True,
        title_max_chars=100,
        description_max_chars=5000,
        media_notes=("Post text is the video description; the title is separate.",),
        required_media=("video",),
    ),
)

_BY_NAME: dict[str, PlatformSpec] = {spec.name: spec for spec in _SPECS}

PLATFORMS: tuple[str, ...] = tuple(spec.name for spec in _SPECS)


def get_platform(name: str) -> PlatformSpec:
    """Return the spec for a platform name such as ``"x"`` or ``"LinkedIn"``.

    Raises:
        ValueError: if the name is not a supported platform; the message lists valid names.
    """
    spec = _BY_NAME.get(name.strip().lower()) if isinstance(name, str) else None
    if spec is None:
        raise ValueError(f"Unknown platform {name!r}; use one of: {', '.join(PLATFORMS)}.")
    return spec


def platform_label(name: str) -> str:
    """How people write a platform's name ("LinkedIn", "TikTok"); any other channel name ("email") as given."""
    spec = _BY_NAME.get(name.strip().lower())
    return spec.label if spec else name
