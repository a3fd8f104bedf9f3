"""The schema of brand.yaml's optional `crisis:` section, its validation, and the playbook parts it gives."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, PositiveInt, StringConstraints, ValidationError

from tools.monitor.playbook_model import Pause, PlaybookError, Role, Rule, Severity, TypeDefault, role_title

Level = Annotated[str, StringConstraints(pattern=r"^SEV[1-9]$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Kind = Literal["product_safety", "reputation", "legal", "outage", "data_privacy", "service_surge"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Level(_Strict):
    name: Level
    label: Text
    definition: str = ""
    negative_per_hour: PositiveInt | None = None
    negative_per_day: PositiveInt | None = None
    orders_affected: PositiveInt | None = None


class _When(_Strict):
    always: bool = False
    severities: list[Level] = []
    types: list[Kind] = []


class _Step(_Strict):
    role: Slug
    title: Text | None = None
    person: Text | None = None
    duty: str = ""
    approves: _When | None = None


class _Notice(_When):
    role: Slug
    within_minutes: PositiveInt | None = None


class _Type(_Strict):
    severity: Level
    lead: Slug | None = None
    notes: str = ""


class _Holding(_Strict):
    principles: list[Text] = []
    examples: dict[Kind, Text] = {}


class _Crisis(_Strict):
    """brand.yaml `crisis:`; every part is optional and a missing one comes from crisis-playbook.md or defaults."""

    severities: list[_Level] = []  # in any order; names SEV1 (most severe) .. SEV9
    types: dict[Kind, _Type] = {}
    chain: list[_Step] = []  # the escalation chain in order; `approves` marks who signs off on statements
    notify: list[_Notice] = []
    pause: dict[Level, Literal["all", "affected", "post"]] = {}
    resume: dict[Level, Text] = {}
    holding_statement: _Holding = _Holding()


def yaml_parts(file: Path) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The parts a brand.yaml `crisis:` section gives, and every (field path, severity name) it refers to.

    Raises:
        PlaybookError: for unreadable YAML or a `crisis:` section that breaks the schema (`_Crisis`); the message
            names the file and the field path, and what is allowed there.
    """
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) if file.is_file() else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PlaybookError(f"{file}: cannot be read as YAML: {exc}") from exc
    if not isinstance(data, dict) or data.get("crisis") is None:
        return {}, []
    try:
        crisis = _Crisis.model_validate(data["crisis"])
    except ValidationError as exc:
        problems = [_describe(error) for error in exc.errors()]
        listed = (
            problems[0]
            if len(problems) == 1
            else f"{len(problems)} problems:" + "".join(f"\n  - {p}" for p in problems)
        )
        raise PlaybookError(f"{file}: {listed}") from None
    names = [level.name for level in crisis.severities]
    if len(set(names)) < len(names):
        raise PlaybookError(f"{file}: crisis.severities: each name may appear once, got {names}")
    levels = tuple(
        Severity(s.name, s.label, s.definition, s.negative_per_hour, s.negative_per_day, s.orders_affected)
        for s in sorted(crisis.severities, key=lambda s: s.name)
    )
    chain = tuple(Role(s.role, s.title or role_title(s.role), s.person, s.duty) for s in crisis.chain)
    approvals = tuple(_rule(s.role, s.approves) for s in crisis.chain if s.approves)
    notify = tuple(_rule(n.role, n, n.within_minutes) for n in crisis.notify)
    references = [(f"crisis.types.{k}.severity", t.severity) for k, t in crisis.types.items()]
    references += [(f"crisis.pause.{level}", level) for level in crisis.pause]
    references += [(f"crisis.resume.{level}", level) for level in crisis.resume]
    references += [
        (f"crisis.chain[{i}].approves", v)
        for i, s in enumerate(crisis.chain)
        for v in (s.approves or _When()).severities
    ]
    references += [(f"crisis.notify[{i}].severities", v) for i, n in enumerate(crisis.notify) for v in n.severities]
    parts = {
        "severities": levels,
        "types": {kind: TypeDefault(kind, t.severity, t.lead, "", t.notes) for kind, t in crisis.types.items()},
        "chain": (chain, approvals) if chain else None,
        "notify": (notify, {}) if notify else None,
        "pause": {level: Pause(scope) for level, scope in crisis.pause.items()},
        "resume": dict(crisis.resume),
        "principles": tuple(crisis.holding_statement.principles),
        "examples": dict(crisis.holding_statement.examples),
    }
    return parts, references


def _rule(role: str, when: _When, within_minutes: int | None = None) -> Rule:
    return Rule(role, tuple(when.severities), tuple(when.types), when.always, within_minutes)


def _describe(error: Any) -> str:
    loc = tuple(part for part in error["loc"] if part != "[key]")
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in ("crisis", *loc)).lstrip(".")
    if error["type"] == "missing":
        return f"{path}: is required"
    if error["type"] == "extra_forbidden":
        return f"{path}: is not a known field; allowed fields: {', '.join(_fields_at(loc[:-1]))}"
    if error["type"] == "model_type":
        return f"{path}: should be a mapping with fields: {', '.join(_fields_at(loc))}"
    value = error.get("input")
    shown = "" if isinstance(value, dict | list) else f" (got {value!r})"
    return f"{path}: {error['msg'].removeprefix('Value error, ')}{shown}"


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """The fields of the schema model found at a path into `_Crisis` (list indexes and mapping keys skipped)."""
    model: type[BaseModel] = _Crisis
    for part in loc:
        if isinstance(part, str) and part in model.model_fields:
            model = _model_in(model.model_fields[part].annotation) or model
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((found for arg in typing.get_args(annotation) if (found := _model_in(arg))), None)
