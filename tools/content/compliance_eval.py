"""Compliance eval: per-rule and micro precision/recall of check_post, and exact-match rate, on labelled drafts.

Run: `.venv/bin/python -m tools.content.compliance_eval --data FILE.jsonl --brand PACK [--json] [--misses]`.
Each line: {"platform", "sponsored", "text", "expected_violations": [rule ids]}, with an optional "id".
A draft is an exact match when the set of rule ids reported equals the expected set.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.content.checks import check_post
from tools.content.rulebook import PLATFORM_LENGTH_RULE_ID, Rulebook, RulebookError, load_rulebook
from tools.platforms.specs import get_platform


class DataError(ValueError):
    """A labelled-drafts file that can't be used; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    """One labelled draft."""

    id: str
    platform: str
    sponsored: bool
    text: str
    expected: frozenset[str]


def load_examples(path: Path, rule_ids: Collection[str] | None = None) -> list[Example]:
    """Read and validate a JSONL file of labelled drafts; `rule_ids`, if given, are the valid labels.

    Raises:
        DataError: naming the line, for bad JSON, a missing or mistyped field, an unknown platform
            or an unknown rule id.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot be read: {exc}") from exc
    examples = [_example(line, f"{path}:{number}", rule_ids) for number, line in enumerate(lines, 1) if line.strip()]
    if not examples:
        raise DataError(f"{path}: has no examples; write one JSON object per line")
    return examples


def _example(line: str, where: str, rule_ids: Collection[str] | None) -> Example:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DataError(f"{where}: is not valid JSON ({exc.msg}); write one JSON object per line") from None
    if not isinstance(data, dict):
        raise DataError(f"{where}: must be a JSON object, not {type(data).__name__}")
    fields: dict[str, type] = {
        "platform": str,
        "sponsored": bool,
        "text": str,
        "expected_violations": list,
    }
    for name, kind in fields.items():
        if name not in data:
            raise DataError(f"{where}: is missing {name!r}; each line needs {', '.join(fields)}")
        if not isinstance(data[name], kind):
            raise DataError(f"{where}: {name!r} must be a {kind.__name__}, not {type(data[name]).__name__}")
    try:
        platform = get_platform(data["platform"]).name
    except ValueError as exc:
        raise DataError(f"{where}: {exc}") from None
    expected = data["expected_violations"]
    if not all(isinstance(rule, str) for rule in expected):
        raise DataError(f"{where}: 'expected_violations' must be a list of rule ids (strings)")
    unknown = sorted(set(expected) - set(rule_ids)) if rule_ids is not None else []
    if unknown:
        raise DataError(
            f"{where}: unknown rule id {unknown[0]!r}; the rulebook's ids are {', '.join(sorted(rule_ids))}"
        )
    return Example(
        id=str(data.get("id", where)),
        platform=platform,
        sponsored=data["sponsored"],
        text=data["text"],
        expected=frozenset(expected),
    )


def rule_ids_of(rulebook: Rulebook) -> set[str]:
    """Every rule id a report can contain, over-length included."""
    return {rule.id for _, rule in rulebook.rules.iter_rules()} | {PLATFORM_LENGTH_RULE_ID}


def predict(examples: Sequence[Example], rulebook: Rulebook) -> list[frozenset[str]]:
    """The rule ids check_post reports for each example."""
    return [frozenset(check_post(e.text, e.platform, rulebook, sponsored=e.sponsored).rule_ids) for e in examples]


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(expected: Sequence[Collection[str]], predicted: Sequence[Collection[str]]) -> dict[str, Any]:
    """Per-rule and micro precision/recall/F1 over rule ids, and the exact-match rate.

    Each item is one draft's set of rule ids. A ratio with a zero denominator (say, precision of a
    rule that was never reported) is None.
    """
    if len(expected) != len(predicted):
        raise ValueError(f"got {len(expected)} expected sets but {len(predicted)} predicted ones")
    counts: dict[str, dict[str, int]] = {}
    for gold, guess in zip(expected, predicted, strict=True):
        for rule in set(gold) | set(guess):
            tally = counts.setdefault(rule, {"support": 0, "tp": 0, "fp": 0, "fn": 0})
            tally["support"] += rule in gold
            tally["tp"] += rule in gold and rule in guess
            tally["fp"] += rule in guess and rule not in gold
            tally["fn"] += rule in gold and rule not in guess
    rules = {
        rule: {**c, "precision": _ratio(c["tp"], c["tp"] + c["fp"]), "recall": _ratio(c["tp"], c["support"])}
        for rule, c in sorted(counts.items())
    }
    tp, fp, fn = (sum(c[key] for c in counts.values()) for key in ("tp", "fp", "fn"))
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    exact = sum(set(gold) == set(guess) for gold, guess in zip(expected, predicted, strict=True))
    return {
        "drafts": len(expected),
        "exact_matches": exact,
        "exact_match": _ratio(exact, len(expected)),
        "micro": {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": _f1(precision, recall)},
        "rules": rules,
    }


def misses(examples: Sequence[Example], predicted: Sequence[Collection[str]]) -> list[dict[str, Any]]:
    """The drafts whose reported rule ids differ from the expected ones, with what was missed or extra."""
    return [
        {
            "id": e.id,
            "platform": e.platform,
            "missed": sorted(e.expected - set(guess)),
            "extra": sorted(set(guess) - e.expected),
            "text": e.text,
        }
        for e, guess in zip(examples, predicted, strict=True)
        if set(guess) != e.expected
    ]


def format_table(result: dict[str, Any]) -> str:
    """The per-rule table, then the micro averages and the exact-match rate, as plain text."""
    width = max([len("rule"), *(len(rule) for rule in result["rules"])])
    lines = [f"{'rule':<{width}}  support   TP   FP   FN  precision  recall"]
    for rule, c in result["rules"].items():
        lines.append(
            f"{rule:<{width}}  {c['support']:7}  {c['tp']:3}  {c['fp']:3}  {c['fn']:3}"
            f"  {_shown(c['precision']):>9}  {_shown(c['recall']):>6}"
        )
    micro = result["micro"]
    lines.append(
        f"micro over rule ids: precision {_shown(micro['precision'])}  recall {_shown(micro['recall'])}  "
        f"F1 {_shown(micro['f1'])}  (TP {micro['tp']}, FP {micro['fp']}, FN {micro['fn']})"
    )
    lines.append(f"exact match: {_shown(result['exact_match'])} ({result['exact_matches']}/{result['drafts']} drafts)")
    return "\n".join(lines)


def _shown(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def main(argv: Sequence[str] | None = None) -> None:
    """Score check_post on a labelled JSONL file against a brand pack."""
    parser = argparse.ArgumentParser(prog="python -m tools.content.compliance_eval", description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="JSONL file of labelled drafts")
    parser.add_argument("--brand", type=Path, required=True, help="brand pack folder or its brand.yaml")
    parser.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    parser.add_argument("--misses", action="store_true", help="also list the drafts not matched exactly")
    args = parser.parse_args(argv)
    try:
        rulebook = load_rulebook(args.brand)
        examples = load_examples(args.data, rule_ids_of(rulebook))
    except (RulebookError, DataError) as exc:
        parser.error(str(exc))
    predicted = predict(examples, rulebook)
    result = score([e.expected for e in examples], predicted)
    missed = misses(examples, predicted) if args.misses else []
    if args.json:
        sys.stdout.write(json.dumps({**result, "misses": missed} if args.misses else result, indent=2) + "\n")
        return
    sys.stdout.write(format_table(result) + "\n")
    for miss in missed:
        sys.stdout.write(json.dumps(miss, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
