"""Read the numbers in a marketer's chat message: budget splits, A/B counts, test-planning asks and report periods."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

_SCALES = {"k": 1000, "grand": 1000, "thousand": 1000, "m": 10**6, "mil": 10**6, "million": 10**6}
_CURRENCIES = {"$": "$", "usd": "$", "€": "€", "eur": "€", "£": "£", "gbp": "£"}
_AMT = (  # one amount, in named groups: "$20k", "15,000", "£8.5k", "20 grand", "EUR 1.2m", "5000 usd"
    r"(?<![\w.,])(?:(?P<sym>[$€£]|\b(?:usd|eur|gbp)\b)\s?)?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?:\s?(?P<scale>k|m|mil|grand|thousand|million)\b)?(?:\s?(?P<code>usd|eur|gbp)\b)?(?![.,]?\d|[^\W\d_]|\s*(?:%|percent))"
)
_AMOUNT = re.compile(_AMT, re.I)
_COUNTED = re.compile(  # an amount followed by one of these counts something other than money
    r"\s*(?:followers|fans|subs\w*|views|impressions|visit\w*|users|people|clicks|likes|shares|comments|leads|sign-?ups"
    r"|conversions|sales|orders|posts|opens|emails|installs|customers|days?|weeks?|months?|years?|hours?|times|x)\b",
    re.I,
)
_PAST = re.compile(r"\b(?:spent|was|were|cost|made|earned|generated|did)\b\W+(?:\w+\W+)?$", re.I)
_TOTAL_CUE = re.compile(
    r"\b(?:split|allocat\w*|divid\w*|distribut\w*|spread|invest\w*|budget\w*|left|remaining|leftover|next|extra|put"
    r"|where\s+(?:should|do|would|to|can)|how\s+(?:should|would|do|to|best|can)|(?:can|could|to|will|should)\s+spend)\b",
    re.I,
)
_CHANNELS = {  # normalised name -> how people write it; "meta" is facebook and instagram together
    "x": r"x(?!-)|twitter|twiter",
    "linkedin": r"linked[\s-]?in|linkdin|linkedn|li",
    "instagram": r"insta(?:gram)?|instagr[ao]m|instgram|ig",
    "facebook": r"face[\s-]?book|facebok|fb",
    "tiktok": r"tik[\s-]?tok|tiktoc|tt",
    "youtube": r"you[\s-]?tube|yt",
    "email": r"e-?mails?|newsletters?",
    "search": r"google(?:\s+ads)?|adwords|paid\s+search|search(?:\s+ads)?|sem|ppc|bing(?:\s+ads)?",
    "meta": r"meta(?:\s+ads)?",
}
_CH_ANY = r"\b(?:" + "|".join(_CHANNELS.values()) + r")\b"
_CH_MORE = rf"(?:(?:\s*,\s*(?:the\s+)?{_CH_ANY})*,?\s*(?:and|&|/|\+|or)\s*(?:the\s+)?{_CH_ANY})?"  # "ig, fb and tt"
_CH = rf"(?:the\s+)?(?P<ch>{_CH_ANY}{_CH_MORE})"
_CUE = (  # a bound written before its amount; "over"/"under" flip with a negation ("don't spend over 4k" is a cap)
    r"(?P<cue>at\s+least|at\s+most|min(?:imum)?|max(?:imum)?|cap(?:ped)?|limit(?:ed)?|floor|up\s+to|tops|>=|≥|<=|≤"
    r"|(?:(?:no|not|never|don'?t|do\s+not|shouldn'?t)\s+(?:\w+\s+){0,2}?)?(?:over|above|more\s+than|exceed\w*|under"
    r"|below|less\s+than))(?!\w)"
)
_CUE_AFTER = r"(?P<cue>min(?:imum)?|max(?:imum)?|cap|tops|at\s+(?:most|least)|or\s+(?:more|less|under|over))\b"
_TO, _ON = r"\s*(?:of|at|to|:|=)?\s*", r"\s*(?:each\s+)?(?:(?:on|for|to|in|into|at)\s+)?"
_GAP = (  # words that may stand between a channel and its bound: "keep fb above", "fb shouldn't go over"
    r"(?:\s*[:=-])?(?:\s+(?:spend|budget|ads?|should|must|needs?|has|to|stays?|be|go|drop|fall|gets?|is|at|not|never"
    r"|don'?t|shouldn'?t|can'?t|cannot|let|keep))*\s*"
)
_BOUNDS = [  # at least $2k on TikTok / cap linkedin at $1,000 / 2k minimum on tt / fb 2k max / keep facebook above 1500
    *(
        re.compile(p, re.I)
        for p in (rf"{_CUE}{_TO}{_AMT}{_ON}{_CH}", rf"{_CUE}\s+{_CH}(?:\s+(?:spend|budget))?{_TO}{_AMT}")
    ),
    *(re.compile(p, re.I) for p in (rf"{_AMT}\s*{_CUE_AFTER}{_ON}{_CH}", rf"{_CH}\s*[:=-]?\s*{_AMT}\s*{_CUE_AFTER}")),
    re.compile(rf"{_CH}{_GAP}{_CUE}{_TO}{_AMT}", re.I),
]
_EXCLUDE = [  # nothing on linkedin / skip youtube / linkedin: 0 / leave tiktok out
    re.compile(
        r"(?:nothing\s+(?:on|for|in)|no\s+(?:money|budget|spend\w*|ads?)\s+(?:on|for|in)|zero\s+(?:on|for)|skip\w*"
        r"|exclud\w*|leav\w+\s+out|without|drop\w*|pause|avoid|except(?:\s+for)?|not?(?:\s+on)?"
        rf"|(?:don'?t|do\s+not|never)\s+(?:spend|put|use|run)(?:\s+(?:any(?:thing)?|money))?(?:\s+(?:on|in))?)\s+{_CH}",
        re.I,
    ),
    re.compile(rf"{_CH}\s*(?::|=|gets?)\s*(?:nothing|zero|none|[$€£]?0)\b(?![.,]?\d)", re.I),
    re.compile(rf"\bleav\w*\s+{_CH}\s+out\b", re.I),
]


@dataclass(frozen=True)
class BudgetAsk:
    """Money to split across channels; `caps` of 0 are channels to leave out, `currency` is "$", "€", "£" or None."""

    total: float | None  # None when the message only sets bounds
    minimums: dict[str, float] = field(default_factory=dict)
    caps: dict[str, float] = field(default_factory=dict)
    channels: tuple[str, ...] = ()  # every channel named, in order of first mention
    currency: str | None = None


def _value(m: re.Match[str]) -> Decimal:
    return Decimal(m["int"].replace(",", "") + (m["frac"] or "")) * _SCALES.get((m["scale"] or "").lower(), 1)


def _money_amounts(text: str) -> list[tuple[re.Match[str], bool]]:
    """Amounts that could be money, each with whether it is written like money (currency, k/m/grand or 1,000)."""
    found = []
    for m in _AMOUNT.finditer(text):
        marked = bool(m["sym"] or m["code"] or m["scale"] or "," in m["int"])
        year = not marked and not m["frac"] and 2015 <= int(m["int"]) <= 2035
        if not year and not _COUNTED.match(text, m.end()):
            found.append((m, marked))
    return found


def _first(found: list[tuple[re.Match[str], bool]]) -> re.Match[str] | None:
    return next((m for m, marked in found if marked), found[0][0] if found else None)


def money(text: str) -> float | None:
    """The first amount of money in `text` ("$20k" -> 20000.0), one written like money before a bare number.

    Percentages, likely years and counts ("20k followers", "3 weeks") are not money; None when there is none.
    """
    best = _first(_money_amounts(text))
    return float(_value(best)) if best else None


def _names(text: str) -> list[str]:
    """The normalised channels named in `text`, "meta" read as facebook and instagram."""
    names = []
    for word in re.findall(_CH_ANY, text, re.I):
        name = next(n for n, p in _CHANNELS.items() if re.fullmatch(p, word, re.I))
        names += ["facebook", "instagram"] if name == "meta" else [name]
    return list(dict.fromkeys(names))


def _is_minimum(cue: str, before: str) -> bool:
    if re.search(r"least|min|floor|>=|≥|most|max|cap|limit|up\s+to|tops|<=|≤", cue, re.I):
        return re.search(r"least|min|floor|>=|≥", cue, re.I) is not None
    negated = re.search(r"\b(?:no|not|never|don'?t|do\s+not)\b|n't", f"{before} {cue}", re.I) is not None
    return (re.search(r"over|above|more|exceed", cue, re.I) is not None) != negated


def budget_ask(text: str) -> BudgetAsk | None:
    """The money to split and per-channel minimums and caps ("skip youtube" is a cap of 0), or None if none is asked.

    The total is an amount no bound claims, in a clause that asks to allocate ("split", "budget", "left", "where
    should", "can spend"...); past spend is not a budget, so "we spent 20k last year on ads, thoughts on creative?"
    gives None. "meta" is facebook and instagram together: "nothing on meta" leaves both out, while an amount for
    meta is refused, as it cannot be split between them. Raises ValueError for bounds that cannot all hold.
    """
    minimums, caps, taken = _channel_bounds(text)
    total = _total(text, taken)
    if total is None and not minimums and not caps:
        return None
    currency = next((_CURRENCIES[c.lower()] for m, _ in _money_amounts(text) if (c := m["sym"] or m["code"])), None)
    sign = currency or ""
    for name, low in minimums.items():
        if name in caps and low > caps[name]:
            limit = f"at most {sign}{caps[name]:,.0f}" if caps[name] else "nothing"
            raise ValueError(
                f"You asked for at least {sign}{low:,.0f} on {name} but also {limit} there; keep one of the two, "
                f"e.g. 'at least {sign}{low:,.0f} on {name}'."
            )
    if total is not None and sum(minimums.values()) > total:
        raise ValueError(
            f"The minimums add up to {sign}{sum(minimums.values()):,.0f}, more than the {sign}{total:,.0f} to split; "
            "lower a minimum or raise the total, e.g. 'split 10k, at least 3k on facebook'."
        )
    floats = [{name: float(amount) for name, amount in bounds.items()} for bounds in (minimums, caps)]
    return BudgetAsk(float(total) if total is not None else None, *floats, tuple(_names(text)), currency)


def _channel_bounds(text: str) -> tuple[dict[str, Decimal], dict[str, Decimal], list[tuple[int, int]]]:
    """Minimums and caps per channel (the tightest when repeated), and the spans of text they were read from."""
    minimums: dict[str, Decimal] = {}
    caps: dict[str, Decimal] = {}
    taken: list[tuple[int, int]] = []
    found = [(m, True) for p in _BOUNDS for m in p.finditer(text)] + [
        (m, False) for p in _EXCLUDE for m in p.finditer(text)
    ]
    for m, bounded in sorted(found, key=lambda pair: (pair[0].start(), -len(pair[0][0]))):
        if any(m.start() < end and start < m.end() for start, end in taken):
            continue
        if bounded and _COUNTED.match(text, max(m.end(g) for g in ("int", "frac", "scale", "code") if m[g])):
            continue  # "fb: at least 3 times a week" bounds no money
        taken.append(m.span())
        if bounded and re.search(rf"\b{_CHANNELS['meta']}\b", m["ch"], re.I):
            raise ValueError(
                "Meta covers both Facebook and Instagram, so I can't tell how to split that amount; give each its own, "
                "e.g. 'at least 2k on facebook and 1k on instagram'."
            )
        clause = re.split(r"[,.;!?\n]", text[: m.start()])[-1]  # a negation just before: "don't let fb drop below"
        minimum = bounded and _is_minimum(m["cue"], " ".join(clause.split()[-3:]) + text[m.start() : m.start("cue")])
        amount = _value(m) if bounded else Decimal(0)
        bounds = minimums if minimum else caps
        for name in _names(m["ch"]):
            bounds[name] = (max if minimum else min)(bounds.get(name, amount), amount)
    return minimums, caps, taken


def _total(text: str, taken: list[tuple[int, int]]) -> Decimal | None:
    """The first free amount in an allocating clause, else in an allocating message; one written like money first."""
    cuts = [0] + [m.end() for m in re.finditer(r"[;!?\n]|\.(?!\d)|,\s", text)] + [len(text)]
    in_clause, free = [], []
    for m, marked in _money_amounts(text):
        start = max(c for c in cuts if c <= m.start())
        if not any(s <= m.start() < e for s, e in taken) and not _PAST.search(text[start : m.start()]):
            free.append((m, marked))
            if _TOTAL_CUE.search(text[start : min(c for c in cuts if c > m.start())]):
                in_clause.append((m, marked))
    best = _first(in_clause) or (_first(free) if _TOTAL_CUE.search(text) else None)
    return _value(best) if best else None


_NUM = r"\d+(?:\.\d+)?"
MONTH_NAME = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?:uary|ruary|ch|il|e|y|ust|t|tember|ober|ember)?\b\.?"
_N = rf"(?<![\w.])(?P<{{}}>{_NUM})(?![\d.]|\s*(?:%|percent|days?\b|weeks?\b|hours?\b|months?\b|{MONTH_NAME}))"
_X, _CNT, _P = _N.format("x"), _N.format("n"), rf"(?P<p>{_NUM})\s*(?:%|percent\b)"
_UNIT = r"(?:[a-z][\w'-]*\s+){0,3}?"  # "conversions ", "email opens "
_DENOM = r"(?:unique\s+)?(?:visitors|visits|users|sessions|impressions|views|sends|recipients|people|pageviews)\b"
_PAIRS = [  # 120/2400 | 212 opens of 5000 | 3.1% of 10k | 48 signups (1.2k visits) | 2,400 visitors, 120 sales
    re.compile(p, re.I)
    for p in (
        rf"{_X}\s*{_UNIT}(?:/|out\s+of|of|from|on)\s*{_CNT}(?!\s*(?:split|traffic|/))",
        rf"{_P}\s*{_UNIT}(?:of|on|from|across|over|with|out\s+of)\s+(?:the\s+)?{_CNT}",
        rf"{_X}\s*{_UNIT}\(\s*{_CNT}[^)]*\)",
        rf"{_CNT}\s+{_DENOM}\s*(?:[,;:]|and|with|->|-)?\s*{_X}(?!\s*{_DENOM})",
        rf"{_CNT}\s+{_UNIT}(?:at|converting\s+at|with|@)\s+(?:an?\s+)?{_P}",  # 10k visitors at 3.1%
    )
]
_NOT_ARM = re.compile(r"\b(?:a\s*/\s*b|ab|split|the|this|our|my|an?)\s+test\w*|\ba\s*(?:/|vs\.?|and|&|or)\s*b\b", re.I)
_ARM = re.compile(
    r"\b(?:vari[ae]nt|version|variation|arm|group|option|page|ad|email|subject(?:\s+line)?|creative|cell)\s+(?P<tag>[ab12])\b"
    r"|\b(?P<old>control|old(?:er)?|original|baseline|current|existing|champion)\b|\b(?P<new>new(?:er)?|test|treatment"
    r"|challenger|vari[ae]nt|variation)\b|(?<![\w'/])(?P<bare>[ab])\b(?=\s*[:=)(-]|\s+(?:got|had|has|did|was|is|saw|conv\w*"
    r"|gets|with|at|vs)\b)|(?<![\w'/])(?P<cap>(?-i:[AB]))(?=\s+\d)",
    re.I,
)
_AB_CUE = re.compile(
    r"\b(?:vs\.?|versus|compar\w*|against|a\s*/\s*b|ab\s+test|split\s+test|better|worse|winner|won|win|beat|significan\w*"
    r"|lift|control|variant|test|challenger)\b",
    re.I,
)


@dataclass(frozen=True)
class AbCounts:
    """Conversions (or clicks, opens) and visitors (or impressions, sends) of variants A (control) and B (new)."""

    conversions_a: int
    n_a: int
    conversions_b: int
    n_b: int


def _plain(text: str) -> str:
    """`text` with every amount written as a plain number: "1.2k" -> "1200", "$2,400" -> "2400"."""
    return _AMOUNT.sub(lambda m: f"{_value(m).normalize():f}", text)


def _pair(m: re.Match[str]) -> tuple[Decimal, Decimal, str | None]:
    """(conversions, visitors, percent); conversions are the percent of the visitors, rounded, when given as a rate."""
    n, p = Decimal(m["n"]), m.groupdict().get("p")
    return (Decimal(p) * n / 100).quantize(Decimal(1), ROUND_HALF_UP) if p else Decimal(m["x"]), n, p


def _side(arm: re.Match[str]) -> str:
    if arm["old"] or arm["new"]:
        return "a" if arm["old"] else "b"
    return "a" if (arm["tag"] or arm["bare"] or arm["cap"]).lower() in "a1" else "b"


def ab_counts(text: str) -> AbCounts | None:
    """The counts of an A/B comparison in `text`, or None unless it holds one count pair per variant.

    A pair is "120/2400", "120 conversions from 2,400 visitors", "3.1% of 10k" (conversions rounded), "48 signups
    (1.2k visits)" or "2,400 visitors, 120 conversions", told apart by the words before it: A, variant a, control,
    old, original are A; B, variant b, test, new, challenger are B. Unlabelled pairs are A then B when the message
    compares ("vs", "better", "significant"...). Raises ValueError for more conversions than visitors, a rate above
    100% or a variant without visitors.
    """
    plain = _plain(text)
    labels = _NOT_ARM.sub(lambda m: " " * len(m[0]), plain)
    pairs, sides, last = [], [], 0
    for m in sorted((m for p in _PAIRS for m in p.finditer(plain)), key=lambda m: (m.start(), -len(m[0]))):
        conversions, n, _ = _pair(m)
        if m.start() >= last and conversions == conversions.to_integral() and n == n.to_integral():
            arms = list(_ARM.finditer(labels, last, m.start()))
            pairs, sides, last = [*pairs, m], [*sides, _side(arms[-1]) if arms else None], m.end()
    if len(pairs) == 2 and None in sides and sides != [None, None]:  # one label: the other pair is the other variant
        sides = [side or ("b" if "a" in sides else "a") for side in sides]
    if len(pairs) == 2 and sides[0] == sides[1]:  # no labels, or one twice: A then B, if the message compares
        sides = ["a", "b"] if _AB_CUE.search(labels) else sides
    chosen = {side: m for m, side in zip(pairs, sides, strict=True) if side}
    if len(pairs) < 2 or len(chosen) != 2 or len(set(sides)) < 2:
        return None
    counts = []
    for side in "ab":
        conversions, n, p = _pair(chosen[side])
        name = side.upper()
        if p and Decimal(p) > 100:
            raise ValueError(f"{name}'s rate of {p}% is above 100%; give the share that converted, e.g. '3.1% of 10k'.")
        if n == 0:
            raise ValueError(f"{name} has had no visitors, so there is nothing to compare yet; ask once both have.")
        if conversions > n:
            raise ValueError(
                f"{name} shows {conversions:,} conversions from {n:,} visitors, but conversions can't outnumber "
                "visitors; write each variant as conversions out of visitors, e.g. 'A: 120/2400, B: 156/2380'."
            )
        counts += [int(conversions), int(n)]
    return AbCounts(*counts)


_PLAN_CUE = re.compile(
    r"sample\s*size|how\s+(?:many|long|big|much\s+traffic)|detect|\bmde\b|power\s+analysis"
    r"|plan\w*\s+(?:an?\s+|the\s+|our\s+)?(?:a/b\s+|ab\s+|split\s+)?test|enough\s+(?:traffic|visitors|users)",
    re.I,
)
_SETTINGS = re.compile(  # 95% confidence, 80% power, alpha 0.05, power of 0.9, significance level 5%
    rf"(?P<v>{_NUM})\s*(?P<vp>%|percent)?\s*(?P<what>confiden\w*|conf\b|significan\w*|sig\b|power\b)|(?P<what2>"
    rf"confidence|significance|power|alpha|p\s*<)(?:\s+level)?\s*(?:of|at|=|:|is)?\s*(?P<v2>{_NUM})\s*(?P<vp2>%|percent)?",
    re.I,
)
_EFFECTS = [  # a range of rates, then points (absolute), then percentages (relative unless called absolute)
    re.compile(
        rf"(?:from\s+(?P<a>{_NUM})\s*(?:%|percent)?|(?P<a2>{_NUM})\s*(?:%|percent))\s*(?:to|->|=>)\s*(?P<b>{_NUM})\s*"
        r"(?:%|percent)",
        re.I,
    ),
    re.compile(
        rf"(?P<d>{_NUM})\s*%?\s*(?P<u>(?:percentage|percent)[\s-]+points?|points?|pts?|pp|bps|basis\s+points?)\b", re.I
    ),
    re.compile(
        rf"\+?(?P<r>{_NUM})\s*(?:%|percent\b)\s*(?P<k>relative|rel\.?|absolute|abs\.?)?\s*(?:lift|uplift|increase"
        r"|improvement|bump|boost|change|difference|diff|gain|rise|jump|effect|mde|better|higher|more)",
        re.I,
    ),
    re.compile(
        r"(?:\b(?:lift|uplift|increase|improvement|mde|minimum\s+detectable\s+effect|effect|difference|change)\s*"
        rf"(?:of|:|=|is)?|\bby|\+)\s*\+?(?P<r>{_NUM})\s*(?:%|percent\b)(?:\s*(?P<k>relative|rel|absolute|abs)\b)?",
        re.I,
    ),
]


@dataclass(frozen=True)
class AbDesignAsk:
    """What to plan a test for, in the terms of `ab_test.plan_test`; alpha and power are None when not stated."""

    baseline_rate: float  # 0.03 for 3%
    minimum_detectable_effect: float  # absolute (0.005 = half a point) unless `relative` (0.1 = a 10% lift)
    relative: bool
    alpha: float | None = None  # 0.05 for "95% confidence"
    power: float | None = None  # 0.8 for "80% power"


def ab_design(text: str) -> AbDesignAsk | None:
    """A test-planning ask: baseline rate, smallest effect worth detecting and any confidence and power, or None.

    "from 3% to 3.5%" and "0.5 points" (pp, bps) are absolute effects; "a 10% lift" is relative unless called
    absolute. A drop ("from 3% to 2.5%") comes back as the same two rates from the lower one: a two-sided test needs
    the same sample either way. Raises ValueError for rates outside 0-100%, no change, or 100% confidence or power.
    """
    plain = _plain(text)
    if not _PLAN_CUE.search(plain):
        return None
    settings: dict[str, Decimal] = {}
    for m in _SETTINGS.finditer(plain):
        what, value = (m["what"] or m["what2"]).lower(), Decimal(m["v"] or m["v2"])
        value = value / 100 if m["vp"] or m["vp2"] or value > 1 else value
        if not 0 < value < 1:
            raise ValueError(
                f"{float(value) * 100:g}% {what} isn't possible; use less than 100%, e.g. '95% confidence, 80% power'."
            )
        kind = "power" if what == "power" else "alpha"
        settings[kind] = 1 - value if what[0] in "cs" and value >= Decimal("0.5") else value
        plain = plain[: m.start()] + " " * len(m[0]) + plain[m.end() :]
    effect = next((m for p in _EFFECTS if (m := p.search(plain))), None)
    rest = plain[: effect.start()] + " " * len(effect[0]) + plain[effect.end() :] if effect else plain
    base = re.search(rf"(?<![\w.])({_NUM})\s*(?:%|percent\b)", rest)
    found = effect.groupdict() if effect else {}
    if found.get("b"):
        low, high = sorted((Decimal(found["a"] or found["a2"]), Decimal(found["b"])))
        baseline, mde, relative = low / 100, (high - low) / 100, False
    elif effect and base:
        scale = 10000 if "b" in (found.get("u") or "").lower() else 100
        relative = not found.get("u") and not (found.get("k") or "").lower().startswith("abs")
        baseline, mde = Decimal(base[1]) / 100, Decimal(found.get("d") or found["r"]) / scale
    else:
        return None
    target = baseline * (1 + mde) if relative else baseline + mde
    if not 0 < baseline < 1 or target >= 1:
        rate = float(baseline if not 0 < baseline < 1 else target) * 100
        raise ValueError(
            f"A rate of {rate:g}% can't be tested; rates lie between 0% and 100%, e.g. 'baseline 3%, a 10% lift'."
        )
    if mde == 0:
        raise ValueError("That is no change to detect; give the improvement that matters, e.g. 'from 3% to 3.5%'.")
    alpha, power = (float(settings[k]) if k in settings else None for k in ("alpha", "power"))
    return AbDesignAsk(float(baseline), float(mde), relative, alpha, power)
