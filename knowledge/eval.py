"""Retrieval eval: hit@1, hit@3 and MRR of file + section over a question set, plain vector vs hybrid.

Run: `.venv/bin/python -m knowledge.eval --pack PATH --questions FILE.jsonl [--brand ID] [--misses]`.
Each question line: {"question", "file", "section"}; a hit is a result from that file and `##` section.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from knowledge.retrieval import PLAIN, Retriever, Weights
from knowledge.store import KnowledgeStore


def score(retriever: Retriever, questions: list[dict], k: int = 10) -> tuple[dict[str, float], list[dict]]:
    """hit@1, hit@3 and MRR over the questions, and the questions missed at 3."""
    hits1 = hits3 = 0
    reciprocal = 0.0
    misses = []
    for item in questions:
        results = retriever.search(item["question"], k=k)
        ranks = [n for n, hit in enumerate(results, 1) if (hit.source, hit.section) == (item["file"], item["section"])]
        rank = ranks[0] if ranks else None
        hits1 += rank == 1
        hits3 += rank is not None and rank <= 3
        reciprocal += 1 / rank if rank else 0.0
        if rank is None or rank > 3:
            misses.append({**item, "rank": rank, "got": [h.citation() for h in results[:3]]})
    n = max(len(questions), 1)
    return {"hit@1": hits1 / n, "hit@3": hits3 / n, "mrr": reciprocal / n, "n": len(questions)}, misses


def main() -> None:
    """Ingest the pack into a scratch store and score both retrieval modes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pack", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--brand", default="eval-brand")
    parser.add_argument("--misses", action="store_true", help="print the questions the hybrid mode missed")
    args = parser.parse_args()
    questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as home:
        store = KnowledgeStore.open(Path(home))
        store.ingest(args.pack, args.brand)
        for name, weights in (("plain vector", PLAIN), ("hybrid", Weights())):
            retriever = store.retriever(args.brand, weights)
            assert retriever is not None
            metrics, misses = score(retriever, questions)
            shown = "  ".join(f"{key} {value:.3f}" for key, value in metrics.items() if key != "n")
            sys.stdout.write(f"{name:13} {shown}  (n={metrics['n']})\n")
        if args.misses:
            for miss in misses:
                sys.stdout.write(json.dumps(miss) + "\n")


if __name__ == "__main__":
    main()
