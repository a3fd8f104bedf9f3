"""Read a campaign to create, or changes to one, from a marketer's chat message: name, objective, budget, KPIs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from tools.analytics.asks import _money_amounts, _names, _value, money
from tools.analytics.kpis import OBJECTIVE_KPIS
from tools.content.periods import PeriodError, period_in

PLATFORMS = ("x", "linkedin", "instagram", "facebook", "tiktok", "youtube")
_CREATE = re.compile(
    r"\b(?:create|set\s*up|setup|add|make|open|spin\s+up|start|launch|kick\s*off|plan)\b.{0,60}?\bcampaign\b"
    r"|\bcampaign\b.{0,20}?\b(?:called|named|titled)\b|\bnew\b.{0,30}?\bcampaign\s+(?:called|named|titled|[\"“'‘])",
    re.I | re.S,
)
_EXPLICIT_CREATE = re.compile(r"\b(?:create|set\s*up|setup|add|make|open|spin\s+up|new)\b", re.I)
_STOP = (
    r"(?=\s*(?:[,:;.!?()\[\]]|\s-\s|$)|\s+(?:for|with|from|on|to|running|starting|that|which|in|at|budget\w*|target"
    r"\w*|objective|aim\w*|goal\w*|and|ending|until|through|between|over|across|focus\w*)\b)"
)
_QUOTED = r"(?:^|(?<=[\s(:]))[\"“'‘](?P<q>[^\"“”'‘’\n]{2,80})[\"”'’](?![^\W\d_])"  # "Winter Sale", not Mom's'
_CALLED = r"\b(?:called|named|titled|name\s+it|call\s+it)\s+(?P<n>.{2,80}?)"
_NAME = re.compile(rf"{_QUOTED}|{_CALLED}{_STOP}", re.I)
_OBJECTIVE_WORDS = {  # objective: how people say it
    "awareness": r"awareness|brand\s+awareness|reach|visibility|brand[- ]building",
    "engagement": r"engagement|community",
    "traffic": r"traffic|site\s+visits|website\s+visits|clicks?",
    "leads": r"leads?|lead[- ]gen\w*|sign[- ]?ups?|signups|registrations",
    "sales": r"sales|revenue|conversions?|purchases|orders|e-?commerce",
}
_OBJ_ANY = "|".join(_OBJECTIVE_WORDS.values())
_OBJECTIVE = re.compile(
    rf"\b(?:objective|goal|aim|focus)\s*(?:is|:|=|of|on)?\s*(?:to\s+(?:drive|get|grow|build|raise|boost)\s+)?"
    rf"(?P<a>{_OBJ_ANY})\b|\b(?P<b>{_OBJ_ANY})\s+(?:campaign|objective|push|drive)\b"
    rf"|\bfor\s+(?P<c>{_OBJ_ANY})\b(?!\s+(?:target|goal|of|at|to|=))|\b(?:to\s+)?(?:drive|get|grow|boost)\s+(?P<d>{_OBJ_ANY})\b"
    r"|(?:^|[-–—:,;(]\s*)(?P<e>awareness|engagement|traffic|leads|lead\s+gen\w*|sales)\s*(?=[,;)]|$)",  # "- awareness,"
    re.I,
)
_KPI_WORDS = {  # KPI: how people say it (longer names first: "engagement rate" before "engagements")
    "engagement_rate": r"engagement\s+rates?",
    "conversion_rate": r"conversion\s+rates?|cvr",
    "ctr": r"ctr|click[- ]?through(?:\s+rates?)?",
    "cpa": r"cpa|cost\s+per\s+(?:acquisition|conversion|lead|sign[- ]?up)",
    "roas": r"roas|return\s+on\s+ad\s+spend",
    "roi": r"roi|return\s+on\s+investment",
    "revenue": r"revenue|sales\s+revenue|sales",
    "conversions": r"conversions?|leads?|sign[- ]?ups?|signups|purchases|orders",
    "clicks": r"clicks?",
    "impressions": r"impressions?",
    "engagements": r"engagements?",
}
_RATES = frozenset({"engagement_rate", "conversion_rate", "ctr", "roi"})
_VALUE = r"(?P<v>[$€£]?\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|mil|million|thousand|grand)\b)?\s?(?:%|x\b|percent\b)?)"
_CUE = (
    r"(?:\s+(?:target|goal|kpi)s?)?\s*"
    r"(?:of|to|at|=|:|>=|<=|≥|≤|under|below|above|over|at\s+least|at\s+most|is|around)?\s*"
)
_KPI_PATTERNS = [
    (metric, re.compile(p, re.I))
    for metric, words in _KPI_WORDS.items()
    for p in (
        rf"\b(?:{words})\b{_CUE}{_VALUE}",
        rf"{_VALUE}\s+(?:in\s+|of\s+|worth\s+of\s+)?(?:{words})\b",
        rf"\b(?:target|goal)\s+(?:of\s+)?{_VALUE}\s+(?:in\s+|of\s+)?(?:{words})\b",
    )
]
_BUDGETS = [
    re.compile(p, re.I)
    for p in (
        rf"\bbudget\w*\s*(?:of|:|=|is|at|to|around|about)?\s*{_VALUE}",
        rf"{_VALUE}\s+(?:total\s+|overall\s+|media\s+|ad\s+)?budget\b",
        rf"\bspend(?:ing)?\s+(?:of|up\s+to|about|around)\s+{_VALUE}",
    )
]
_END_WORDS = re.compile(r"\b(?:end\w*|until|till|through|thru|finish\w*|extend\w*|wrap\w*|close\w*|last\s+day)\b", re.I)
_START_WORDS = re.compile(r"\b(?:start\w*|begin\w*|kick\w*\s*off|launch\w*|go[- ]live|first\s+day|from)\b", re.I)
_CHANGE = re.compile(
    r"\b(?:set|change|update|raise|increase|lower|reduce|cut|bump|move|extend|shorten|make|adjust|add|put|push"
    r"|bring)\b",
    re.I,
)


_IMPLIED = ("sales", "leads", "traffic", "engagement", "awareness")  # the objective a KPI target implies, first match


_PLAN_CHANGE = re.compile(
    r"\b(?:set|change|update|raise|increase|lower|reduce|cut|bump|extend|shorten|adjust|move|push)\b.{0,80}?"
    r"\b(?:budget|target|goal|kpis?|roas|cpa|ctr|end(?:s|\s+date)?|start(?:s|\s+date)?|until|through|dates?|deadline)\b"
    r"|\b(?:budget|target|goal|kpis?|end\s+date|start\s+date)\b.{0,80}?\b(?:to|by|until)\b",
    re.I | re.S,
)


class CampaignAskError(ValueError):
    """What in the message can't be read as asked; the message says how to write it."""


@dataclass(frozen=True)
class CampaignAsk:
    """What a message says about a campaign; None / empty for what it doesn't say."""

    name: str | None = None
    objective: str | None = None
    budget: float | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    channels: tuple[str, ...] = ()
    kpis: dict[str, float] = field(default_factory=dict)

    @property
    def changes_anything(self) -> bool:
        """Whether it names anything to set on a campaign (besides its name)."""
        return any((self.budget is not None, self.starts_on, self.ends_on, self.channels, self.kpis))


def wants_new_campaign(text: str, *, names_existing: bool) -> bool:
    """Whether the message asks to create a campaign ("start"/"launch" only when it names no existing one)."""
    if not _CREATE.search(text):
        return False
    return not names_existing or bool(_EXPLICIT_CREATE.search(text))


def plan_change_cue(text: str) -> bool:
    """Whether the message asks to change a plan's budget, targets or dates ("raise the X budget to 25k")."""
    return _PLAN_CHANGE.search(text) is not None


def wants_change(text: str) -> bool:
    """Whether the message asks to change something of a campaign it names."""
    return _CHANGE.search(text) is not None


def campaign_ask(text: str, today: date, *, without: str = "") -> CampaignAsk:
    """The campaign details in `text` (with `without`, e.g. an existing campaign's name, taken out first).

    Raises CampaignAskError for dates that can't be (a period already over, an end before the start).
    """
    body = _blank(text, without) if without else text
    name = _name(body) if not without else None
    rest = _blank(body, name) if name else body
    budget, rest = _budget(rest)
    kpis = _kpis(rest)
    if budget is None and not without:  # "create 'Ride Further', 8 weeks, 45k": the one amount left is the budget
        budget = _lone_amount(rest, kpis)
    starts_on, ends_on = _dates(rest, today)
    channels = tuple(c for c in _names(rest) if c in PLATFORMS)
    implied = (o for o in _IMPLIED for m in kpis if m in OBJECTIVE_KPIS[o])  # revenue or ROAS targets: a sales campaign
    objective = _objective(rest) or next(implied, None)
    return CampaignAsk(name, objective, budget, starts_on, ends_on, channels, kpis)


def _blank(text: str, part: str) -> str:
    """`text` with `part` (any case) replaced by spaces, so its words and numbers are not read again."""
    return re.sub(re.escape(part), lambda m: " " * len(m.group()), text, flags=re.I)


def _name(text: str) -> str | None:
    match = _NAME.search(text)
    if match is None:
        return None
    name = " ".join((match.group("q") or match.group("n")).split()).strip(" .,:;!?")
    return name or None


def _objective(text: str) -> str | None:
    for match in _OBJECTIVE.finditer(text):
        word = next(g for g in match.groups() if g)
        return next(o for o, p in _OBJECTIVE_WORDS.items() if re.fullmatch(p, word, re.I))
    return None


def _number(raw: str, *, rate: bool) -> float | None:
    """A KPI target as written: money and scales ("$60k"), percentages for rates ("2%" -> 0.02), "3x"."""
    cleaned = raw.strip().lower()
    percent = cleaned.endswith(("%", "percent"))
    cleaned = re.sub(r"(?:%|percent|x)$", "", cleaned).strip()
    value = money(cleaned) if re.search(r"[a-z$€£]", cleaned) else None
    if value is None:
        try:
            value = float(cleaned.replace(",", "").lstrip("$€£").strip())
        except ValueError:
            return None
    if percent or (rate and value > 1):
        value /= 100
    return value if value > 0 else None


def _kpis(text: str) -> dict[str, float]:
    found: dict[str, float] = {}
    taken: list[tuple[int, int]] = []
    for metric, pattern in _KPI_PATTERNS:
        for match in pattern.finditer(text):
            if metric in found or any(a < match.end() and match.start() < b for a, b in taken):
                continue
            value = _number(match.group("v"), rate=metric in _RATES)
            if value is not None:
                found[metric] = value
                taken.append(match.span())
    return found


def _budget(text: str) -> tuple[float | None, str]:
    """The budget the text gives, and the text without it (so its amount is not read as a KPI target)."""
    for pattern in _BUDGETS:
        match = pattern.search(text)
        if match is not None and (value := money(match.group("v"))) is not None:
            return value, _blank(text, match.group())
    return None, text


def _lone_amount(text: str, kpis: dict[str, float]) -> float | None:
    """The one amount written like money ("$45k", "45k") that is not a KPI target, else the one bare amount."""
    found = [(float(_value(m)), marked) for m, marked in _money_amounts(text)]
    found = [(amount, marked) for amount, marked in found if amount not in kpis.values()]
    marked = [amount for amount, is_money in found if is_money]  # "$45k", "45k": written like money
    if marked:
        return marked[0] if len(marked) == 1 else None
    return found[0][0] if len(found) == 1 else None


def _dates(text: str, today: date) -> tuple[date | None, date | None]:
    try:
        period = period_in(text, today, max_days=366)
    except PeriodError as error:
        raise CampaignAskError(str(error)) from None
    if not period.stated:
        return None, None
    if period.start != period.end:
        return period.start, period.end
    if _END_WORDS.search(text) and not _START_WORDS.search(text):
        return None, period.end
    return period.start, None
