"""Knowledge-store query latency at 1k, 10k and 100k chunks beside exact NumPy search, plus embedding throughput.

Run: `.venv/bin/python bench/retrieval.py [--sizes 1000,10000,100000] [--queries 200]`.
Vectors at scale are MiniLM embeddings of the shipped sample brand's sentences plus Gaussian noise (so the
store sees the clustered shape real chunks have); each size goes into a fresh embedded Chroma collection with
the store's HNSW settings. For every query the exact top 5 by brute force is the baseline for both latency and
recall@5. Embedding throughput is measured on the real sentences.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge.chunking import chunk_document, sentences  # noqa: E402
from knowledge.documents import pack_files, read_text  # noqa: E402
from knowledge.store import KnowledgeStore  # noqa: E402
from tools.embeddings import encode, load_encoder  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "knowledge" / "sample_brand"
K = 5


def sample_texts() -> list[str]:
    """Every chunk and sentence of the shipped sample brand."""
    texts = []
    for source in pack_files(SAMPLE):
        for chunk in chunk_document(source.relative, read_text(source)):
            texts.append(chunk.embedding_text())
            texts.extend(sentences(chunk.text))
    return texts


def synthetic(centres: np.ndarray, n: int, rng: np.random.Generator, noise: float = 0.06) -> np.ndarray:
    """Unit vectors (n of them) scattered around real embeddings."""
    picked = centres[rng.integers(0, len(centres), n)]
    vectors = picked + rng.normal(0, noise, picked.shape).astype(np.float32)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def ms(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def run_size(store: KnowledgeStore, size: int, centres: np.ndarray, queries: np.ndarray) -> None:
    """Fill a collection of `size` vectors and time both searches for every query."""
    rng = np.random.default_rng(size)
    vectors = synthetic(centres, size, rng)
    collection = store.collection(f"bench-{size}", create=True)
    start = time.perf_counter()
    batch = 5000
    for first in range(0, size, batch):
        chunk = vectors[first : first + batch]
        collection.add(ids=[str(first + i) for i in range(len(chunk))], embeddings=chunk)
    build = time.perf_counter() - start
    chroma, exact, recalls = [], [], []
    for query in queries:
        t0 = time.perf_counter()
        found = collection.query(query_embeddings=[query], n_results=K, include=[])
        t1 = time.perf_counter()
        top = np.argpartition(-(vectors @ query), K)[:K]
        t2 = time.perf_counter()
        chroma.append(t1 - t0)
        exact.append(t2 - t1)
        recalls.append(len({int(i) for i in found["ids"][0]} & {int(i) for i in top}) / K)
    c50, c95 = ms(chroma)
    e50, e95 = ms(exact)
    print(
        f"{size:>7} chunks  chroma p50 {c50:6.2f} ms  p95 {c95:6.2f} ms | numpy exact p50 {e50:6.2f} ms  "
        f"p95 {e95:6.2f} ms | p95 ratio {c95 / e95:5.2f}x | recall@5 {statistics.mean(recalls):.3f} | "
        f"built in {build:5.1f} s"
    )


def main() -> None:
    """Measure embedding throughput, then latency and recall at each size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    load_encoder()
    texts = sample_texts()
    encode(texts[:32])  # warm-up
    start = time.perf_counter()
    centres = encode(texts)
    elapsed = time.perf_counter() - start
    print(f"cores {os.cpu_count()}; embedding throughput {len(texts) / elapsed:.0f} texts/s ({len(texts)} real texts)")
    rng = np.random.default_rng(7)
    queries = synthetic(centres, args.queries, rng, noise=0.08)
    with tempfile.TemporaryDirectory() as home:
        store = KnowledgeStore.open(Path(home))
        for size in (int(s) for s in args.sizes.split(",")):
            run_size(store, size, centres, queries)


if __name__ == "__main__":
    main()
