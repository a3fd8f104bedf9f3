"""Trains the router's classifier from the exemplar files and scores it: `python -m agents.routing.train`."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from agents.router import SHIPPED_MODEL_PATH, Router, current_fingerprint, load_router_model
from agents.routing.classifier import featurize, fit_cascade, training_set
from agents.routing.exemplars import load_exemplars


def cross_validate(folds: int = 5, c: float = 32.0) -> float:
    """Stratified k-fold accuracy of the classifier on the exemplars themselves."""
    from sklearn.model_selection import StratifiedKFold

    texts, labels = training_set(load_exemplars())
    lexical, full = featurize(texts)
    y = np.array(labels)
    correct = 0
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=7).split(full, y):
        model = fit_cascade(lexical[train_idx], full[train_idx], list(y[train_idx]), "cv", c=c)
        predicted = np.array(model.labels)[model.probabilities_for([texts[i] for i in test_idx]).argmax(axis=1)]
        correct += int((predicted == y[test_idx]).sum())
    return correct / len(y)


def evaluate(router: Router, path: Path) -> dict[str, object]:
    """Score a labelled JSONL set: in-scope routed acceptably, out-of-scope declined."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    in_ok = in_n = out_ok = out_n = 0
    misses: list[dict[str, object]] = []
    methods: Counter[str] = Counter()
    for row in rows:
        decision = router.route(row["text"])
        methods[decision.method] += 1
        labels = row["labels"]
        if labels == [None]:
            out_n += 1
            out_ok += decision.agent is None
            ok = decision.agent is None
        else:
            in_n += 1
            ok = decision.agent in labels
            in_ok += ok
        if not ok:
            misses.append(
                {
                    "text": row["text"],
                    "labels": labels,
                    "got": decision.agent,
                    "confidence": round(decision.confidence, 3),
                }
            )
    return {
        "in_scope_accuracy": in_ok / max(in_n, 1),
        "out_of_scope_declined": out_ok / max(out_n, 1),
        "overall": (in_ok + out_ok) / max(len(rows), 1),
        "n": len(rows),
        "methods": dict(methods),
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    """Train, save the shipped model, and optionally cross-validate and evaluate."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cv", action="store_true", help="report 5-fold accuracy on the exemplars")
    parser.add_argument("--eval", type=Path, help="a labelled JSONL set to score")
    parser.add_argument("--no-save", action="store_true", help="don't overwrite the shipped model")
    parser.add_argument("--c", type=float, default=32.0, help="inverse regularisation strength")
    parser.add_argument("--shipped", action="store_true", help="evaluate the shipped model; don't train")
    args = parser.parse_args(argv)
    data = load_exemplars()
    if args.shipped:
        if not args.eval:
            parser.error("--shipped needs --eval FILE")
        result = evaluate(Router(load_router_model(), data), args.eval)
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return 0
    texts, labels = training_set(data)
    lexical, full = featurize(texts)
    model = fit_cascade(lexical, full, labels, current_fingerprint(), c=args.c)
    if not args.no_save:
        model.save(SHIPPED_MODEL_PATH)
    out: dict[str, object] = {"exemplars": len(texts), "labels": len(model.labels)}
    if args.cv:
        out["cv_accuracy"] = round(cross_validate(c=args.c), 4)
    if args.eval:
        out["eval"] = evaluate(Router(model, data), args.eval)
    sys.stdout.write(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
