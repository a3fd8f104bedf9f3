"""A SEV1 crisis as the watch leaves it: an hour of complaints, the incident, its raised alert, maybe a pause."""

from __future__ import annotations

from datetime import timedelta

from bot.alerts import AlertService, NewAlert
from bot.app import App
from bot.listening.ingest import Ingestor
from memory import queue
from memory.db import write_transaction
from memory.incidents import open_incident, update_incident
from memory.models import utcnow
from tools.monitor.mentions import Mention


def raise_crisis(app: App, brand: str, *, paused: bool) -> str:
    """A SEV1 product-safety incident of `brand` with its alert raised (not yet posted); returns the alert's id."""
    now = utcnow()
    burst = [
        Mention("x", f"s{i}", f"upset{i}", now - timedelta(minutes=i), "my jar shattered, dangerous", 500)
        for i in range(40)
    ]
    Ingestor(app.sessions).ingest(brand, burst)
    alert, _ = AlertService(app.sessions).raise_alert(
        NewAlert(brand, "crisis", "critical", f"SEV1 product safety for {brand}", dedup_key="crisis:jars")
    )
    with write_transaction(app.sessions) as session:
        values = {"crisis_type": "product_safety", "type_confidence": 0.9, "score": 13.0, "signals": ["volume"]}
        row = open_incident(
            session, brand_id=brand, severity="SEV1", mentions=40, at=now - timedelta(hours=1), **values
        )
        update_incident(session, row.id, now, "alerted", alert_id=alert.id)
        if paused:
            queue.pause(session, brand, actor="crisis-watch", reason="SEV1")
    return alert.id
