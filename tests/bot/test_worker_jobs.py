"""The jobs loop: each periodic job runs on its own schedule, and one that fails never stops the others."""

from __future__ import annotations

import threading

from bot.jobs.worker import Periodic, run_jobs


class Publisher:
    def __init__(self, stop: threading.Event, passes: int) -> None:
        self.calls, self.stop, self.passes = 0, stop, passes

    def run_once(self) -> list:
        self.calls += 1
        if self.calls == 2:
            raise RuntimeError("the database went away")
        if self.calls >= self.passes:
            self.stop.set()
        return []


def test_periodic_jobs_run_when_due_and_failures_are_contained(caplog):
    stop = threading.Event()
    publisher = Publisher(stop, passes=4)
    ran: list[str] = []

    def broken() -> None:
        ran.append("broken")
        raise ValueError("boom")

    jobs = [
        Periodic("every pass", 1e-9, lambda: ran.append("often")),
        Periodic("once an hour", 3600, lambda: ran.append("hourly")),
        Periodic("never", 0, lambda: ran.append("never")),
        Periodic("broken job", 1e-9, broken),
    ]
    run_jobs(publisher, stop, poll_seconds=0.001, periodic=jobs)
    assert publisher.calls == 4  # the failed pass didn't end the loop
    assert ran.count("hourly") == 1 and "never" not in ran and ran.count("often") == ran.count("broken") >= 3
    assert "the broken job failed" in caplog.text and "a publishing pass failed" in caplog.text
