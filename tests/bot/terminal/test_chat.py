"""The terminal chat's decide prompt: end of input leaves the draft waiting; a draft decided elsewhere ends it."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from rich.console import Console

from bot.app import open_app
from bot.terminal.chat import run_chat
from config.settings import load_settings

THREAD = "cli:terminal-test"
REQUEST = "write a tweet about our winter candle sale"


class Typed(io.StringIO):
    """What the person types, line by line; `before` runs just before the line with that index is read."""

    def __init__(self, lines: list[str], before: dict[int, Callable[[], None]] | None = None) -> None:
        super().__init__("".join(f"{line}\n" for line in lines))
        self.before, self.read = before or {}, 0

    def readline(self, *args: object) -> str:
        if self.read in self.before:
            self.before[self.read]()
        self.read += 1
        return super().readline(*args)


@pytest.fixture
def app():
    with open_app(load_settings()) as running:
        yield running


def chat(app, monkeypatch, typed: Typed) -> str:
    monkeypatch.setattr("sys.stdin", typed)
    out = io.StringIO()
    run_chat(app, THREAD, "dana", Console(file=out, width=200, force_terminal=False))
    return out.getvalue()


def test_end_of_input_at_the_decide_prompt_leaves_the_draft_waiting(app, monkeypatch):
    said = chat(app, monkeypatch, Typed([REQUEST]))  # then Ctrl-D at "decide>"
    assert "The draft stays pending in this thread." in said and "Something went wrong" not in said
    assert app.service.pending_approval(THREAD) is not None


def test_a_draft_decided_elsewhere_ends_the_decide_prompt(app, monkeypatch):
    def approve_elsewhere() -> None:
        pending = app.service.pending_approval(THREAD)
        app.service.decide(THREAD, {"action": "approve", "approval_id": pending["approval_id"]}, user="sam")

    said = chat(app, monkeypatch, Typed([REQUEST, "a", "/quit"], before={1: approve_elsewhere}))
    assert "Nothing is waiting for approval" in said and said.count("decide (") == 1
    assert "The draft stays pending" not in said and "Bye. Your threads are saved" in said
