"""Retrain the shipped sentiment model, or re-score it, and print CV macro recall and throughput beside VADER's.

python -m tools.sentiment.train --data /work/shared/data/tweeteval_sentiment            # retrain, write npz
python -m tools.sentiment.train --data /work/shared/data/tweeteval_sentiment --eval-only
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

from tools.sentiment.encoder import RECIPE
from tools.sentiment.evaluation import (
    GRID,
    DatasetError,
    fit_model,
    load_tweeteval,
    macro_recall,
    nested_cv_recalls,
    predict,
    select_params,
    stratified_folds,
    vader_fold_recalls,
)
from tools.sentiment.features import mention_features
from tools.sentiment.lexicon import vader_scores
from tools.sentiment.model import MODEL_PATH, ModelFileError, load_model
from tools.sentiment.scorer import SentimentScorer

SOURCE = "cardiffnlp/tweeteval sentiment, validation split (SemEval-2017 Task 4)"


def say(line: str = "") -> None:
    """Write one line of the report to stdout."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def summary(recalls: list[float]) -> str:
    """Mean and spread of per-fold scores."""
    return f"{np.mean(recalls):.4f} +- {np.std(recalls):.4f} (folds: {', '.join(f'{r:.3f}' for r in recalls)})"


def throughput(texts: list[str], model_path: Path) -> None:
    """Time VADER and the full scorer (normalise, embed, VADER, classify, emotions) on the same texts."""
    scorer = SentimentScorer(load_model(model_path))
    scorer.score(["warm up the encoder and the emotion prototypes"])
    start = time.perf_counter()
    vader_scores(texts)
    vader_seconds = time.perf_counter() - start
    start = time.perf_counter()
    scorer.score(texts)
    model_seconds = time.perf_counter() - start
    say(f"Throughput on {len(texts)} texts, CPU, one thread (int8 ONNX encoder, {RECIPE}):")
    say(f"  VADER  {len(texts) / vader_seconds:10.0f} texts/s (one text at a time)")
    say(f"  model  {len(texts) / model_seconds:10.0f} texts/s (SentimentScorer.score, one text per encoder run)")


def train(features: np.ndarray, labels: np.ndarray, args: argparse.Namespace, vader: list[float]) -> None:
    """Nested CV of the whole procedure, then pick params on all the data, fit and write the npz."""
    recalls, picks = nested_cv_recalls(features, labels, GRID, args.folds, args.seed)
    say(f"Model (MiniLM + VADER features, logistic regression) nested {args.folds}-fold CV macro recall:")
    say(f"  {summary(recalls)}")
    say(f"  inner-CV picks per outer fold: {picks}")
    selection = select_params(features, labels, GRID, args.folds, args.seed)
    say(f"Hyperparameters by {args.folds}-fold CV on all {len(labels)} tweets (mean macro recall):")
    for params, score in selection.table:
        say(f"  {params}  {score:.4f}{'  <- chosen' if params == selection.params else ''}")
    provenance = (
        f"trained {dt.date.today().isoformat()} by tools.sentiment.train on {SOURCE}, {len(labels)} tweets; "
        f"features: all-MiniLM-L6-v2 ({RECIPE}: int8 weights per channel, onnxruntime {version('onnxruntime')}) "
        f"mean-pooled embedding of the normalised tweet + VADER "
        f"{version('vaderSentiment')} neg/neu/pos/compound, standardised; multinomial logistic regression "
        f"{selection.params} chosen by {args.folds}-fold stratified CV macro recall; nested CV macro recall "
        f"{np.mean(recalls):.4f} vs VADER {np.mean(vader):.4f}; scikit-learn {version('scikit-learn')}"
    )
    model = fit_model(features, labels, selection.params, provenance)
    model.save(args.out)
    say(f"Wrote {args.out}")


def evaluate(features: np.ndarray, labels: np.ndarray, args: argparse.Namespace) -> None:
    """Cross-validate the shipped model's hyperparameters and show its (optimistic) score on its own training data."""
    shipped = load_model(args.out)
    say(f"Shipped model: {shipped.provenance}")
    recalls = [
        macro_recall(labels[test], predict(fit_model(features[train], labels[train], shipped.params), features[test]))
        for train, test in stratified_folds(labels, args.folds, args.seed)
    ]
    say(f"Model with the shipped hyperparameters {shipped.params}, {args.folds}-fold CV macro recall:")
    say(f"  {summary(recalls)}  (params were chosen on these tweets: see the nested figure from training)")
    say(f"Shipped weights on the tweets they were trained on: {macro_recall(labels, predict(shipped, features)):.4f}")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, and return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m tools.sentiment.train", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with val_text.txt and val_labels.txt")
    parser.add_argument("--eval-only", action="store_true", help="score the shipped model and VADER; write nothing")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="the weights file to write (or read)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        texts, labels = load_tweeteval(args.data)
    except DatasetError as error:
        sys.stderr.write(f"Error: {error}\n")
        return 2
    say(f"{len(texts)} tweets from {args.data} (labels: {np.bincount(labels, minlength=3).tolist()} neg/neu/pos)")
    features = mention_features(texts)
    splits = stratified_folds(labels, args.folds, args.seed)
    vader = vader_fold_recalls(features.lexicon[:, 3], labels, splits)
    say(f"VADER (compound +-0.05) {args.folds}-fold CV macro recall: {summary(vader)}")
    try:
        if args.eval_only:
            evaluate(features.matrix, labels, args)
        else:
            train(features.matrix, labels, args, vader)
    except ModelFileError as error:
        sys.stderr.write(f"Error: {error}\n")
        return 1
    throughput(texts, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
