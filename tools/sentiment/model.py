"""The shipped sentiment classifier: a multinomial logistic regression stored as plain arrays in an npz (no pickle)."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("sentiment_model.npz")
FORMAT = "brandpilot-sentiment-linear/1"
RETRAIN_HINT = "python -m tools.sentiment.train --data /work/shared/data/tweeteval_sentiment"


class ModelFileError(RuntimeError):
    """A model file (the weights, or the built encoder) is missing, unreadable or cannot be built."""


@dataclass(frozen=True)
class LinearModel:
    """Standardise the features, then softmax(x @ coef.T + intercept) over `classes`."""

    coef: np.ndarray  # (n_classes, n_features)
    intercept: np.ndarray  # (n_classes,)
    mean: np.ndarray  # (n_features,) subtracted before scaling
    scale: np.ndarray  # (n_features,) divided after centring
    classes: tuple[str, ...]
    feature_names: tuple[str, ...]
    provenance: str
    params: dict[str, object]  # the training hyperparameters, e.g. {"C": 0.001, "class_weight": "balanced"}

    def __post_init__(self) -> None:
        n_classes, n_features = self.coef.shape
        shapes_ok = (
            self.intercept.shape == (n_classes,)
            and self.mean.shape == self.scale.shape == (n_features,)
            and len(self.classes) == n_classes
            and len(self.feature_names) == n_features
        )
        if not shapes_ok:
            raise ModelFileError(f"inconsistent array shapes in the sentiment model ({self.coef.shape} weights)")
        if not all(np.isfinite(a).all() for a in (self.coef, self.intercept, self.mean, self.scale)):
            raise ModelFileError("the sentiment model holds non-finite numbers")

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities, one row per feature row, columns in `classes` order."""
        logits = ((features - self.mean) / self.scale) @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        return weights / weights.sum(axis=1, keepdims=True)

    def save(self, path: Path = MODEL_PATH) -> None:
        """Write the arrays and strings to a compressed npz that loads without pickle."""
        np.savez_compressed(
            path,
            format=np.array(FORMAT),
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
            mean=self.mean.astype(np.float32),
            scale=self.scale.astype(np.float32),
            classes=np.array(self.classes),
            feature_names=np.array(self.feature_names),
            provenance=np.array(self.provenance),
            params=np.array(json.dumps(self.params, sort_keys=True)),
        )


def load_model(path: Path = MODEL_PATH) -> LinearModel:
    """Read a model written by `LinearModel.save`, with an error that says how to rebuild it when that fails."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["format"]) != FORMAT:
                raise ModelFileError(f"{path} is in format {data['format']!s}, expected {FORMAT}")
            return LinearModel(
                coef=data["coef"].astype(np.float64),
                intercept=data["intercept"].astype(np.float64),
                mean=data["mean"].astype(np.float64),
                scale=data["scale"].astype(np.float64),
                classes=tuple(str(c) for c in data["classes"]),
                feature_names=tuple(str(f) for f in data["feature_names"]),
                provenance=str(data["provenance"]),
                params=json.loads(str(data["params"])),
            )
    except FileNotFoundError:
        raise ModelFileError(f"the sentiment model {path} is missing; rebuild it with `{RETRAIN_HINT}`") from None
    except ModelFileError as error:
        raise ModelFileError(f"{error}; rebuild it with `{RETRAIN_HINT}`") from None
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ModelFileError(
            f"the sentiment model {path} is unreadable or corrupt ({error}); rebuild it with `{RETRAIN_HINT}`"
        ) from None
