"""The open crisis incidents as text, for `brandpilot crisis status` and `/brandpilot crisis status`."""

from __future__ import annotations

from memory.incidents import IncidentView


def crisis_status_text(incidents: list[IncidentView]) -> str:
    """Every open incident, most severe first, or a plain "none"."""
    if not incidents:
        return "No open crisis incidents."
    return "Open crisis incidents:\n" + "\n".join(f"- {incident.line()}" for incident in incidents)
