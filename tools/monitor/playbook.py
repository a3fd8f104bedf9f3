"""A brand's crisis playbook (severities, approvals, who to tell, what to pause, holding statements) from its pack.

The data model, vocabulary and defaults live in `playbook_model`, the crisis-playbook.md reader in
`playbook_markdown` and the brand.yaml `crisis:` schema in `playbook_schema`; their public names are re-exported here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from tools.monitor.playbook_markdown import markdown_parts
from tools.monitor.playbook_model import (
    CRISIS_TYPES,
    DEFAULT_APPROVALS,
    DEFAULT_CHAIN,
    DEFAULT_EXAMPLES,
    DEFAULT_NOTIFY,
    DEFAULT_PAUSE,
    DEFAULT_PRINCIPLES,
    DEFAULT_RESUME,
    DEFAULT_SEVERITIES,
    DEFAULT_TYPE_SEVERITY,
    PARTS,
    PAUSE_SCOPES,
    ROLE_ALIASES,
    SOURCE_DEFAULT,
    SOURCE_MD,
    SOURCE_YAML,
    TYPE_WORDS,
    CrisisPlaybook,
    Pause,
    PlaybookError,
    Role,
    Rule,
    Severity,
    TypeDefault,
    role_slug,
    role_title,
)
from tools.monitor.playbook_schema import Kind, Level, Slug, Text, yaml_parts

__all__ = [
    "CRISIS_TYPES",
    "DEFAULT_APPROVALS",
    "DEFAULT_CHAIN",
    "DEFAULT_EXAMPLES",
    "DEFAULT_NOTIFY",
    "DEFAULT_PAUSE",
    "DEFAULT_PRINCIPLES",
    "DEFAULT_RESUME",
    "DEFAULT_SEVERITIES",
    "DEFAULT_TYPE_SEVERITY",
    "PARTS",
    "PAUSE_SCOPES",
    "ROLE_ALIASES",
    "SOURCE_DEFAULT",
    "SOURCE_MD",
    "SOURCE_YAML",
    "TYPE_WORDS",
    "CrisisPlaybook",
    "Kind",
    "Level",
    "Pause",
    "PlaybookError",
    "Role",
    "Rule",
    "Severity",
    "Slug",
    "Text",
    "TypeDefault",
    "load_playbook",
    "role_slug",
    "role_title",
]


def load_playbook(pack_dir: Path) -> CrisisPlaybook:
    """The crisis playbook of a brand-pack folder.

    Each part (see `PARTS`) comes from the first source that has it: the optional `crisis:` section of
    `brand.yaml` (schema: `playbook_schema`), then `crisis-playbook.md` (headings matched loosely: "Severity levels",
    "Response time targets", "Escalation chain", "Crisis types", "Holding statement ...", "What to pause",
    "When to resume"; tables and lists parsed), then the `DEFAULT_*` values. `gaps` lists what was defaulted.

    Raises:
        PlaybookError: for a missing folder, unreadable YAML, or a `crisis:` section that breaks the schema
            (the message names the file and the field path, and what is allowed there).
    """
    folder = Path(pack_dir)
    if not folder.is_dir():
        raise PlaybookError(f"{folder}: no such brand-pack folder")
    given, references = yaml_parts(folder / "brand.yaml")
    md_file = folder / SOURCE_MD
    found: dict[str, dict[str, Any]] = {
        SOURCE_YAML: given,
        SOURCE_MD: markdown_parts(md_file.read_text(encoding="utf-8", errors="replace") if md_file.is_file() else ""),
        SOURCE_DEFAULT: {
            "severities": DEFAULT_SEVERITIES,
            "types": {kind: TypeDefault(kind, level) for kind, level in DEFAULT_TYPE_SEVERITY.items()},
            "chain": (DEFAULT_CHAIN, DEFAULT_APPROVALS),
            "notify": (DEFAULT_NOTIFY, {}),
            "pause": DEFAULT_PAUSE,
            "resume": DEFAULT_RESUME,
            "principles": DEFAULT_PRINCIPLES,
            "examples": DEFAULT_EXAMPLES,
        },
    }
    sources = {part: next(name for name, parts in found.items() if parts.get(part)) for part in PARTS}
    chosen = {part: found[sources[part]][part] for part in PARTS}
    gaps = [part for part in PARTS if sources[part] == SOURCE_DEFAULT]
    levels = [level.name for level in chosen["severities"]]
    for path, level in references:
        if level not in levels:
            raise PlaybookError(f"{folder / 'brand.yaml'}: {path}: {level!r} is not a severity; use one of {levels}")
    types = dict(chosen["types"])
    for kind in CRISIS_TYPES:
        if kind not in types or types[kind].severity not in levels:
            gaps += [f"types.{kind}"] if sources["types"] != SOURCE_DEFAULT else []
            level = DEFAULT_TYPE_SEVERITY[kind] if DEFAULT_TYPE_SEVERITY[kind] in levels else levels[-1]
            types[kind] = replace(types[kind], severity=level) if kind in types else TypeDefault(kind, level)
    chain, approvals = chosen["chain"]
    notify, notify_people = chosen["notify"]
    pause = {name: chosen["pause"].get(name, Pause(PAUSE_SCOPES[min(rank, 2)])) for rank, name in enumerate(levels)}
    roles = {**notify_people, **{role.slug: role for role in chain}}
    named = [rule.role for rule in (*approvals, *notify)] + [kind.lead for kind in types.values() if kind.lead]
    roles.update({slug: Role(slug, role_title(slug)) for slug in named if slug not in roles})
    source = next((name for name in (SOURCE_YAML, SOURCE_MD) if name in sources.values()), SOURCE_DEFAULT)
    return CrisisPlaybook(
        severities=chosen["severities"],
        types=types,
        chain=chain,
        approvals=approvals,
        notify=notify,
        pause=pause,
        resume=chosen["resume"],
        principles=chosen["principles"],
        examples=chosen["examples"],
        roles=roles,
        source=source,
        sources=sources,
        gaps=tuple(gaps),
    )
