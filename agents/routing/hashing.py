"""One document's `HashingVectorizer` row as index and value arrays, without sklearn's sparse-matrix overhead."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32


class NgramHasher:
    """`HashingVectorizer.transform` of a single document, for unsigned, non-binary, l2-normalised float64 counts."""

    def __init__(self, vectorizer: HashingVectorizer) -> None:
        """Hash with `vectorizer`'s own analyzer (its tokens and n-grams) and width."""
        if vectorizer.alternate_sign or vectorizer.binary or vectorizer.norm != "l2" or vectorizer.dtype != np.float64:
            raise ValueError("NgramHasher reproduces only unsigned, non-binary, l2-normalised float64 counts")
        self.analyzer = vectorizer.build_analyzer()
        self.n_features = vectorizer.n_features

    def row(self, document: str) -> tuple[np.ndarray, np.ndarray]:
        """Ascending column indices and their values, as in `vectorizer.transform([document])`."""
        # FeatureHasher's hash: signed murmurhash3 of the UTF-8 bytes, seed 0. Taking abs in int64 gives what its
        # special case for -2**31 gives: abs(-2**31) % n_features.
        hashes = np.fromiter(map(murmurhash3_32, self.analyzer(document)), dtype=np.int64)
        columns, counts = np.unique(np.abs(hashes) % self.n_features, return_counts=True)
        values = counts.astype(np.float64)
        norm = np.sqrt(values @ values)  # sums of squared counts are exact, so the summation order cannot matter
        return columns, values / norm if norm else values
