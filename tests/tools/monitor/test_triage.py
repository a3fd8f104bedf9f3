"""Triage by the playbook: the crisis type and the playbook's counts raise a severity, never lower it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.monitor.playbook import load_playbook
from tools.monitor.triage import triage

SAMPLE = Path(__file__).resolve().parents[3] / "knowledge" / "sample_brand"


@pytest.fixture(scope="module")
def playbook():
    return load_playbook(SAMPLE)


def test_a_clear_safety_type_raises_a_minor_signal_to_the_playbooks_default(playbook):
    judged = triage(playbook, "SEV3", "product_safety", 0.8, negative_last_hour=12, negative_last_day=30)
    assert judged.severity == "SEV1" and any("by default" in why for why in judged.reasons)


def test_an_unclear_type_does_not_raise_anything(playbook):
    judged = triage(playbook, "SEV3", "product_safety", 0.3, negative_last_hour=12, negative_last_day=30)
    assert judged.severity == "SEV3" and judged.reasons == ("the mention signals reached SEV3",)


def test_the_playbooks_counts_raise_the_level_and_say_why(playbook):
    hourly = playbook.severity("SEV1").negative_per_hour
    judged = triage(playbook, "SEV3", "reputation", 0.9, negative_last_hour=hourly, negative_last_day=hourly)
    assert judged.severity == "SEV1" and any(f"above {hourly}" in why for why in judged.reasons)


def test_a_higher_detected_level_is_never_lowered(playbook):
    judged = triage(playbook, "SEV1", "service_surge", 0.9, negative_last_hour=1, negative_last_day=1)
    assert judged.severity == "SEV1"
