"""Predict a draft's engagement rate from the brand's own history, with an honest prediction interval."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from tools.analytics.best_times import BestTimes, PostRecord
from tools.content.text import find_hashtags, find_links, find_markers

MIN_POSTS_FOR_MODEL = 12  # below this, the slot estimate alone (and its wider interval) is the prediction
RIDGE = 1.0
FEATURES = ("slot", "length", "hashtags", "link", "media", "question")


@dataclass(frozen=True)
class PastPost:
    """A published post with its text, for learning what drives engagement."""

    record: PostRecord
    text: str


@dataclass(frozen=True)
class Prediction:
    """Expected engagement rate, an 80% prediction interval, and how it was made."""

    rate: float
    low: float
    high: float
    posts: int
    method: str  # "regression" or "slot prior"

    def sentence(self) -> str:
        """The prediction in plain words, with its basis."""
        basis = (
            f"a regression on {self.posts} of the brand's posts (time slot, length, hashtags, link, media)"
            if self.method == "regression"
            else f"the time slot alone ({self.posts} past posts on this platform are too few to learn more)"
        )
        return (
            f"Expected engagement rate {self.rate:.2%}, 80% of posts like it land between {self.low:.2%} and "
            f"{self.high:.2%}; from {basis}."
        )


def features(text: str, slot_rate: float) -> list[float]:
    """The model's inputs for one post: its slot's expected rate (log), length, hashtags, link, media, question."""
    markers = find_markers(text)
    return [
        math.log(max(slot_rate, 1e-6)),
        min(len(text), 3000) / 1000,
        float(len(find_hashtags(text))),
        1.0 if find_links(text) else 0.0,
        1.0 if any(m.kind in ("image", "video") for m in markers) else 0.0,
        1.0 if "?" in text else 0.0,
    ]


@dataclass(frozen=True)
class RidgeFit:
    """A ridge regression with an unpenalised intercept: coefficients, their (X'X + λI)⁻¹ and residual spread."""

    beta: np.ndarray  # intercept first
    inverse: np.ndarray
    sigma: float

    def predict(self, row: np.ndarray) -> tuple[float, float]:
        """(prediction, standard error of a new observation) for one feature row."""
        new = np.concatenate([[1.0], row])
        return float(new @ self.beta), self.sigma * math.sqrt(1.0 + float(new @ self.inverse @ new))


def fit_ridge(x: np.ndarray, y: np.ndarray, alpha: float = RIDGE) -> RidgeFit:
    """Least squares with an L2 penalty `alpha` on every coefficient but the intercept."""
    design = np.column_stack([np.ones(len(x)), x])
    penalty = alpha * np.eye(design.shape[1])
    penalty[0, 0] = 0.0
    inverse = np.linalg.inv(design.T @ design + penalty)
    beta = inverse @ design.T @ y
    residuals = y - design @ beta
    dof = max(len(y) - design.shape[1], 1)
    return RidgeFit(beta, inverse, math.sqrt(float(residuals @ residuals) / dof))


def predict(past: Sequence[PastPost], times: BestTimes, text: str, when: datetime, timezone: str) -> Prediction:
    """Predict the engagement rate of `text` posted at `when` on `times.platform`.

    The model is a ridge regression on the log of past posts' rates; the interval is a prediction interval
    (the residual spread plus the coefficients' uncertainty), so it stays wide when the history is short or
    noisy. With fewer than `MIN_POSTS_FOR_MODEL` posts the slot's own estimate and interval are returned.
    """
    zone = ZoneInfo(timezone)
    slot_of = {(s.weekday, s.hour): s for s in times.slots}
    local = when.astimezone(zone)
    slot = slot_of[(local.weekday(), local.hour)]
    usable = [p for p in past if p.record.platform == times.platform and p.record.impressions > 0]
    if len(usable) < MIN_POSTS_FOR_MODEL:
        return Prediction(slot.rate, slot.low, slot.high, len(usable), "slot prior")
    rows, targets = [], []
    for post in usable:
        posted = post.record.posted_at.astimezone(zone)
        rate = max(post.record.engagements / post.record.impressions, 1e-6)
        rows.append(features(post.text, slot_of[(posted.weekday(), posted.hour)].rate))
        targets.append(math.log(rate))
    fitted = fit_ridge(np.asarray(rows), np.asarray(targets))
    centre, spread = fitted.predict(np.asarray(features(text, slot.rate)))
    sigma = fitted.sigma
    half = 1.2816 * spread
    smear = math.exp(sigma**2 / 2)  # a log-normal's mean is above its median
    return Prediction(
        rate=min(math.exp(centre) * smear, 1.0),
        low=min(math.exp(centre - half), 1.0),
        high=min(math.exp(centre + half), 1.0),
        posts=len(usable),
        method="regression",
    )
