"""Typed model of a brand's ``brand.yaml`` rulebook, with a loader that explains bad files."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    Strict,
    StringConstraints,
    ValidationError,
    model_validator,
)

from tools.content.sections import pack_sections
from tools.monitor.competitors import Competitor, from_banned_names
from tools.platforms.specs import PLATFORMS

RULEBOOK_FILENAME = "brand.yaml"
PLATFORM_LENGTH_RULE_ID = "platform-max-length"

Severity = Literal["error", "warning"]
AccessibilityCheck = Literal["image_alt_text", "no_all_caps_words", "no_emoji_only_lines"]


class RulebookError(ValueError):
    """A brand rulebook that cannot be read or does not follow the ``brand.yaml`` format."""


def _compile_pattern(value: Any) -> re.Pattern[str]:
    if isinstance(value, re.Pattern):
        return value
    if not isinstance(value, str) or not value:
        raise ValueError("must be a non-empty string holding a Python regular expression")
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"is not a valid Python regular expression: {exc}") from exc


def _check_platform_keys(value: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(value) - set(PLATFORMS))
    if unknown:
        raise ValueError(f"unknown platform {unknown[0]!r}; use one of: {', '.join(PLATFORMS)}")
    return value


def _check_hashtag(value: str) -> str:
    if not re.fullmatch(r"#[^\W\d_]\w*", value):
        raise ValueError(f"{value!r} is not a hashtag; write '#' then a letter, e.g. '#BrandName'")
    return value


def _normalise_domain(value: str) -> str:
    host = value.strip().lower().removeprefix("www.")
    if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", host):
        raise ValueError(f"{value!r} is not a host name like 'shop.example.com'")
    return host


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
RuleId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_.-]+$")]
Regex = Annotated[re.Pattern[str], PlainValidator(_compile_pattern)]
Count = Annotated[int, Strict(), Field(ge=0)]
PlatformLimits = Annotated[dict[str, Count], AfterValidator(_check_platform_keys)]
Hashtag = Annotated[str, AfterValidator(_check_hashtag)]
Domain = Annotated[str, AfterValidator(_normalise_domain)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class Rule(_Strict):
    """Fields every rule has: an id to report, how bad a hit is and the guideline section."""

    id: RuleId
    severity: Severity
    guideline: Text


class BannedTermsRule(Rule):
    """Words or phrases that must not appear (whole-word, case-insensitive)."""

    terms: Annotated[list[Text], Field(min_length=1)]
    reason: str = ""


class PreferredTermRule(Rule):
    """A word to avoid and the word to write instead."""

    avoid: Text
    use: Text
    reason: str = ""


class DisclosureRule(Rule):
    """A marker that sponsored, giveaway or affiliate posts must carry."""

    when: Text
    any_of: Annotated[list[Text], Field(min_length=1)]
    position: Literal["start", "anywhere"] = "anywhere"
    detect_pattern: Regex | None = None
    reason: str = ""

    @model_validator(mode="after")
    def _needs_detector(self) -> DisclosureRule:
        if self.when != "sponsored" and self.detect_pattern is None:
            raise ValueError(
                f"detect_pattern is required when 'when' is {self.when!r}; only 'sponsored' "
                "comes from the draft's metadata"
            )
        return self


class ClaimRule(Rule):
    """A regular expression for claims that need legal review."""

    pattern: Regex
    reason: str = ""


class HashtagRule(Rule):
    """Per-platform hashtag limits and the camel-case policy."""

    brand_tags: list[Hashtag] = []
    max_per_platform: PlatformLimits = {}
    camel_case_multiword: bool = True


class EmojiRule(Rule):
    """Per-platform emoji limits."""

    max_per_post: PlatformLimits = {}


class ReadabilityRule(Rule):
    """Highest Flesch-Kincaid grade allowed."""

    max_grade: Annotated[float, Field(ge=0)]


class LinkRule(Rule):
    """Which hosts links may point to and which UTM parameters they need."""

    require_utm: bool = True
    utm_params: Annotated[list[Text], Field(min_length=1)] = [
        "utm_source",
        "utm_medium",
        "utm_campaign",
    ]
    allowed_domains: list[Domain] = []


class AccessibilityRule(Rule):
    """One named accessibility check."""

    check: AccessibilityCheck


class Rules(_Strict):
    """Every rule section of a rulebook; sections left out are not checked."""

    banned_terms: list[BannedTermsRule] = []
    preferred_terms: list[PreferredTermRule] = []
    required_disclosures: list[DisclosureRule] = []
    claims_requiring_review: list[ClaimRule] = []
    hashtags: HashtagRule | None = None
    emoji: EmojiRule | None = None
    readability: ReadabilityRule | None = None
    links: LinkRule | None = None
    accessibility: list[AccessibilityRule] = []

    def iter_rules(self) -> Iterator[tuple[str, Rule]]:
        """Yield ``(field path, rule)`` for every rule, in file order."""
        for section in type(self).model_fields:
            value = getattr(self, section)
            if isinstance(value, Rule):
                yield f"rules.{section}", value
            elif isinstance(value, list):
                for index, rule in enumerate(value):
                    yield f"rules.{section}[{index}]", rule

    @model_validator(mode="after")
    def _unique_ids(self) -> Rules:
        seen: dict[str, str] = {}
        for path, rule in self.iter_rules():
            if rule.id == PLATFORM_LENGTH_RULE_ID:
                raise ValueError(f"{path}.id {rule.id!r} is reserved for over-length posts")
            if rule.id in seen:
                raise ValueError(
                    f"rule id {rule.id!r} is used by both {seen[rule.id]} and {path}; give each rule its own id"
                )
            seen[rule.id] = path
        return self


class BrandInfo(_Open):
    """Who the brand is."""

    id: Text
    name: Text
    website: str | None = None


class Voice(_Open):
    """How the brand sounds, for drafting prompts."""

    adjectives: list[str] = []
    exemplars: list[str] = []
    anti_exemplars: list[str] = []


class PlatformSettings(_Open):
    """Brand-specific limits for one platform; unset values fall back to the platform spec."""

    max_chars: Annotated[int, Strict(), Field(gt=0)] | None = None
    title_max_chars: Annotated[int, Strict(), Field(gt=0)] | None = None
    description_max_chars: Annotated[int, Strict(), Field(gt=0)] | None = None


class Rulebook(_Open):
    """A whole ``brand.yaml``: brand facts, voice, rules and platform settings."""

    brand: BrandInfo
    voice: Voice = Voice()
    rules: Rules
    platforms: Annotated[dict[str, PlatformSettings], AfterValidator(_check_platform_keys)] = {}
    competitors: list[Competitor] = []
    _sections: dict[str, str] = PrivateAttr(default_factory=dict)

    def tracked_competitors(self) -> list[Competitor]:
        """The competitors to track: the `competitors:` list, else the names a competitor banned-terms rule lists."""
        if self.competitors:
            return list(self.competitors)
        return from_banned_names((rule.id, rule.terms) for rule in self.rules.banned_terms)

    def cite(self, guideline: str, subsection: str | None = None) -> str:
        """`file § section` for a guideline name found as a heading in the pack (`› subsection` when it exists)."""
        if subsection and (found := self._sections.get(f"{guideline} › {subsection}".lower())):
            return found
        return self._sections.get(guideline.lower(), guideline)


def load_rulebook(path: Path | str) -> Rulebook:
    """Load ``brand.yaml`` from a file path or from the brand-pack folder that holds it.

    Raises:
        RulebookError: if the file is missing, is not YAML, or breaks the format; the
            message names the file, the field path and what is allowed there.
    """
    file = Path(path)
    if file.is_dir():
        file = file / RULEBOOK_FILENAME
    if not file.is_file():
        raise RulebookError(
            f"{file}: no such file; pass a {RULEBOOK_FILENAME} file or the brand-pack folder that holds one"
        )
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RulebookError(f"{file}: cannot be read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise RulebookError(f"{file}: is not valid YAML: {exc}") from exc
    rulebook = parse_rulebook(data, source=str(file))
    rulebook._sections.update(pack_sections(file.parent))
    return rulebook


def parse_rulebook(data: Any, *, source: str = RULEBOOK_FILENAME) -> Rulebook:
    """Validate already-parsed rulebook data; ``source`` names it in error messages.

    Raises:
        RulebookError: if the data breaks the format.
    """
    if not isinstance(data, dict):
        raise RulebookError(
            f"{source}: the top level must be a mapping with 'brand' and 'rules' keys, not {type(data).__name__}"
        )
    try:
        return Rulebook.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(error) for error in exc.errors()]
        if len(problems) == 1:
            raise RulebookError(f"{source}: {problems[0]}") from None
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise RulebookError(f"{source}: {len(problems)} problems:\n{listed}") from None


def _describe(error: Any) -> str:
    loc = tuple(part for part in error["loc"] if part != "[key]")
    kind = error["type"]
    if kind == "missing":
        return f"{_field_path(loc)}: is required"
    if kind == "extra_forbidden":
        allowed = ", ".join(_allowed_fields(loc[:-1]))
        return f"{_field_path(loc)}: is not a known field; allowed fields: {allowed}"
    message = error["msg"].removeprefix("Value error, ")
    if kind == "model_type":
        message = f"should be a mapping with fields: {', '.join(_allowed_fields(loc))}"
    value = error.get("input")
    if isinstance(value, dict | list):
        return f"{_field_path(loc)}: {message}"
    return f"{_field_path(loc)}: {message} (got {_short(value)})"


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def _allowed_fields(loc: tuple[Any, ...]) -> list[str]:
    annotation: Any = Rulebook
    for part in loc:
        annotation = _child(annotation, part)
    model = _model_in(annotation)
    return list(model.model_fields) if model is not None else []


def _child(annotation: Any, part: Any) -> Any:
    """Return the type found at ``part`` (field name, list index or dict key) of a type."""
    if _is_model(annotation):
        field = annotation.model_fields.get(part) if isinstance(part, str) else None
        return None if field is None else field.annotation
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and isinstance(part, int):
        return args[0]
    if origin is dict:
        return args[1]
    if origin in (typing.Union, types.UnionType, Annotated):
        return next((c for arg in args if (c := _child(arg, part)) is not None), None)
    return None


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _model_in(annotation: Any) -> Any:
    if _is_model(annotation):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, Annotated):
        return next((m for arg in typing.get_args(annotation) if (m := _model_in(arg))), None)
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
