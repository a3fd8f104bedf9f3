"""Deterministic brand-compliance checks of one draft post against a brand rulebook."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tools.content import text as tx
from tools.content.rulebook import (
    PLATFORM_LENGTH_RULE_ID,
    AccessibilityRule,
    BannedTermsRule,
    ClaimRule,
    DisclosureRule,
    EmojiRule,
    HashtagRule,
    LinkRule,
    PreferredTermRule,
    ReadabilityRule,
    Rulebook,
    Severity,
)
from tools.platforms.specs import PlatformSpec, get_platform

PLATFORM_LENGTH_GUIDELINE = "Platform playbooks"


@dataclass(frozen=True)
class Finding:
    """One broken rule: its id, how bad it is, what to change and the guideline section."""

    rule: str
    severity: Severity
    message: str
    guideline: str

    def to_dict(self) -> dict[str, str]:
        """Return the finding as a JSON-ready dict."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "guideline": self.guideline,
        }


@dataclass(frozen=True)
class CheckReport:
    """All findings for one post; it passes when none of them is an error."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when no finding has severity ``error``."""
        return all(finding.severity != "error" for finding in self.findings)

    @property
    def rule_ids(self) -> list[str]:
        """The ids of the broken rules, in report order."""
        return [finding.rule for finding in self.findings]

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"passed": bool, "findings": [...]}`` ready for JSON."""
        return {"passed": self.passed, "findings": [f.to_dict() for f in self.findings]}


@dataclass(frozen=True)
class _Post:
    """A draft prepared once for all checks."""

    raw: str
    published: str
    platform: PlatformSpec
    sponsored: bool


def check_post(text: str, platform: str, rulebook: Rulebook, *, sponsored: bool = False) -> CheckReport:
    """Check a draft post for ``platform`` against every rule in ``rulebook``.

    Raises:
        ValueError: if ``platform`` is not a supported platform name.
    """
    spec = get_platform(platform)
    post = _Post(raw=text, published=tx.strip_markers(text), platform=spec, sponsored=sponsored)
    findings: list[Finding] = []
    seen: set[str] = set()
    for finding in _run_checks(post, rulebook):
        if finding.rule not in seen:
            seen.add(finding.rule)
            findings.append(finding)
    return CheckReport(findings=findings)


def _run_checks(post: _Post, rulebook: Rulebook) -> Iterator[Finding]:
    rules = rulebook.rules
    checks: list[tuple[Any, Callable[[_Post, Any], str | None]]] = [
        *((rule, _banned_terms) for rule in rules.banned_terms),
        *((rule, _preferred_term) for rule in rules.preferred_terms),
        *((rule, _disclosure) for rule in rules.required_disclosures),
        *((rule, _claim) for rule in rules.claims_requiring_review),
    ]
    if rules.hashtags is not None:
        exempt = _disclosure_hashtags(rules.required_disclosures)
        checks.append((rules.hashtags, lambda post, rule: _hashtags(post, rule, exempt)))
    for rule, check in (
        (rules.emoji, _emoji),
        (rules.readability, _readability),
        (rules.links, _links),
    ):
        if rule is not None:
            checks.append((rule, check))
    checks += [(rule, _ACCESSIBILITY[rule.check]) for rule in rules.accessibility]
    for rule, check in checks:
        message = check(post, rule)
        if message:
            yield Finding(rule.id, rule.severity, message, rule.guideline)
    message = _platform_length(post, rulebook)
    if message:
        yield Finding(PLATFORM_LENGTH_RULE_ID, "error", message, PLATFORM_LENGTH_GUIDELINE)


def _quote_list(items: list[str], conjunction: str = "and") -> str:
    quoted = [f'"{item}"' for item in dict.fromkeys(items)]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {conjunction} {quoted[-1]}"


def _with_reason(message: str, reason: str) -> str:
    return f"{message} {reason.strip()}" if reason.strip() else message


# --- Words, disclosures and claims -----------------------------------------------------------


def _banned_terms(post: _Post, rule: BannedTermsRule) -> str | None:
    hits = [hit for term in rule.terms if (hit := tx.find_term(post.raw, term))]
    if not hits:
        return None
    pronoun = "it" if len(set(hits)) == 1 else "them"
    return _with_reason(f"Uses {_quote_list(hits)}; remove or reword {pronoun}.", rule.reason)


def _preferred_term(post: _Post, rule: PreferredTermRule) -> str | None:
    hit = tx.find_term(post.raw, rule.avoid)
    if hit is None:
        return None
    return _with_reason(f'Uses "{hit}"; write "{rule.use}" instead.', rule.reason)


def _disclosure(post: _Post, rule: DisclosureRule) -> str | None:
    markers = _quote_list(rule.any_of, "or")
    if rule.when == "sponsored":
        if not post.sponsored:
            return None
        trigger = "This post is marked sponsored"
    else:
        detected = rule.detect_pattern.search(post.raw) if rule.detect_pattern else None
        if detected is None:
            return None
        article = "an" if rule.when[0].lower() in "aeiou" else "a"
        trigger = f'This is {article} {rule.when} post ("{detected.group(0)}")'
    if rule.position == "start":
        opening = post.published.lstrip()
        if any(_starts_with_marker(opening, marker) for marker in rule.any_of):
            return None
        found = [hit for marker in rule.any_of if (hit := tx.find_term(post.raw, marker))]
        first_word = opening.split(maxsplit=1)[0] if opening else ""
        if found:
            trigger += f", but {_quote_list(found)} is not at the start"
        elif any(first_word.lower().startswith(marker.lower()) for marker in rule.any_of):
            trigger += f', and "{first_word}" is not a disclosure'
        return f"{trigger}. Start the text with {markers}, before any emoji, greeting or hashtag."
    if any(tx.find_term(post.raw, marker) for marker in rule.any_of):
        return None
    add = "Add it" if len(rule.any_of) == 1 else "Add one of them"
    return f"{trigger} but does not say {markers}. {add} to the text."


def _starts_with_marker(text: str, marker: str) -> bool:
    if not text.lower().startswith(marker.lower()):
        return False
    following = text[len(marker) : len(marker) + 1]
    return not (following.isascii() and following.isalnum())


def _claim(post: _Post, rule: ClaimRule) -> str | None:
    hits = [match.group(0) for match in rule.pattern.finditer(post.raw)]
    if not hits:
        return None
    message = f"{_quote_list(hits[:3])} needs legal review before publishing."
    return _with_reason(message, rule.reason) + " Get sign-off or reword it."


def _disclosure_hashtags(rules: list[DisclosureRule]) -> frozenset[str]:
    markers = (marker.lower() for rule in rules for marker in rule.any_of)
    return frozenset(marker for marker in markers if re.fullmatch(r"#[^\W\d_]\w*", marker))


# --- Hashtags, emoji, readability and links --------------------------------------------------


def _hashtags(post: _Post, rule: HashtagRule, exempt: frozenset[str]) -> str | None:
    tags = tx.find_hashtags(post.published)
    counted = [tag for tag in tags if tag.lower() not in exempt]
    limit = rule.max_per_platform.get(post.platform.name, post.platform.hashtag_limit_default)
    problems = []
    if len(counted) > limit:
        not_counted = f" ({', '.join(sorted(exempt))} don't count)" if exempt else ""
        problems.append(
            f"Has {len(counted)} hashtags; {post.platform.label} allows {limit}{not_counted}. "
            f"Remove {len(counted) - limit}."
        )
    if rule.camel_case_multiword:
        fixes = _camel_case_fixes(post, tags, rule.brand_tags)
        if fixes:
            listed = ", ".join(f'"{tag}" as "{fix}"' for tag, fix in fixes.items())
            problems.append(f"Write multi-word hashtags with a capital for each word: {listed}.")
    return " ".join(problems) or None


def _camel_case_fixes(post: _Post, tags: list[str], brand_tags: list[str]) -> dict[str, str]:
    canonical = {tag.lower(): tag for tag in brand_tags}
    prose = tx.remove_links(post.published)
    known = frozenset(word.lower() for word in re.findall(r"(?<![#@\w])[^\W\d_]+", prose))
    fixes = {}
    for tag in dict.fromkeys(tags):
        words = tx.hashtag_words(tag, known)
        if len(words) >= 2 and any(not word[0].isupper() for _, word in words):
            fixes[tag] = canonical.get(tag.lower()) or tx.camel_case_hashtag(tag, known)
    return fixes


def _emoji(post: _Post, rule: EmojiRule) -> str | None:
    found = tx.find_emoji(post.published)
    limit = rule.max_per_post.get(post.platform.name, post.platform.emoji_limit_default)
    if len(found) <= limit:
        return None
    return (
        f"Has {len(found)} emoji ({''.join(found)}); {post.platform.label} allows {limit}. Remove {len(found) - limit}."
    )


def _readability(post: _Post, rule: ReadabilityRule) -> str | None:
    grade = tx.flesch_kincaid_grade(tx.readability_text(post.published))
    if grade is None or grade <= rule.max_grade:
        return None
    return (
        f"Reads at Flesch-Kincaid grade {grade:.1f}; aim for {rule.max_grade:g} or below. "
        "Use shorter sentences and everyday words."
    )


def _links(post: _Post, rule: LinkRule) -> str | None:
    problems = []
    for link in dict.fromkeys(tx.find_links(post.published)):
        parts = urlsplit(link if "://" in link else "https://" + link)
        host = (parts.hostname or "").removeprefix("www.")
        if rule.allowed_domains and host not in rule.allowed_domains:
            allowed = ", ".join(rule.allowed_domains)
            problems.append(f'"{link}" goes to {host or "an unknown site"}; link to {allowed}.')
            continue
        query = parse_qs(parts.query)
        missing = [param for param in rule.utm_params if not query.get(param, [""])[0]]
        if rule.require_utm and missing:
            problems.append(f'"{link}" is missing {", ".join(missing)}; add {", ".join(rule.utm_params)}.')
    return " ".join(problems) or None


# --- Accessibility and length ----------------------------------------------------------------


def _image_alt_text(post: _Post, rule: AccessibilityRule) -> str | None:
    markers = tx.find_markers(post.raw)
    free_alts = [i for i, marker in enumerate(markers) if marker.kind == "alt"]
    missing = []
    for index, marker in enumerate(markers):
        if marker.kind != "image":
            continue
        alt = next((i for i in free_alts if i > index), None)
        if alt is not None:
            free_alts.remove(alt)
        if alt is None or not markers[alt].value:
            missing.append(marker.value or "(unnamed)")
    if not missing:
        return None
    return (
        f"Image {_quote_list(missing)} has no alt text. Follow each [image: ...] with "
        "[alt: ...] describing what is in the picture."
    )


def _no_all_caps(post: _Post, rule: AccessibilityRule) -> str | None:
    words = tx.find_all_caps_words(post.published)
    if not words:
        return None
    return f"Writes {_quote_list(words)} in all capitals; use normal case."


def _no_emoji_only_lines(post: _Post, rule: AccessibilityRule) -> str | None:
    lines = tx.emoji_only_lines(post.published)
    if not lines:
        return None
    return (
        f"The line {_quote_list(lines)} is only emoji, which screen readers read out one by "
        "one. Use a blank line instead."
    )


_ACCESSIBILITY: dict[str, Callable[[_Post, Any], str | None]] = {
    "image_alt_text": _image_alt_text,
    "no_all_caps_words": _no_all_caps,
    "no_emoji_only_lines": _no_emoji_only_lines,
}


def max_chars(platform: str, rulebook: Rulebook) -> int:
    """Return the character limit for a post's text: the brand's setting, else the platform's.

    For platforms whose text is a description (YouTube) the description limit applies.
    """
    spec = get_platform(platform)
    settings = rulebook.platforms.get(spec.name)
    if spec.description_max_chars is not None:
        brand_limit = settings and (settings.description_max_chars or settings.max_chars)
        return brand_limit or spec.description_max_chars
    return (settings and settings.max_chars) or spec.max_chars


def _platform_length(post: _Post, rulebook: Rulebook) -> str | None:
    limit = max_chars(post.platform.name, rulebook)
    length = len(post.published)
    if length <= limit:
        return None
    return f"Is {length} characters; {post.platform.label} allows {limit}. Cut at least {length - limit}."
