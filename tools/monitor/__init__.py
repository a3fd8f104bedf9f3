"""Streaming crisis detection on listening signals: seasonal robust baseline, incidents, NAB evaluation."""
