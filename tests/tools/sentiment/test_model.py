"""The weights file: round trip without pickle, and errors that say how to rebuild it."""

import zipfile

import numpy as np
import pytest

from tools.sentiment.features import FEATURE_NAMES
from tools.sentiment.model import MODEL_PATH, LinearModel, ModelFileError, load_model


def tiny_model(n_features=3):
    rng = np.random.default_rng(0)
    return LinearModel(
        coef=rng.normal(size=(3, n_features)),
        intercept=np.array([0.1, 0.0, -0.1]),
        mean=np.zeros(n_features),
        scale=np.ones(n_features),
        classes=("negative", "neutral", "positive"),
        feature_names=tuple(f"f{i}" for i in range(n_features)),
        provenance="test",
        params={"C": 0.5, "class_weight": None},
    )


def test_a_saved_model_loads_back_with_the_same_probabilities(tmp_path):
    model = tiny_model()
    model.save(tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz")
    x = np.random.default_rng(1).normal(size=(5, 3))
    assert np.allclose(loaded.probabilities(x), model.probabilities(x), atol=1e-5)
    assert loaded.params == {"C": 0.5, "class_weight": None} and loaded.classes == model.classes


def test_probabilities_are_a_distribution_per_row():
    probabilities = tiny_model().probabilities(np.random.default_rng(2).normal(size=(4, 3)) * 100)
    assert probabilities.shape == (4, 3) and np.allclose(probabilities.sum(axis=1), 1.0)


def test_the_shipped_weights_load_without_pickle_and_name_their_provenance():
    with np.load(MODEL_PATH, allow_pickle=False) as data:
        assert data["coef"].dtype != object
    shipped = load_model()
    assert shipped.feature_names == FEATURE_NAMES
    assert shipped.coef.shape == (3, len(FEATURE_NAMES))
    assert "tweeteval" in shipped.provenance and set(shipped.params) == {"C", "class_weight"}


def test_a_missing_file_says_how_to_rebuild_it(tmp_path):
    with pytest.raises(ModelFileError, match="missing.*python -m tools.sentiment.train"):
        load_model(tmp_path / "nope.npz")


def test_a_corrupt_file_is_reported_as_corrupt(tmp_path):
    path = tmp_path / "bad.npz"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(ModelFileError, match="unreadable or corrupt"):
        load_model(path)


def test_a_file_without_some_arrays_is_reported(tmp_path):
    path = tmp_path / "partial.npz"
    tiny_model().save(path)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp_path / "cut.npz", "w") as target:
        for name in source.namelist():
            if name != "coef.npy":
                target.writestr(name, source.read(name))
    with pytest.raises(ModelFileError, match="corrupt"):
        load_model(tmp_path / "cut.npz")


def test_inconsistent_shapes_are_refused():
    with pytest.raises(ModelFileError, match="inconsistent"):
        LinearModel(**{**tiny_model().__dict__, "intercept": np.zeros(2)})
