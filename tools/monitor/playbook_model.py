"""The crisis playbook's data model, vocabulary and defaults, shared by its loader and its two parsers."""

from __future__ import annotations

import re
from dataclasses import dataclass

CRISIS_TYPES = ("product_safety", "reputation", "legal", "outage", "data_privacy", "service_surge")
PAUSE_SCOPES = ("all", "affected", "post")  # every channel / the affected channels and products / the one post
PARTS = ("severities", "types", "chain", "notify", "pause", "resume", "principles", "examples")
SOURCE_YAML, SOURCE_MD, SOURCE_DEFAULT = "brand.yaml crisis:", "crisis-playbook.md", "defaults"


class PlaybookError(ValueError):
    """The pack's crisis playbook can't be read; the message names the file, the field and what is allowed."""


@dataclass(frozen=True)
class Severity:
    """One level, most severe first in a playbook; numbers are the thresholds the playbook states, if any."""

    name: str  # normalised to "SEV1".."SEV9" whether the text says SEV1, Sev-1, Level 1 or P1
    label: str  # "critical", "major", "minor"
    definition: str = ""
    negative_per_hour: int | None = None
    negative_per_day: int | None = None
    orders_affected: int | None = None
    targets: tuple[tuple[str, str], ...] = ()  # response-time rows, e.g. ("First public acknowledgement", "1 hour")


@dataclass(frozen=True)
class Role:
    """A person or function in the playbook, by slug ("head_of_comms"), with the display title and name given."""

    slug: str
    title: str
    person: str | None = None
    duty: str = ""


@dataclass(frozen=True)
class Rule:
    """When a role must approve (or be told about) a response: always, or for the listed severities or types."""

    role: str
    severities: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    always: bool = False
    within_minutes: int | None = None  # for notifications: how soon

    def applies(self, crisis_type: str, severity: str) -> bool:
        """Whether the rule covers a crisis of this type and severity."""
        return self.always or severity in self.severities or crisis_type in self.types


@dataclass(frozen=True)
class TypeDefault:
    """The default severity of a crisis type, who leads it, and the playbook's notes on it."""

    crisis_type: str
    severity: str
    lead: str | None = None
    heading: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Pause:
    """What to pause at one severity: a scope from PAUSE_SCOPES and the playbook's own words."""

    scope: str
    text: str = ""


@dataclass(frozen=True)
class CrisisPlaybook:
    """A brand's crisis playbook; each part comes from brand.yaml `crisis:`, crisis-playbook.md or the defaults."""

    severities: tuple[Severity, ...]
    types: dict[str, TypeDefault]
    chain: tuple[Role, ...]  # the escalation chain, in order
    approvals: tuple[Rule, ...]  # in chain order
    notify: tuple[Rule, ...]
    pause: dict[str, Pause]
    resume: dict[str, str]
    principles: tuple[str, ...]
    examples: dict[str, str]  # crisis type -> example holding statement
    roles: dict[str, Role]  # every role named anywhere, by slug
    source: str  # SOURCE_YAML if brand.yaml has a crisis section, else SOURCE_MD if the playbook file helped
    sources: dict[str, str]  # part (see PARTS) -> where it came from
    gaps: tuple[str, ...]  # parts, or "types.<type>", filled from the defaults

    def severity(self, name: str) -> Severity:
        """The level called `name` (KeyError naming the known levels otherwise)."""
        for level in self.severities:
            if level.name == name:
                return level
        raise KeyError(f"{name!r} is not a severity of this playbook; known: {', '.join(self.levels)}")

    @property
    def levels(self) -> tuple[str, ...]:
        """Severity names, most severe first."""
        return tuple(level.name for level in self.severities)

    def approvers(self, crisis_type: str, severity: str) -> tuple[Role, ...]:
        """Who must approve a public response, in chain order."""
        return tuple(self.roles[rule.role] for rule in self.approvals if rule.applies(crisis_type, severity))

    def notified(self, crisis_type: str, severity: str) -> tuple[tuple[Role, int | None], ...]:
        """Who must be told, with the deadline in minutes when the playbook gives one."""
        rules = [rule for rule in self.notify if rule.applies(crisis_type, severity)]
        return tuple((self.roles[rule.role], rule.within_minutes) for rule in rules)


# Role slugs: the first alias found in a title or sentence names the role; anything else is slugified.
ROLE_ALIASES = {
    "community_manager": r"community manager",
    "social_lead": r"social(?: media)? (?:lead|manager)|head of social",
    "head_of_comms": r"head of comm(?:unication)?s|comm(?:unication)?s (?:director|lead)|pr lead",
    "legal": r"legal(?: counsel)?|general counsel|lawyer",
    "ceo": r"\bceo\b|chief executive",
    "head_of_operations": r"head of operations|operations lead",
    "head_of_production": r"head of production",
    "head_of_ecommerce": r"head of e-?commerce|e-?commerce lead",
    "customer_service_lead": r"customer (?:experience|care|service|support) (?:lead|manager)",
    "data_protection_lead": r"data protection (?:lead|officer)|\bdpo\b|privacy lead",
    "creator_partnerships": r"creator partnerships? (?:manager|lead)",
}
TYPE_WORDS = {  # checked in this order; the first match names a heading's type
    "data_privacy": r"privacy|data protection|breach|personal data|security",
    "legal": r"\blegal\b|regulat|lawsuit|lawyer",
    "service_surge": r"surge|customer (?:care|service|experience|support)|\bservice\b",
    "outage": r"outage|technical|e-?commerce|\bshop\b|checkout|billing",
    "product_safety": r"product|safety|recall|fire|burn|glass|injur",
    "reputation": r"reputation|\bpr\b|creator|partner|viral|controvers",
}
_SEV = re.compile(r"\b(?:sev(?:erity)?|level|p)\s*-?\s*([1-9])\b", re.I)

DEFAULT_SEVERITIES = (
    Severity("SEV1", "critical", "Risk of harm, a data breach, legal or regulator contact, or national spread."),
    Severity("SEV2", "major", "Many customers or the brand's reputation affected, with no risk of harm."),
    Severity("SEV3", "minor", "A contained issue with limited reach."),
)
DEFAULT_TYPE_SEVERITY = {
    "product_safety": "SEV1",
    "reputation": "SEV2",
    "legal": "SEV1",
    "outage": "SEV2",
    "data_privacy": "SEV1",
    "service_surge": "SEV3",
}
DEFAULT_CHAIN = (
    Role("social_lead", "Social lead", duty="Confirms the severity, pauses posts and drafts the holding statement."),
    Role("head_of_comms", "Head of Communications", duty="Approves public statements for SEV1 and SEV2."),
    Role("legal", "Legal counsel", duty="Approves statements on safety, legal and privacy issues, and all SEV1."),
    Role("ceo", "CEO", duty="Is told within 30 minutes of any SEV1."),
)
DEFAULT_APPROVALS = (
    Rule("social_lead", always=True),
    Rule("head_of_comms", severities=("SEV1", "SEV2")),
    Rule("legal", severities=("SEV1",), types=("product_safety", "legal", "data_privacy")),
)
DEFAULT_NOTIFY = (Rule("ceo", severities=("SEV1",), within_minutes=30),)
DEFAULT_PAUSE = {"SEV1": Pause("all"), "SEV2": Pause("affected"), "SEV3": Pause("post")}
DEFAULT_RESUME = {
    "SEV1": "When the head of communications and legal agree it is contained and a closing update is posted.",
    "SEV2": "Once the fix is confirmed, a closing update is posted and the head of communications approves.",
    "SEV3": "As soon as the corrected post is live.",
}
DEFAULT_PRINCIPLES = (
    "Acknowledge the problem in plain words in the first sentence.",
    "Show care for the people affected, without drama.",
    "State only confirmed facts; no guessing about causes, numbers or blame.",
    "Say what we are doing now and what customers should do, if anything.",
    "Give the time of the next update, and keep that promise.",
    "Point to one place for updates.",
    "No emoji, jokes, hashtags or marketing.",
)
DEFAULT_EXAMPLES = {
    "product_safety": "We've had reports of a problem with [product]. Please stop using it for now. "
    "We've paused sales while we look into it and will refund every affected order. Next update by [time].",
    "outage": "Our shop is having trouble taking orders and some of you have seen errors. We're working on it "
    "and you won't be charged twice. We'll post an update within two hours.",
    "data_privacy": "We're looking into a security issue that may have affected some customer information. "
    "We'll contact anyone affected directly and never ask for a password. Next update by [time].",
}


def role_slug(title: str) -> str:
    """The slug of a role title: the first alias in `ROLE_ALIASES` found in it, else the title slugified."""
    for slug, pattern in ROLE_ALIASES.items():
        if re.search(pattern, title, re.I):
            return slug
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_") or "unknown"


def role_title(slug: str) -> str:
    """The display title of a role slug: the default chain's title for it, else the slug in words."""
    known = {role.slug: role.title for role in DEFAULT_CHAIN}
    return known.get(slug, slug.replace("_", " ").capitalize())


def types_in(text: str) -> tuple[str, ...]:
    """The crisis types whose `TYPE_WORDS` occur in the text, in `TYPE_WORDS` order."""
    return tuple(kind for kind, pattern in TYPE_WORDS.items() if re.search(pattern, text, re.I))


def levels_in(text: str) -> tuple[str, ...]:
    """The severity levels named in the text ("SEV1", "Sev-2", "Level 3", "P1"), normalised and deduplicated."""
    return tuple(dict.fromkeys(f"SEV{digit}" for digit in _SEV.findall(text)))
