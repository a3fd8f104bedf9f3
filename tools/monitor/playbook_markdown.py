"""Reading the parts of a crisis playbook from a brand pack's crisis-playbook.md: headings, tables and lists."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from tools.monitor.playbook_model import (
    ROLE_ALIASES,
    Pause,
    Role,
    Rule,
    Severity,
    TypeDefault,
    levels_in,
    role_slug,
    types_in,
)

_HEADINGS = {
    "severities": r"severit|levels|classif",
    "targets": r"response|time target|\bsla",
    "chain": r"escalat|chain|contacts|who to (?:call|tell)",
    "types": r"types|scenarios|categor|kinds",
    "holding": r"holding|statement|template",
    "pause": r"paus|freez",
    "resume": r"resum|restart|back to normal",
}
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_LABELS = r"critical|severe|major|high|moderate|medium|minor|low"


def markdown_parts(text: str) -> dict[str, Any]:
    """The parts (see `PARTS`) a crisis-playbook.md gives; a part it lacks is empty or None."""
    chapters = _sections(text, "##") or _sections(text, "#")  # some playbooks use top-level headings throughout
    body = {
        key: next((b for h, b in chapters if re.search(pattern, h, re.I)), "") for key, pattern in _HEADINGS.items()
    }
    holding = _sections(body["holding"], "###", keep_head=True)
    principles = tuple(_plain(item) for item in _items(holding[0][1])) if holding else ()
    roles, approvals = _md_chain(body["chain"], [p for p in principles if re.search(r"approv", p, re.I)])
    notify, leads = _md_notify(body["chain"], roles)
    examples: dict[str, str] = {}
    for heading, part in holding[1:]:
        quoted = [line.lstrip("> ") for line in part.splitlines() if line.startswith(">")]
        kinds = types_in(heading)
        if kinds and kinds[0] not in examples:
            examples[kinds[0]] = _plain("\n".join(quoted) if quoted else part)
    return {
        "severities": _md_severities(body["severities"], body["targets"]),
        "types": _md_types(body["types"], leads),
        "chain": (tuple(roles), tuple(approvals)) if roles else None,
        "notify": (tuple(notify), {role.slug: role for role in leads.values()}) if notify else None,
        "pause": _md_pause(body["pause"], body["targets"]),
        "resume": {level: _unlabelled(item) for item in _items(body["resume"]) for level in levels_in(item[:40])[:1]},
        "principles": principles,
        "examples": examples,
    }


def _sections(text: str, marker: str, keep_head: bool = False) -> list[tuple[str, str]]:
    """(heading, body) per `marker` heading; with keep_head, the text before the first one comes first as ("", ...)."""
    parts = re.split(rf"^{marker}(?!#)\s*", text, flags=re.M)
    found = [(heading.strip(" #"), rest) for heading, _, rest in (part.partition("\n") for part in parts[1:])]
    return [("", parts[0]), *found] if keep_head else found


def _items(text: str) -> list[str]:
    """List items (bulleted or numbered), with indented continuation lines joined."""
    items: list[str] = []
    open_item = False
    for line in text.splitlines():
        if _ITEM.match(line):
            items.append(_ITEM.sub("", line))
            open_item = True
        elif open_item and line[:1].isspace() and line.strip():
            items[-1] += " " + line.strip()
        else:
            open_item = False
    return items


def _table(text: str) -> list[list[str]]:
    rows = [line.strip().strip("|").split("|") for line in text.splitlines() if line.lstrip().startswith("|")]
    return [[cell.strip() for cell in row] for row in rows if not all(re.fullmatch(r"\s*:?-+:?\s*", c) for c in row)]


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\*\*|__|`|^\s*>\s?", "", text, flags=re.M)).strip()


def _unlabelled(item: str) -> str:
    """A list item's text without a leading "SEV1:" or "SEV2 (major) -" label."""
    return re.sub(r"^(?:sev(?:erity)?|level|p)\s*-?\s*\d\s*(?:\([^)]*\))?\s*[:\-–—]\s*", "", _plain(item), flags=re.I)


def _number(pattern: str, text: str) -> int | None:
    found = re.search(pattern, text, re.I)
    return int(found[1].replace(",", "")) if found else None


def _level_cells(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(row label, cell, levels its column heading names) for each cell of a table with severities as columns."""
    header, *rows = _table(text) or [[]]
    return [
        (row[0], cell, levels_in(heading)) for row in rows for heading, cell in zip(header[1:], row[1:], strict=False)
    ]


def _rule(role: str, text: str, within_minutes: int | None = None) -> Rule:
    """A rule for the levels and types a sentence names, or for every crisis when it names none."""
    levels, kinds = levels_in(text), types_in(text)
    return Rule(role, levels, kinds, not (levels or kinds), within_minutes)


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=\.)\s+", text)


def _md_severities(body: str, targets_body: str) -> tuple[Severity, ...]:
    targets: dict[str, list[tuple[str, str]]] = {}
    for label, cell, levels in _level_cells(targets_body):
        for level in levels:
            targets.setdefault(level, []).append((_plain(label), _plain(cell)))
    found: dict[str, Severity] = {}
    for cells in _table(body)[1:] or [[item] for item in _items(body)]:
        head = cells[0] if len(cells) > 1 else re.split(r":|\s[-–—]\s", cells[0], maxsplit=1)[0]
        levels = levels_in(_plain(head))
        if not levels or levels[0] in found:
            continue
        definition = _plain(cells[1] if len(cells) > 1 else cells[0][len(head) :].lstrip(":-–— "))
        label = re.search(_LABELS, head, re.I)
        rank = int(levels[0][3:]) - 1
        found[levels[0]] = Severity(
            levels[0], label[0].lower() if label else ("critical", "major", "minor")[min(rank, 2)], definition,
            _number(r"([\d,]+)\s+negative mentions? (?:an|a|per|each|every) hour", definition),
            _number(r"([\d,]+)\s+negative mentions? (?:in (?:a|one|24 hours)|(?:a|per|each) day)", definition),
            _number(r"([\d,]+)\s+(?:affected\s+)?(?:orders|members)\b", definition),
            tuple(targets.get(levels[0], ())),
        )  # fmt: skip
    return tuple(sorted(found.values(), key=lambda level: level.name))


def _md_chain(body: str, approval_notes: list[str]) -> tuple[list[Role], list[Rule]]:
    """The numbered chain; who approves comes from each step's "approves"/"drafts" sentences and the notes."""
    roles, rules = [], {}
    for item in _items(body):
        head = re.match(r"\*\*(.+?)\*\*|([^(:–—]+)", item)
        title = _plain(head[0] if head else item)
        rest = item[head.end() if head else 0 :]
        person = re.match(r"\s*\(([^)]+)\)", rest)
        duty = _plain(rest[person.end() :] if person else rest).lstrip(":-–— ")
        role = Role(role_slug(title), title, person[1].strip() if person else None, duty)
        roles.append(role)
        approving = " ".join(s for s in _sentences(duty) if re.search(r"approv|signs? off", s, re.I))
        if approving:
            rules[role.slug] = _rule(role.slug, approving)
        elif re.search(r"\bdrafts?\b", duty, re.I):
            rules[role.slug] = Rule(role.slug, always=True)
    for note in approval_notes:  # "approved by the Head of Communications (SEV2) or by ... and Legal (SEV1)"
        for segment, level in re.findall(r"([^()]*)\((SEV\d)\)", note):
            for slug in dict.fromkeys(role_slug(name) for name in re.split(r",|\band\b|\bor\b", segment)):
                if slug in ROLE_ALIASES and not rules.get(slug, Rule(slug)).always:
                    rule = rules.get(slug, Rule(slug))
                    rules[slug] = replace(rule, severities=tuple(dict.fromkeys((*rule.severities, level))))
    order = [role.slug for role in roles]
    approvals = sorted(rules.values(), key=lambda rule: order.index(rule.role) if rule.role in order else len(order))
    return roles, approvals


def _md_notify(body: str, roles: list[Role]) -> tuple[list[Rule], dict[str, Role]]:
    """Who is told (steps saying "is told within N minutes of any SEV1") and the subject leads per crisis type."""
    rules = []
    for role in roles:
        for sentence in _sentences(role.duty):
            if re.search(r"\b(?:told|notified|informed|alerted|called)\b", sentence, re.I):
                rules.append(_rule(role.slug, sentence, _number(r"within (\d+) min", sentence)))
    leads: dict[str, Role] = {}
    prose = "\n".join(line for line in body.splitlines() if not _ITEM.match(line))
    for title, person, what in re.findall(r"\*\*([^*]+)\*\*\s*(?:\(([^)]+)\))?\s*for\s+([^*.;]+)", prose):
        role = Role(role_slug(title), title.strip(), person.strip() or None, f"Joins for {what.strip(' ,')}.")
        kinds = types_in(f"{title} {what}")
        rules += [Rule(role.slug, types=kinds)] if kinds else []
        leads.update({kind: role for kind in kinds if kind not in leads})
    return rules, leads


def _md_types(body: str, leads: dict[str, Role]) -> dict[str, TypeDefault]:
    found: dict[str, TypeDefault] = {}
    for heading, text in _sections(body, "###"):
        kinds, notes = types_in(heading), _plain(text)
        levels = levels_in(" ".join(re.findall(r"\*\*(.+?)\*\*", text))) or levels_in(notes)
        if not kinds or kinds[0] in found or not levels:
            continue
        named = re.search(r"(?:^|\.\s+)(?:The\s+)?([A-Z][\w\- ]+?)\s+leads\b", notes)
        lead = role_slug(named[1]) if named else (leads[kinds[0]].slug if kinds[0] in leads else None)
        found[kinds[0]] = TypeDefault(kinds[0], levels[0], lead, heading, notes)
    return found


def _md_pause(body: str, targets_body: str) -> dict[str, Pause]:
    """Pausing per level from the "What to pause" list, else from a "... paused" row of the response-time table."""
    cells = _level_cells(targets_body)
    rows = [f"{levels[0]}: {cell}" for label, cell, levels in cells if levels and re.search(r"paus", label, re.I)]
    found: dict[str, Pause] = {}
    for item in _items(body) or rows:
        text, levels = _unlabelled(item), levels_in(item[:40])
        if re.search(r"only the (?:affected )?post|affected post only|that post only", text, re.I):
            scope = "post"
        elif re.search(r"\bevery\b[^.]*\bchannel|all channels|\beverything\b", text, re.I):
            scope = "all"
        elif re.search(r"affected", text, re.I):
            scope = "affected"
        else:
            continue
        found.update({levels[0]: Pause(scope, text)} if levels and levels[0] not in found else {})
    return found
