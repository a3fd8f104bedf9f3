"""A brand's content pillars and posting cadence per platform, read from its brand pack."""

from __future__ import annotations

import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from tools.content.cadence_text import DAY_NAMES, WEEKS_PER_MONTH, WORKWEEK, parse_cadence, theme_key, themes_in
from tools.platforms.specs import PLATFORMS

WEEK = (0, 1, 2, 3, 4, 5, 6)  # Monday .. Sunday, as in datetime.weekday()
DAY_PARTS = ("morning", "midday", "afternoon", "evening")


class BrandPlanError(ValueError):
    """The brand pack's content plan can't be read; the message says where and what is allowed."""


@dataclass(frozen=True)
class Cadence:
    """How often the brand posts on one platform, and on which days and at what part of the day."""

    platform: str
    per_week: float  # posts a week (a monthly count is divided by 52/12)
    weekdays: tuple[int, ...] = WEEK  # the days posts may go out on; all seven when the pack doesn't restrict them
    day_part: str | None = None  # one of DAY_PARTS when the pack names one
    formats: tuple[tuple[str, float], ...] = ()  # e.g. (("feed post", 5.0), ("reel", 3.0)) per week, when named
    source: str = "default"  # "brand.yaml", "guidelines.md § Platform playbooks › Instagram" or "default"


@dataclass(frozen=True)
class Pillar:
    """One recurring content theme, and the platforms it suits (empty: every platform)."""

    name: str
    platforms: tuple[str, ...] = ()
    description: str = ""
    source: str = "default"


@dataclass(frozen=True)
class BrandPlan:
    """Everything the calendar needs from the brand pack."""

    pillars: tuple[Pillar, ...]
    cadence: dict[str, Cadence]


PACK_RULES = "brand.yaml"
PACK_GUIDELINES = "guidelines.md"
MAX_PILLARS = 8

# General defaults, used when a pack says nothing about a platform: common practice for a small brand, not a
# recommendation drawn from any one pack. LinkedIn's audience is at work, so it defaults to weekdays only.
DEFAULT_CADENCE = {
    "x": Cadence("x", 7.0),
    "linkedin": Cadence("linkedin", 2.0, weekdays=WORKWEEK),
    "instagram": Cadence("instagram", 4.0),
    "facebook": Cadence("facebook", 3.0),
    "tiktok": Cadence("tiktok", 4.0),
    "youtube": Cadence("youtube", 1.0),
}
DEFAULT_PILLARS = tuple(Pillar(name) for name in ("Education", "Product", "Community", "Behind the scenes"))

_PLAYBOOK_TITLE = re.compile(r"\b(?:platform|channel)s?\b", re.I)
_PLATFORM_HEADINGS = {
    "x": r"\bx\b|twitter",
    "linkedin": r"linked\s*in",
    "instagram": r"instagram",
    "facebook": r"facebook",
    "tiktok": r"tik\s*tok",
    "youtube": r"you\s*tube",
}


def load_brand_plan(pack: Path, platforms: Sequence[str]) -> BrandPlan:
    """Pillars and cadence for the given platforms from a brand-pack folder.

    Each item comes from the first source that has it: the optional `content:` section of `brand.yaml`, then the
    "Platform playbooks" section of `guidelines.md` (see `tools.content.cadence_text` for how prose is read), then
    the general defaults `DEFAULT_CADENCE` and `DEFAULT_PILLARS`. Cadence `per_week` never counts Stories.

    Raises:
        BrandPlanError: for an unknown platform, a missing folder, or a `content:` section that breaks the format
            (the message names the file, the field path and what is allowed there).
    """
    try:
        return _load(pack, platforms)
    except BrandPlanError:
        raise
    except ValueError as error:
        raise BrandPlanError(str(error)) from error


def _load(pack: Path, platforms: Sequence[str]) -> BrandPlan:
    wanted, folder = _platforms(platforms), Path(pack)
    if not folder.is_dir():
        raise ValueError(f"{folder}: no such brand-pack folder")
    content = _content_section(folder / PACK_RULES)
    playbook = _playbook(folder / PACK_GUIDELINES)
    cadence = {name: _cadence(name, content, playbook) for name in wanted}
    pillars = _yaml_pillars(content, wanted) or _prose_pillars(playbook, wanted) or DEFAULT_PILLARS
    return BrandPlan(pillars=pillars, cadence=cadence)


def _platforms(platforms: Sequence[str]) -> list[str]:
    names = [name.lower() for name in platforms]
    for name in names:
        if name not in PLATFORMS:
            raise ValueError(f"unknown platform {name!r}; use one of: {', '.join(PLATFORMS)}")
    return list(dict.fromkeys(names))


def _cadence(platform: str, content: _Content | None, playbook: _Playbook | None) -> Cadence:
    if content is not None and platform in content.cadence:
        given = content.cadence[platform]
        per_week = given.per_week if given.per_week is not None else given.per_month / WEEKS_PER_MONTH
        weekdays = tuple(sorted(set(given.weekdays))) if given.weekdays else WEEK
        return Cadence(platform, per_week, weekdays, given.day_part, source=PACK_RULES)
    section = playbook.sections.get(platform) if playbook else None
    parsed = parse_cadence(section[1]) if section else None
    if playbook is None or section is None or parsed is None:  # no playbook, no subsection, or no cadence in it
        return DEFAULT_CADENCE[platform]
    source = f"{PACK_GUIDELINES} § {playbook.title} › {section[0]}"
    return Cadence(platform, parsed.per_week, parsed.weekdays or WEEK, parsed.day_part, parsed.formats, source)


def _yaml_pillars(content: _Content | None, wanted: list[str]) -> tuple[Pillar, ...]:
    pillars = []
    for given in content.pillars if content else []:
        suits = tuple(name for name in wanted if name in given.platforms)
        if suits or not given.platforms:
            pillars.append(Pillar(given.name, suits, given.description, PACK_RULES))
    return tuple(pillars)


def _prose_pillars(playbook: _Playbook | None, wanted: list[str]) -> tuple[Pillar, ...]:
    """Themes named in each platform's playbook, merged across platforms, most widely used first."""
    if playbook is None:
        return ()
    names: dict[str, str] = {}
    suits: dict[str, list[str]] = {}
    for platform in (name for name in playbook.sections if name in wanted):
        for theme in themes_in(playbook.sections[platform][1]):
            key = theme_key(theme)
            names.setdefault(key, theme)
            suits.setdefault(key, []).append(platform)
    ranked = sorted(names, key=lambda key: -len(set(suits[key])))[:MAX_PILLARS]
    source = f"{PACK_GUIDELINES} § {playbook.title}"
    return tuple(Pillar(names[key], tuple(dict.fromkeys(suits[key])), source=source) for key in ranked)


def _weekday(value: Any) -> int:
    text = value.strip().lower() if isinstance(value, str) else ""
    for index, name in enumerate(DAY_NAMES):
        if text in (name, name[:3]):
            return index
    raise ValueError(f"{value!r} is not a weekday; use mon..sun")


def _day_part(value: Any) -> str:
    if value not in DAY_PARTS:
        raise ValueError(f"{value!r} is not a day part; use one of: {', '.join(DAY_PARTS)}")
    return value


def _platform(value: Any) -> str:
    if not isinstance(value, str) or value.lower() not in PLATFORMS:
        raise ValueError(f"{value!r} is not a platform; use one of: {', '.join(PLATFORMS)}")
    return value.lower()


Weekday = Annotated[int, BeforeValidator(_weekday)]
DayPart = Annotated[str, BeforeValidator(_day_part)]
Platform = Annotated[str, BeforeValidator(_platform)]
Rate = Annotated[float, Field(gt=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _PillarEntry(_Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    description: str = ""
    platforms: list[Platform] = []


class _CadenceEntry(_Strict):
    per_week: Rate | None = None
    per_month: Rate | None = None
    weekdays: Annotated[list[Weekday], Field(min_length=1)] | None = None
    day_part: DayPart | None = None

    @model_validator(mode="after")
    def _one_rate(self) -> _CadenceEntry:
        if (self.per_week is None) == (self.per_month is None):
            raise ValueError("give exactly one of per_week or per_month (posts a week, or posts a month)")
        return self


class _Content(_Strict):
    pillars: list[_PillarEntry] = []
    cadence: dict[Platform, _CadenceEntry] = {}


def _content_section(file: Path) -> _Content | None:
    """The validated `content:` section of a pack's brand.yaml, or None when there is none."""
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) if file.is_file() else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{file}: cannot be read as YAML: {exc}") from exc
    if not isinstance(data, dict) or data.get("content") is None:
        return None
    try:
        return _Content.model_validate(data["content"])
    except ValidationError as exc:
        problems = [_describe(error) for error in exc.errors()]
        listed = "".join(f"\n  - {problem}" for problem in problems)
        listed = problems[0] if len(problems) == 1 else f"{len(problems)} problems:{listed}"
        raise ValueError(f"{file}: {listed}") from None


def _describe(error: Any) -> str:
    loc = ("content", *(part for part in error["loc"] if part != "[key]"))
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    if error["type"] == "missing":
        return f"{path}: is required"
    if error["type"] == "extra_forbidden":
        return f"{path}: is not a known field; allowed fields: {', '.join(_fields_at(loc[1:-1]))}"
    if error["type"] == "model_type":
        return f"{path}: should be a mapping with fields: {', '.join(_fields_at(loc[1:]))}"
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    shown = "" if error["type"] == "value_error" or isinstance(value, dict | list) else f" (got {value!r})"
    return f"{path}: {message}{shown}"


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model found at a path into `_Content` (list indexes and platform keys skipped)."""
    model: type[BaseModel] = _Content
    for part in loc:
        if part in model.model_fields:
            inner = typing.get_args(model.model_fields[part].annotation)
            model = inner[-1] if inner and isinstance(inner[-1], type) else model
    return list(model.model_fields)


@dataclass(frozen=True)
class _Playbook:
    title: str  # the heading of the playbooks section, e.g. "Platform playbooks"
    sections: dict[str, tuple[str, str]]  # platform -> (its subsection heading, the subsection's text)


def _playbook(file: Path) -> _Playbook | None:
    """The platform playbooks of a guidelines file: its "Platform playbooks" (or "Channels") `##` section."""
    if not file.is_file():
        return None
    chapters = re.split(r"^##\s+", file.read_text(encoding="utf-8", errors="replace"), flags=re.M)[1:]
    found = [chapter for chapter in chapters if _PLAYBOOK_TITLE.search(chapter.split("\n", 1)[0])]
    if not found:
        return None
    chapter = min(found, key=lambda text: "playbook" not in text.split("\n", 1)[0].lower())
    title, _, body = chapter.partition("\n")
    sections: dict[str, tuple[str, str]] = {}
    for part in re.split(r"^###\s+", body, flags=re.M)[1:]:
        heading, _, text = part.partition("\n")
        for platform, pattern in _PLATFORM_HEADINGS.items():
            if re.search(pattern, heading, re.I):
                sections.setdefault(platform, (heading.strip(" #"), text))
    return _Playbook(title.strip(" #"), sections)
