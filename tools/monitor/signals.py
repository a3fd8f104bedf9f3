"""A brand's mentions as three detector signals per time bin: volume, negative share and reach-weighted volume."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from tools.monitor.detector import Detector, DetectorConfig, DetectorEvent

BIN = timedelta(minutes=5)
SIGNALS = ("volume", "negative_share", "reach")
SHARE_PRIOR = 10.0  # pseudo-mentions at the brand's usual negative share: a bin of 3 mentions can't say "100%"
BASELINE_DECAY = 1 / (288 * 7)  # the usual negative share follows about a week of bins


def signal_configs(base: DetectorConfig | None = None) -> dict[str, DetectorConfig]:
    """The detector settings per signal: counts on the square-root scale, the share as is, reach on a log scale."""
    base = base or DetectorConfig()
    return {
        "volume": base,
        "negative_share": replace(base, transform="identity", min_scale=0.03),
        "reach": replace(base, transform="log1p", min_scale=0.25),
    }


def floor_bin(at: datetime, width: timedelta = BIN) -> datetime:
    """The start of the bin `at` falls in (bins are aligned to the epoch, in UTC)."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((at - epoch) // width) * width


@dataclass(frozen=True)
class Bin:
    """What one bin of mentions holds."""

    start: datetime
    count: int = 0
    negative: float = 0.0  # expected negative mentions: the sum of each mention's P(negative)
    reach: int = 0  # followers summed, plus one per mention so a mention from an unknown author still counts


def bins(
    rows: Iterable[tuple[datetime, float, int]], start: datetime, end: datetime, width: timedelta = BIN
) -> Iterator[Bin]:
    """Every bin in [start, end) from the (time, P(negative), followers) rows in it, empty bins included.

    Negative mentions are counted softly (the sum of P(negative)), so a complaint the model is unsure about
    still moves the negative share, and no cut-off decides a crisis on its own.
    """
    totals: dict[datetime, list[float]] = {}
    for at, negative, followers in rows:
        if start <= at < end:
            slot = totals.setdefault(floor_bin(at, width), [0, 0.0, 0])
            slot[0] += 1
            slot[1] += negative
            slot[2] += max(followers, 0) + 1
    current = start
    while current < end:
        count, negative, reach = totals.get(current, (0, 0.0, 0))
        yield Bin(current, int(count), float(negative), int(reach))
        current += width


@dataclass
class BrandSignals:
    """The three detectors of one brand and the usual negative share the share signal is smoothed toward."""

    configs: dict[str, DetectorConfig] = field(default_factory=signal_configs)
    detectors: dict[str, Detector] = field(init=False)
    negatives: float = 0.0
    mentions: float = 0.0

    def __post_init__(self) -> None:
        self.detectors = {name: Detector(config) for name, config in self.configs.items()}

    def usual_share(self) -> float:
        """The negative share of recent mentions (a third before any were seen)."""
        return (self.negatives + 1) / (self.mentions + 3)

    def values(self, item: Bin) -> dict[str, float]:
        """The signals of one bin; the share is pulled toward the usual share by `SHARE_PRIOR` mentions."""
        usual = self.usual_share()
        share = (item.negative + SHARE_PRIOR * usual) / (item.count + SHARE_PRIOR)
        return {"volume": float(item.count), "negative_share": share, "reach": float(item.reach)}

    def update(self, item: Bin) -> list[tuple[str, DetectorEvent]]:
        """Feed one bin to every detector; returns (signal, event) pairs."""
        events = [
            (name, event)
            for name, value in self.values(item).items()
            for event in self.detectors[name].update(item.start, value)
        ]
        keep = 1 - BASELINE_DECAY
        self.negatives = self.negatives * keep + item.negative
        self.mentions = self.mentions * keep + item.count
        return events
