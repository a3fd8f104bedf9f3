"""Train and cross-validate the sentiment model on TweetEval: data loading, VADER's folds, nested CV and fitting."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import numpy as np

from tools.sentiment.features import FEATURE_NAMES
from tools.sentiment.lexicon import compound_label
from tools.sentiment.model import LinearModel

CLASS_NAMES = ("negative", "neutral", "positive")  # TweetEval's label ids 0, 1, 2
GRID: dict[str, tuple[object, ...]] = {"C": (0.0003, 0.001, 0.003, 0.01, 0.03), "class_weight": (None, "balanced")}


class DatasetError(ValueError):
    """The TweetEval folder is missing files or its texts and labels do not line up."""


def load_tweeteval(folder: Path, split: str = "val") -> tuple[list[str], np.ndarray]:
    """The texts and integer labels of `{split}_text.txt` / `{split}_labels.txt`, one tweet per line."""
    try:
        texts = (folder / f"{split}_text.txt").read_text(encoding="utf-8").split("\n")
        labels = (folder / f"{split}_labels.txt").read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError(f"can't read the TweetEval {split} split in {folder}: {error}") from None
    if texts and texts[-1] == "":
        texts.pop()
    if len(texts) != len(labels) or not labels:
        raise DatasetError(f"{folder}: {len(texts)} texts but {len(labels)} labels in the {split} split")
    y = np.array([int(label) for label in labels])
    if not set(y) <= {0, 1, 2}:
        raise DatasetError(f"{folder}: labels must be 0, 1 or 2")
    return texts, y


def macro_recall(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Recall averaged over the three classes with equal weight: the TweetEval sentiment metric."""
    return float(np.mean([np.mean(predicted[truth == k] == k) for k in range(len(CLASS_NAMES)) if (truth == k).any()]))


def stratified_folds(labels: np.ndarray, folds: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffled stratified k-fold (train, test) index pairs."""
    from sklearn.model_selection import StratifiedKFold

    return list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(labels, labels))


def vader_fold_recalls(compounds: np.ndarray, labels: np.ndarray, splits: Sequence[tuple]) -> list[float]:
    """VADER's macro recall on each test fold (it learns nothing, so the train folds are unused)."""
    predicted = np.array([CLASS_NAMES.index(compound_label(float(c))) for c in compounds])
    return [macro_recall(labels[test], predicted[test]) for _, test in splits]


def fit_model(features: np.ndarray, labels: np.ndarray, params: dict[str, object], provenance: str = "") -> LinearModel:
    """Standardise, then fit a multinomial logistic regression with `params` (C, class_weight)."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale < 1e-12] = 1.0
    with threadpool_limits(limits=1):  # small problem: threads only oversubscribe the machine
        fitted = LogisticRegression(C=params["C"], class_weight=params["class_weight"], max_iter=5000)
        fitted.fit((features - mean) / scale, labels)
    return LinearModel(
        coef=fitted.coef_,
        intercept=fitted.intercept_,
        mean=mean,
        scale=scale,
        classes=tuple(CLASS_NAMES[k] for k in fitted.classes_),
        feature_names=FEATURE_NAMES,
        provenance=provenance,
        params=dict(params),
    )


def predict(model: LinearModel, features: np.ndarray) -> np.ndarray:
    """Label ids (TweetEval's numbering) of the most probable class."""
    order = np.array([CLASS_NAMES.index(name) for name in model.classes])
    return order[np.argmax(model.probabilities(features), axis=1)]


def grid_points(grid: dict[str, tuple[object, ...]]) -> Iterator[dict[str, object]]:
    """Every combination of the grid's values."""
    for values in product(*grid.values()):
        yield dict(zip(grid, values, strict=True))


@dataclass(frozen=True)
class Selection:
    """The grid point with the best mean CV macro recall, and every point's mean."""

    params: dict[str, object]
    table: list[tuple[dict[str, object], float]]


def select_params(
    features: np.ndarray, labels: np.ndarray, grid: dict[str, tuple[object, ...]], folds: int = 5, seed: int = 0
) -> Selection:
    """Choose hyperparameters by stratified k-fold CV macro recall on (features, labels) alone."""
    splits = stratified_folds(labels, folds, seed)
    table = []
    for params in grid_points(grid):
        recalls = [
            macro_recall(labels[test], predict(fit_model(features[train], labels[train], params), features[test]))
            for train, test in splits
        ]
        table.append((params, float(np.mean(recalls))))
    best = max(table, key=lambda row: row[1])  # ties: the first, i.e. the smallest C
    return Selection(params=best[0], table=table)


def nested_cv_recalls(
    features: np.ndarray, labels: np.ndarray, grid: dict[str, tuple[object, ...]], folds: int = 5, seed: int = 0
) -> tuple[list[float], list[dict[str, object]]]:
    """Outer-fold macro recalls of the whole procedure (inner CV picks the params, then fit), and each fold's pick."""
    recalls, picks = [], []
    for train, test in stratified_folds(labels, folds, seed):
        chosen = select_params(features[train], labels[train], grid, folds, seed + 1).params
        model = fit_model(features[train], labels[train], chosen)
        recalls.append(macro_recall(labels[test], predict(model, features[test])))
        picks.append(chosen)
    return recalls, picks
