"""The open crisis incidents as text, for `brandpilot crisis status` and `/brandpilot crisis status`."""

from __future__ import annotations

from memory.incidents import IncidentView

TYPE_NAMES = {
    "product_safety": "product safety",
    "reputation": "reputation",
    "legal": "legal",
    "outage": "outage",
    "data_privacy": "data privacy",
    "service_surge": "customer-service surge",
}


def incident_line(incident: IncidentView) -> str:
    """One open incident: severity, type, since when, how big, and whether posts are paused."""
    kind = TYPE_NAMES.get(incident.crisis_type, incident.crisis_type)
    paused = "; scheduled posts are paused" if incident.paused_queue else ""
    return (
        f"{incident.severity} {kind} for {incident.brand_id} since {incident.opened_at:%Y-%m-%d %H:%M} UTC "
        f"({incident.mentions} mentions in its first hour{paused}), incident {incident.id}"
    )


def crisis_status_text(incidents: list[IncidentView]) -> str:
    """Every open incident, most severe first, or a plain "none"."""
    if not incidents:
        return "No open crisis incidents."
    return "Open crisis incidents:\n" + "\n".join(f"- {incident_line(i)}" for i in incidents)
