"""Cross-validation on TweetEval: the shipped recipe beats VADER; the training script retrains and re-scores."""

import numpy as np
import pytest
from shared import needs_shared, shared_path

from tools.sentiment.evaluation import (
    DatasetError,
    fit_model,
    load_tweeteval,
    macro_recall,
    predict,
    stratified_folds,
    vader_fold_recalls,
)
from tools.sentiment.features import mention_features
from tools.sentiment.model import load_model
from tools.sentiment.train import main as train_main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tweeteval():
    texts, labels = load_tweeteval(shared_path("data", "tweeteval_sentiment"))
    return mention_features(texts), labels


@needs_shared("data", "tweeteval_sentiment", "val_text.txt")
def test_the_shipped_recipe_beats_vader_in_five_fold_cv(tweeteval):
    features, labels = tweeteval
    assert len(labels) == 2000
    splits = stratified_folds(labels, 5, seed=0)
    vader = np.mean(vader_fold_recalls(features.lexicon[:, 3], labels, splits))
    params = load_model().params
    model = np.mean(
        [
            macro_recall(
                labels[test], predict(fit_model(features.matrix[train], labels[train], params), features.matrix[test])
            )
            for train, test in splits
        ]
    )
    assert model >= 0.60
    assert model > vader + 0.02


def test_macro_recall_weighs_each_class_equally():
    truth = np.array([0, 1, 1, 1, 2, 2])
    assert macro_recall(truth, np.array([0, 1, 1, 1, 2, 2])) == 1.0
    assert macro_recall(truth, np.array([1, 1, 1, 1, 2, 2])) == pytest.approx(2 / 3)


def test_a_dataset_whose_texts_and_labels_disagree_is_refused(tmp_path):
    (tmp_path / "val_text.txt").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "val_labels.txt").write_text("0\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="2 texts but 1 labels"):
        load_tweeteval(tmp_path)
    with pytest.raises(DatasetError, match="can't read"):
        load_tweeteval(tmp_path / "missing")


def write_toy_dataset(folder):
    texts = [f"I love it, great {i}" for i in range(8)]
    texts += [f"I hate it, awful {i}" for i in range(8)]
    texts += [f"It opens at {i} pm on Monday" for i in range(8)]
    (folder / "val_text.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    (folder / "val_labels.txt").write_text("\n".join(["2"] * 8 + ["0"] * 8 + ["1"] * 8) + "\n", encoding="utf-8")


def test_the_training_script_writes_a_loadable_model_and_eval_only_rescores_it(tmp_path, capsys):
    write_toy_dataset(tmp_path)
    out = tmp_path / "model.npz"
    assert train_main(["--data", str(tmp_path), "--out", str(out), "--folds", "2"]) == 0
    trained = capsys.readouterr().out
    assert "VADER (compound +-0.05) 2-fold CV macro recall" in trained and "<- chosen" in trained
    assert "texts/s" in trained and f"Wrote {out}" in trained
    model = load_model(out)
    assert "24 tweets" in model.provenance

    assert train_main(["--data", str(tmp_path), "--out", str(out), "--folds", "2", "--eval-only"]) == 0
    rescored = capsys.readouterr().out
    assert "Model with the shipped hyperparameters" in rescored and "Wrote" not in rescored


def test_the_training_script_explains_a_bad_data_folder(tmp_path, capsys):
    assert train_main(["--data", str(tmp_path / "nowhere")]) == 2
    assert "can't read the TweetEval val split" in capsys.readouterr().err
