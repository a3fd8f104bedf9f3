"""BM25 keyword scoring over a brand's chunks, with light stemming so "launched" finds "launch"."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import scipy.sparse as sp

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have how i if in into is it its
    me my of on or our out should so than that the their them then there these they this to up us was we were
    what when where which who why will with would you your about any all also just more most not only over
    some such very via""".split()
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "ly", "s")


def stem(word: str) -> str:
    """A deliberately light stemmer: strip one common suffix, keeping at least four letters."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            return word[:-1] + "y" if suffix in ("ies", "ied") else word
    return word


def terms(text: str) -> list[str]:
    """Stemmed content words of a text."""
    return [stem(t) for t in _TOKEN.findall(text.lower().replace("’", "'")) if t not in STOPWORDS]


class KeywordIndex:
    """Okapi BM25 (k1=1.2, b=0.75) over fixed documents, as a sparse term matrix."""

    def __init__(self, documents: list[str], k1: float = 1.2, b: float = 0.75) -> None:
        """Index the documents once."""
        self.vocabulary: dict[str, int] = {}
        rows, cols, values = [], [], []
        lengths = np.zeros(len(documents), dtype=np.float32)
        for row, document in enumerate(documents):
            counts = Counter(terms(document))
            lengths[row] = sum(counts.values())
            for term, count in counts.items():
                rows.append(row)
                cols.append(self.vocabulary.setdefault(term, len(self.vocabulary)))
                values.append(count)
        shape = (len(documents), max(len(self.vocabulary), 1))
        tf = sp.csr_matrix((np.asarray(values, dtype=np.float32), (rows, cols)), shape=shape)
        frequency = np.bincount(np.asarray(cols, dtype=np.int64), minlength=shape[1]).astype(np.float32)
        n = max(len(documents), 1)
        self.idf = np.log1p((n - frequency + 0.5) / (frequency + 0.5)).astype(np.float32)
        average = float(lengths.mean()) if len(documents) else 1.0
        norm = k1 * (1 - b + b * lengths / max(average, 1e-9))
        tf = tf.tocoo()
        weighted = tf.data * (k1 + 1) / (tf.data + norm[tf.row])
        self.matrix = sp.csc_matrix((weighted.astype(np.float32), (tf.row, tf.col)), shape=shape)
        self.size = len(documents)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for the query (zeros when no term matches)."""
        columns = [self.vocabulary[t] for t in set(terms(query)) if t in self.vocabulary]
        if not columns:
            return np.zeros(self.size, dtype=np.float32)
        weights = self.idf[columns]
        return np.asarray(self.matrix[:, columns] @ weights).ravel()
