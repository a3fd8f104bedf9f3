"""An incident's severity by the brand's playbook: the detector's level, raised by the crisis type and the counts."""

from __future__ import annotations

from dataclasses import dataclass

from tools.monitor.playbook import CrisisPlaybook

TYPE_CONFIDENCE = 0.5  # below this the crisis type is a guess and does not raise the severity on its own


@dataclass(frozen=True)
class Triage:
    """The severity to act on and every reason that set it, in plain words."""

    severity: str
    reasons: tuple[str, ...]


def triage(
    playbook: CrisisPlaybook,
    detected: str,
    crisis_type: str,
    confidence: float,
    *,
    negative_last_hour: float,
    negative_last_day: float,
) -> Triage:
    """The most severe of the detector's level, the type's default and the levels whose counts were reached.

    The type's default level counts only when the type is clear (`TYPE_CONFIDENCE`); the counts are the playbook's
    negative mentions per hour or per day. A lower level never replaces a higher one.
    """
    levels = playbook.levels  # most severe first
    candidates = [(detected, f"the mention signals reached {detected}")]
    default = playbook.types.get(crisis_type)
    if default is not None and confidence >= TYPE_CONFIDENCE:
        label = default.heading or crisis_type.replace("_", " ")
        candidates.append((default.severity, f"the playbook puts {label} at {default.severity} by default"))
    for level in playbook.severities:
        if level.negative_per_hour and negative_last_hour >= level.negative_per_hour:
            candidates.append(
                (
                    level.name,
                    f"{negative_last_hour:.0f} negative mentions in an hour (playbook: "
                    f"{level.name} above {level.negative_per_hour})",
                )
            )
        if level.negative_per_day and negative_last_day >= level.negative_per_day:
            candidates.append(
                (
                    level.name,
                    f"{negative_last_day:.0f} negative mentions in a day (playbook: "
                    f"{level.name} above {level.negative_per_day})",
                )
            )
    rank = {name: index for index, name in enumerate(levels)}
    known = [(name, why) for name, why in candidates if name in rank]
    severity = min((name for name, _ in known), key=rank.__getitem__, default=detected)
    return Triage(severity, tuple(why for name, why in known if name == severity))
