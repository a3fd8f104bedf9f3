"""Deterministic brand-compliance checks of one draft post against a brand rulebook."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Any, Literal
from urllib.parse import parse_qs

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
FindingKind = Literal["rule", "judgement"]


@dataclass(frozen=True)
class Finding:
    """One finding: the rule id, how bad it is, what is wrong, where, how to fix it and the guideline section.

    ``span`` is the offending text exactly as it appears in the draft, or None when no single
    piece of text is at fault (a missing disclosure, readability, length). ``kind`` says whether
    a deterministic rule or a model's judgement produced the finding.
    """

    rule: str
    severity: Severity
    message: str
    guideline: str
    span: str | None
    fix: str
    kind: FindingKind = "rule"

    def to_dict(self) -> dict[str, str | None]:
        """Return the finding as a JSON-ready dict."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "kind": self.kind,
            "message": self.message,
            "span": self.span,
            "fix": self.fix,
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
class _Hit:
    """What one check found: the message, the offending text as written (if any) and the fix."""

    message: str
    span: str | None
    fix: str


@dataclass(frozen=True)
class _Post:
    """A draft prepared once for all checks."""

    raw: str
    published: str
    platform: PlatformSpec
    sponsored: bool

    @cached_property
    def folded(self) -> str:
        """``raw`` case-folded, to skip the searches for terms and patterns it cannot hold."""
        return tx.fold_case(self.raw)


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
    checks: list[tuple[Any, Callable[[_Post, Any], _Hit | None]]] = [
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
        hit = check(post, rule)
        if hit:
            yield Finding(
                rule.id, rule.severity, hit.message, rulebook.cite(rule.guideline), span=hit.span, fix=hit.fix
            )
    hit = _platform_length(post, rulebook)
    if hit:
        guideline = rulebook.cite(PLATFORM_LENGTH_GUIDELINE, post.platform.label)
        yield Finding(PLATFORM_LENGTH_RULE_ID, "error", hit.message, guideline, span=hit.span, fix=hit.fix)


def _quote_list(items: list[str], conjunction: str = "and") -> str:
    quoted = [f'"{item}"' for item in dict.fromkeys(items)]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {conjunction} {quoted[-1]}"


def _with_reason(message: str, reason: str) -> str:
    return f"{message} {reason.strip()}" if reason.strip() else message


# --- Words, disclosures and claims -----------------------------------------------------------


def _banned_terms(post: _Post, rule: BannedTermsRule) -> _Hit | None:
    if not tx.has_any_term(post.raw, tuple(rule.terms), folded=post.folded):  # the usual case, in one pass
        return None
    hits = [hit for term in rule.terms if (hit := tx.find_term(post.raw, term, folded=post.folded))]
    if not hits:
        return None
    pronoun = "it" if len(set(hits)) == 1 else "them"
    message = _with_reason(f"Uses {_quote_list(hits)}; remove or reword {pronoun}.", rule.reason)
    return _Hit(message, span=hits[0], fix=f"remove or reword {_quote_list(hits)}")


def _preferred_term(post: _Post, rule: PreferredTermRule) -> _Hit | None:
    hit = tx.find_term(post.raw, rule.avoid, folded=post.folded)
    if hit is None:
        return None
    fix = f'write "{rule.use}" instead'
    return _Hit(_with_reason(f'Uses "{hit}"; {fix}.', rule.reason), span=hit, fix=fix)


def _disclosure(post: _Post, rule: DisclosureRule) -> _Hit | None:
    markers = _quote_list(rule.any_of, "or")
    if rule.when == "sponsored":
        if not post.sponsored:
            return None
        trigger = "This post is marked sponsored"
    else:
        pattern = rule.detect_pattern
        detected = pattern.search(post.raw) if pattern and tx.may_match(pattern, post.folded) else None
        if detected is None:
            return None
        article = "an" if rule.when[0].lower() in "aeiou" else "a"
        trigger = f'This is {article} {rule.when} post ("{detected.group(0)}")'
    if rule.position == "start":
        opening = post.published.lstrip()
        if any(_starts_with_marker(opening, marker) for marker in rule.any_of):
            return None
        found = [hit for marker in rule.any_of if (hit := tx.find_term(post.raw, marker, folded=post.folded))]
        first_word = opening.split(maxsplit=1)[0] if opening else ""
        span, fix = None, f'start the post with "{rule.any_of[0]}"'
        if found:
            trigger += f", but {_quote_list(found)} is not at the start"
            span, fix = found[0], f'move "{found[0]}" to the very start of the post'
        elif any(first_word.lower().startswith(marker.lower()) for marker in rule.any_of):
            trigger += f', and "{first_word}" is not a disclosure'
        message = f"{trigger}. Start the text with {markers}, before any emoji, greeting or hashtag."
        return _Hit(message, span=span, fix=fix)
    if any(tx.find_term(post.raw, marker, folded=post.folded) for marker in rule.any_of):
        return None
    add = "Add it" if len(rule.any_of) == 1 else "Add one of them"
    return _Hit(
        f"{trigger} but does not say {markers}. {add} to the text.", span=None, fix=f"add {markers} to the text"
    )


def _starts_with_marker(text: str, marker: str) -> bool:
    if not text.lower().startswith(marker.lower()):
        return False
    following = text[len(marker) : len(marker) + 1]
    return not (following.isascii() and following.isalnum())


def _claim(post: _Post, rule: ClaimRule) -> _Hit | None:
    if not tx.may_match(rule.pattern, post.folded):  # the usual case, at a fraction of a search's cost
        return None
    hits = [match.group(0) for match in rule.pattern.finditer(post.raw)]
    if not hits:
        return None
    message = f"{_quote_list(hits[:3])} needs legal review before publishing."
    message = _with_reason(message, rule.reason) + " Get sign-off or reword it."
    return _Hit(message, span=hits[0], fix=f'get legal sign-off for "{hits[0]}" or reword it without the claim')


_HASHTAG_WORD = re.compile(r"#[^\W\d_]\w*")
_PROSE_WORD = re.compile(r"(?<![#@\w])[^\W\d_]+")


def _disclosure_hashtags(rules: list[DisclosureRule]) -> frozenset[str]:
    return _hashtag_markers(tuple(marker for rule in rules for marker in rule.any_of))


@lru_cache(maxsize=64)
def _hashtag_markers(markers: tuple[str, ...]) -> frozenset[str]:
    lowered = (marker.lower() for marker in markers)
    return frozenset(marker for marker in lowered if _HASHTAG_WORD.fullmatch(marker))


# --- Hashtags, emoji, readability and links --------------------------------------------------


def _hashtags(post: _Post, rule: HashtagRule, exempt: frozenset[str]) -> _Hit | None:
    tags = tx.find_hashtags(post.published)
    counted = [tag for tag in tags if tag.lower() not in exempt]
    limit = rule.max_per_platform.get(post.platform.name, post.platform.hashtag_limit_default)
    problems, spans, fixes = [], [], []
    if len(counted) > limit:
        extra = len(counted) - limit
        not_counted = f" ({', '.join(sorted(exempt))} don't count)" if exempt else ""
        problems.append(
            f"Has {len(counted)} hashtags; {post.platform.label} allows {limit}{not_counted}. Remove {extra}."
        )
        spans.append(counted[limit])
        fixes.append(f"remove {extra} hashtag{'s' if extra > 1 else ''}")
    if rule.camel_case_multiword and tags:
        renames = _camel_case_fixes(post, tags, rule.brand_tags)
        if renames:
            listed = ", ".join(f'"{tag}" as "{fix}"' for tag, fix in renames.items())
            problems.append(f"Write multi-word hashtags with a capital for each word: {listed}.")
            first, *rest = renames.items()
            spans.append(first[0])
            fixes.append(f"write it as {first[1]}" if not rest else f"write {listed}")
    if not problems:
        return None
    return _Hit(" ".join(problems), span=spans[0], fix="; ".join(fixes))


class _ProseWords:
    """The lowercased words of a post outside links, hashtags and mentions, found at the first lookup.

    Most hashtags split into words of the word list without looking here.
    """

    def __init__(self, published: str) -> None:
        self._published = published

    @cached_property
    def _words(self) -> frozenset[str]:
        return frozenset(word.lower() for word in _PROSE_WORD.findall(tx.remove_links(self._published)))

    def __contains__(self, word: object) -> bool:
        return word in self._words


def _camel_case_fixes(post: _Post, tags: list[str], brand_tags: list[str]) -> dict[str, str]:
    canonical = {tag.lower(): tag for tag in brand_tags}
    known = _ProseWords(post.published)
    fixes = {}
    for tag in dict.fromkeys(tags):
        words = tx.hashtag_words(tag, known)
        if len(words) >= 2 and any(not word[0].isupper() for _, word in words):
            fixes[tag] = canonical.get(tag.lower()) or tx.camel_case_hashtag(tag, known)
    return fixes


def _emoji(post: _Post, rule: EmojiRule) -> _Hit | None:
    found = tx.find_emoji(post.published)
    limit = rule.max_per_post.get(post.platform.name, post.platform.emoji_limit_default)
    if len(found) <= limit:
        return None
    extra = len(found) - limit
    message = f"Has {len(found)} emoji ({''.join(found)}); {post.platform.label} allows {limit}. Remove {extra}."
    return _Hit(message, span=found[limit], fix=f"remove {extra} emoji")


def _readability(post: _Post, rule: ReadabilityRule) -> _Hit | None:
    grade = tx.flesch_kincaid_grade(tx.readability_text(post.published))
    if grade is None or grade <= rule.max_grade:
        return None
    message = (
        f"Reads at Flesch-Kincaid grade {grade:.1f}; aim for {rule.max_grade:g} or below. "
        "Use shorter sentences and everyday words."
    )
    return _Hit(message, span=None, fix="split long sentences and swap long words for everyday ones")


def _links(post: _Post, rule: LinkRule) -> _Hit | None:
    problems: list[tuple[str, str, str]] = []  # (link, message, fix)
    for link in dict.fromkeys(tx.find_links(post.published)):
        parts = tx.split_link(link if "://" in link else "https://" + link)
        if parts is None:
            message = f'"{link}" is not a valid web address; fix or remove it.'
            problems.append((link, message, "fix or remove the broken link"))
            continue
        host = (parts.hostname or "").removeprefix("www.")
        if rule.allowed_domains and host not in rule.allowed_domains:
            allowed = ", ".join(rule.allowed_domains)
            message = f'"{link}" goes to {host or "an unknown site"}; link to {allowed}.'
            problems.append((link, message, f"link to {_quote_list(rule.allowed_domains, 'or')} instead"))
            continue
        values = _query_values(parts.query)
        missing = [param for param in rule.utm_params if not values.get(param)]
        if rule.require_utm and missing:
            message = f'"{link}" is missing {", ".join(missing)}; add {", ".join(rule.utm_params)}.'
            problems.append((link, message, f"add {', '.join(missing)} to the link"))
    if not problems:
        return None
    fixes = dict.fromkeys(fix for _, _, fix in problems)
    return _Hit(" ".join(message for _, message, _ in problems), span=problems[0][0], fix="; ".join(fixes))


@lru_cache(maxsize=256)
def _query_values(query: str) -> Mapping[str, str]:
    """The first value of each parameter of a link's query (blank ones left out, as ``parse_qs`` does)."""
    return MappingProxyType({name: values[0] for name, values in parse_qs(query).items()})


# --- Accessibility and length ----------------------------------------------------------------


def _image_alt_text(post: _Post, rule: AccessibilityRule) -> _Hit | None:
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
            missing.append(marker)
    if not missing:
        return None
    message = (
        f"Image {_quote_list([marker.value or '(unnamed)' for marker in missing])} has no alt text. "
        "Follow each [image: ...] with [alt: ...] describing what is in the picture."
    )
    # A marker runs from its "[" to the first "]" (markers hold no "]" or line break).
    start = missing[0].start
    span = post.raw[start : post.raw.index("]", start) + 1]
    return _Hit(message, span=span, fix=f'add "[alt: what the picture shows]" right after "{span}"')


def _no_all_caps(post: _Post, rule: AccessibilityRule) -> _Hit | None:
    words = tx.find_all_caps_words(post.published)
    if not words:
        return None
    normal = _quote_list([word.capitalize() for word in words])
    fix = f"write it as {normal}" if len(set(words)) == 1 else f"write them as {normal}"
    return _Hit(f"Writes {_quote_list(words)} in all capitals; use normal case.", span=words[0], fix=fix)


def _no_emoji_only_lines(post: _Post, rule: AccessibilityRule) -> _Hit | None:
    lines = tx.emoji_only_lines(post.published)
    if not lines:
        return None
    message = (
        f"The line {_quote_list(lines)} is only emoji, which screen readers read out one by "
        "one. Use a blank line instead."
    )
    return _Hit(message, span=lines[0], fix="replace the emoji-only line with a blank line")


_ACCESSIBILITY: dict[str, Callable[[_Post, Any], _Hit | None]] = {
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


def _platform_length(post: _Post, rulebook: Rulebook) -> _Hit | None:
    limit = max_chars(post.platform.name, rulebook)
    length = len(post.published)
    if length <= limit:
        return None
    extra = length - limit
    message = f"Is {length} characters; {post.platform.label} allows {limit}. Cut at least {extra}."
    return _Hit(message, span=None, fix=f"cut at least {extra} character{'s' if extra > 1 else ''}")
