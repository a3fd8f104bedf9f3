"""What is trending in a brand's mentions: hashtags and 1-3-word phrases rising against a baseline window.

Pure: no database, no model. `find_trends` reads the mentions of a recent window and of a longer baseline
window and returns the terms that rose, best first.

Candidates. Hashtags (matched case-insensitively, shown in their most common spelling) and word 1-3-grams
inside runs of text not broken by punctuation, line breaks, links, @handles, hashtags or emoji. A phrase may
not start or end with a stop word, a number or a one-letter word (inside it they are fine: "mac and cheese").
Text is NFKC-normalised, HTML entities unescaped, invisible and control characters dropped; '&' is the word
"and", hyphens and underscores join words ("cold-brew" counts as "cold brew"), a trailing "'s" is dropped.
`exclude` (the brand's names, handles and hashtags) is cut out of the text before n-grams are built, with and
without "and", camel case split and squashed ("Kettle & Ember", "@KettleEmber" and "kettle_ember" all cut
"kettle & ember", "kettle ember" and "kettleember"), so no phrase contains the brand; a hashtag is dropped when
its letters equal an excluded name, contain one of two or more words, or start with a one-word name of 4+
letters ("#KettleEmberLove" and "#EmberLove" go, "#December" stays for the brand "Ember"). A term counts once
per mention; it needs `min_authors` distinct authors and at least max(MIN_COUNT, min_authors) recent mentions.

Statistic. A term's baseline rate is per mention, smoothed by a Gamma prior of PRIOR_COUNT (1) occurrence in
PRIOR_MENTIONS (100) mentions: after b occurrences in N baseline mentions the rate is Gamma(1 + b, 100 + N).
The recent window's exposure E is its number of mentions, or the baseline's mentions per day times
`recent_days` when that is more (so a term must rise both per mention and per day: a crisis that multiplies
volume does not make every everyday word trend, and neither does a quiet weekend). The count k expected with
no change then follows the Gamma-Poisson predictive, a negative binomial with shape 1 + b and mean
`expected = (1 + b) * E / (100 + N)`. `lift = k / expected` and `score = -log10 P(K >= k)`, the surprise of
the recent count in decimal digits, computed exactly in log space (no underflow for huge rises). This is
honest for small counts both ways: a short or empty history widens the predictive (with no baseline at all
the prior alone gives a geometric predictive, so a term needs roughly a tenth of the recent mentions, and the
most prominent terms are what trends), while a long history of silence makes a few fresh mentions notable but
far less so than a big jump (at 150 mentions a day, 6 never-seen mentions score about 8, 2/day rising to 60
about 47, and 3 never-seen mentions fall below the threshold). A term is a trend when lift >= MIN_LIFT (2, a
guard against day-to-day overdispersion the Poisson model ignores) and score >= log10(m / FAMILY_ALPHA), a
Bonferroni bound over the m candidates tested, so noise alone makes a trend on about 1 % of days however many
phrases the text contains (1 in 200 simulated days of steady chatter).

Ranking and collapse. Trends are ordered by score, then count, then counting form of the term. Going down that
list, a term is dropped when at least OVERLAP (80 %) of its mentions are mentions of a trend already kept; when
the overlap holds both ways and the new term is a longer phrase containing the kept one ("cold brew kit" over
"cold brew"), the longer phrase takes its place.

Speed. Words become integer ids (each distinct whitespace token is parsed once per call) and n-grams are
counted with numpy, once per mention; the baseline is only searched for the recent candidates. Terms and
examples are data: control characters removed, capped in length. Reading the text (candidates, spellings,
display) is `tools.monitor.trend_terms`; this module scores, ranks and collapses.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np

from tools.monitor.trend_terms import (
    Brand,
    Vocabulary,
    Words,
    baseline_counts,
    display_examples,
    display_term,
    frequent_phrases,
    most_common,
    phrase_spellings,
    recent_hashtags,
)

PRIOR_COUNT = 1.0  # pseudo-occurrences of any term...
PRIOR_MENTIONS = 100.0  # ...in this many pseudo-mentions: the prior rate of a term never seen
MIN_COUNT = 3  # a trend needs at least this many recent mentions (and min_authors distinct authors)
MIN_LIFT = 2.0  # the recent rate must be at least this multiple of the smoothed baseline rate
FAMILY_ALPHA = 0.01  # chance that noise alone makes any trend at all (Bonferroni over the candidates)
OVERLAP = 0.8  # a term whose mentions are this much a kept trend's mentions is the same topic
MAX_SPELLING_READS = 200  # a phrase's spelling is the most common one among its first this-many mentions
_MAX_TAIL_STEPS = 2_000


@dataclass(frozen=True)
class TrendMention:
    """What the detector reads of one mention; `text` is untrusted data and `negative` the model's P(negative)."""

    text: str
    author: str
    created_at: datetime
    followers: int = 0
    negative: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not isinstance(self.author, str):
            raise TypeError("a trend mention needs text and author as strings")
        if not isinstance(self.created_at, datetime) or self.created_at.utcoffset() is None:
            raise ValueError("created_at must be a timezone-aware datetime")
        if isinstance(self.followers, bool) or not isinstance(self.followers, int) or self.followers < 0:
            raise ValueError(f"followers must be a whole number >= 0, not {self.followers!r}")
        if not 0.0 <= self.negative <= 1.0:
            raise ValueError(f"negative is a probability in [0, 1], not {self.negative!r}")


@dataclass(frozen=True)
class Trend:
    """A rising term of the recent window; `score` is -log10 of the chance of so many mentions with no change.

    `lift` is the recent rate over the smoothed baseline rate (per mention, or per day when volume fell: see
    the module docstring); `baseline_per_day` is the raw baseline count over `baseline_days`. `negative_share`
    is the mean P(negative) and `reach` the summed followers of the recent mentions using the term.
    """

    term: str
    kind: Literal["hashtag", "phrase"]
    count: int
    authors: int
    baseline_per_day: float
    lift: float
    score: float
    negative_share: float
    reach: int
    examples: tuple[str, ...]


def find_trends(
    recent: Sequence[TrendMention],
    baseline: Sequence[TrendMention],
    *,
    recent_days: float,
    baseline_days: float,
    exclude: Iterable[str] = (),
    min_authors: int = 3,
    limit: int = 5,
) -> list[Trend]:
    """The terms rising in `recent` against `baseline`, best first, at most `limit` (method: module docstring).

    `recent_days` and `baseline_days` are the lengths of the two windows (an empty baseline may have 0 days);
    `exclude` holds the brand's own names, handles and hashtags, which never trend.
    """
    _check_arguments(baseline, recent_days, baseline_days, min_authors, limit)
    if not recent:
        return []
    brand, vocabulary = Brand(exclude), Vocabulary()
    words = vocabulary.read([mention.text for mention in recent], brand)
    candidates, spellings = _candidates(recent, words, vocabulary, brand, min_authors)
    if not candidates:
        return []
    base_counts = baseline_counts([mention.text for mention in baseline], set(candidates), vocabulary, brand)
    exposure = _recent_exposure(len(recent), len(baseline), recent_days, baseline_days)
    scored = _scored(candidates, base_counts, exposure, PRIOR_MENTIONS + len(baseline))
    trends = []
    for score, count, key, lift in _collapse(scored, candidates, limit):
        used = [recent[i] for i in candidates[key].tolist()]
        if key.startswith("#"):
            spelling = most_common(spellings[key])
        else:
            spelling = most_common(phrase_spellings([m.text for m in used[:MAX_SPELLING_READS]], key)) or key
        trends.append(
            Trend(
                term=display_term(spelling),
                kind="hashtag" if key.startswith("#") else "phrase",
                count=count,
                authors=len({_author(m.author) for m in used}),
                baseline_per_day=base_counts[key] / baseline_days if baseline_days > 0 else 0.0,
                lift=lift,
                score=score,
                negative_share=sum(m.negative for m in used) / count,
                reach=sum(m.followers for m in used),
                examples=display_examples(m.text for m in sorted(used, key=_by_reach)),
            )
        )
    return trends


def _candidates(
    recent: Sequence[TrendMention], words: Words, vocabulary: Vocabulary, brand: Brand, min_authors: int
) -> tuple[dict[str, np.ndarray], dict[str, Counter[str]]]:
    """Terms with enough recent mentions and authors -> their mention indices; and the hashtags' spellings."""
    min_count = max(MIN_COUNT, min_authors)
    found = frequent_phrases(words, vocabulary, len(recent), min_count)
    hashtag_mentions, spellings = recent_hashtags(words.hashtags, brand)
    found |= {key: np.array(indices) for key, indices in hashtag_mentions.items() if len(indices) >= min_count}
    author_ids: dict[str, int] = {}
    authors = [author_ids.setdefault(_author(mention.author), len(author_ids)) for mention in recent]
    candidates = {
        key: indices for key, indices in found.items() if len({authors[i] for i in indices.tolist()}) >= min_authors
    }
    return candidates, spellings


def _scored(
    candidates: dict[str, np.ndarray], base_counts: Counter[str], exposure: float, base_exposure: float
) -> list[tuple[float, int, str, float]]:
    """(score, count, term, lift) of the candidates that rose enough, best first (see the module docstring)."""
    threshold = math.log10(len(candidates) / FAMILY_ALPHA)
    scored = []
    for key, indices in candidates.items():
        count = len(indices)
        shape = PRIOR_COUNT + base_counts[key]
        lift = count / (shape * exposure / base_exposure)
        if lift >= MIN_LIFT:
            score = -_log10_tail(count, shape, exposure / (base_exposure + exposure))
            if score >= threshold:
                scored.append((score, count, key, lift))
    return sorted(scored, key=_rank)


def _check_arguments(
    baseline: Sequence[TrendMention], recent_days: float, baseline_days: float, min_authors: int, limit: int
) -> None:
    """Reject window lengths and settings that cannot work, saying what would."""
    if not recent_days > 0:
        raise ValueError(f"recent_days must be positive (e.g. 1.0 for the last day), got {recent_days!r}")
    if not baseline_days >= 0:
        raise ValueError(f"baseline_days must be 0 or more (e.g. 28.0), got {baseline_days!r}")
    if baseline and baseline_days == 0:
        raise ValueError(f"baseline has {len(baseline)} mentions but baseline_days is 0; pass the window's length")
    if min_authors < 1 or limit < 1:
        raise ValueError(f"min_authors and limit must be at least 1, got {min_authors} and {limit}")


def _author(author: str) -> str:
    """The author as one identity, whatever the case or a leading '@'."""
    return author.strip().lstrip("@").casefold()


def _by_reach(mention: TrendMention) -> tuple[int, datetime, str]:
    """Sort key of the examples: widest reach first, then the earliest, then by text."""
    return -mention.followers, mention.created_at, mention.text


# --- Scoring and ranking -----------------------------------------------------------------------------------


def _recent_exposure(n_recent: int, n_baseline: int, recent_days: float, baseline_days: float) -> float:
    """The recent window's size in baseline mentions: its own count, or the baseline's daily volume if larger."""
    if n_baseline and baseline_days > 0:
        return max(float(n_recent), n_baseline * recent_days / baseline_days)
    return float(n_recent)


def _log10_tail(k: int, shape: float, q: float) -> float:
    """log10 P(K >= k) for K negative binomial with `shape` and failure probability `q` (mean shape*q/(1-q)).

    Needs k above the mean and shape >= 1, so the ratio of successive probabilities is below 1 and falls: the
    tail is summed from P(K = k) until it stops changing, the rest bounded by a geometric series.
    """
    log_pmf = math.lgamma(k + shape) - math.lgamma(shape) - math.lgamma(k + 1) + shape * math.log1p(-q)
    log_pmf += k * math.log(q)
    total = step = 1.0
    ratio = 0.0
    for j in range(k, k + _MAX_TAIL_STEPS):
        ratio = q * (j + shape) / (j + 1)
        step *= ratio
        total += step
        if step < 1e-12 * total:
            break
    else:
        total += step * ratio / (1.0 - ratio)
    return min(0.0, (log_pmf + math.log(total)) / math.log(10))


def _rank(row: tuple[float, int, str, float]) -> tuple[float, int, str]:
    """Sort key of a scored term: higher score, then more mentions, then the counting form."""
    return -row[0], -row[1], row[2]


def _collapse(
    scored: list[tuple[float, int, str, float]], mentions_of: dict[str, np.ndarray], limit: int
) -> list[tuple[float, int, str, float]]:
    """Up to `limit` trends, dropping those that are mostly another kept trend's mentions (longer phrase wins)."""
    kept: list[tuple[tuple[float, int, str, float], set[int]]] = []
    for row in scored:
        mine = set(mentions_of[row[2]].tolist())
        for position, (other, theirs) in enumerate(kept):
            shared = len(mine & theirs)
            if shared < OVERLAP * len(mine):
                continue
            if shared >= OVERLAP * len(theirs) and _extends(row[2], other[2]):
                kept[position] = (row, mine)
            break
        else:
            if len(kept) < limit:
                kept.append((row, mine))
    return sorted((row for row, _ in kept), key=_rank)


def _extends(longer: str, shorter: str) -> bool:
    """Whether phrase `longer` contains phrase `shorter` as whole words (hashtags extend nothing)."""
    return not longer.startswith("#") and not shorter.startswith("#") and f" {shorter} " in f" {longer} "
