"""Tests that graphs interrupted for approval resume from a reopened checkpointer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import pytest
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt

from memory.checkpointer import open_checkpointer


@dataclass
class Draft:
    """A typed value in graph state, to exercise the msgpack allowlist."""

    text: str
    platform: str


class State(TypedDict, total=False):
    topic: str
    draft: Any
    decision: str


def write_draft(state: State) -> State:
    return {"draft": Draft(text=f"All about {state['topic']}", platform="x")}


def ask_approval(state: State) -> State:
    decision = interrupt({"text": state["draft"].text if isinstance(state["draft"], Draft) else None})
    return {"decision": decision}


def build_graph() -> StateGraph:
    graph = StateGraph(State)
    graph.add_node("write_draft", write_draft)
    graph.add_node("ask_approval", ask_approval)
    graph.add_edge(START, "write_draft")
    graph.add_edge("write_draft", "ask_approval")
    graph.add_edge("ask_approval", END)
    return graph


ALLOW_DRAFT = [(Draft.__module__, "Draft")]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """No URL (embedded SQLite) or a fresh Postgres database."""
    return None if request.param == "sqlite" else request.getfixturevalue("postgres_db_url")


def test_interrupted_run_resumes_in_a_new_saver(database_url: str | None, tmp_path: Path) -> None:
    config = {"configurable": {"thread_id": "cli:ana"}}
    with open_checkpointer(database_url, tmp_path, allowed_modules=ALLOW_DRAFT) as saver:
        graph = build_graph().compile(checkpointer=saver)
        first = graph.invoke({"topic": "cold brew"}, config)
    assert first["__interrupt__"][0].value == {"text": "All about cold brew"}

    with open_checkpointer(database_url, tmp_path, allowed_modules=ALLOW_DRAFT) as saver:
        graph = build_graph().compile(checkpointer=saver)
        assert graph.get_state(config).next == ("ask_approval",)
        final = graph.invoke(Command(resume="approved"), config)
    assert final["decision"] == "approved"
    assert final["draft"] == Draft(text="All about cold brew", platform="x")


def test_types_outside_the_allowlist_are_not_revived(database_url: str | None, tmp_path: Path) -> None:
    config = {"configurable": {"thread_id": "cli:strict"}}
    with open_checkpointer(database_url, tmp_path, allowed_modules=ALLOW_DRAFT) as saver:
        build_graph().compile(checkpointer=saver).invoke({"topic": "tea"}, config)
    with open_checkpointer(database_url, tmp_path) as saver:
        draft = build_graph().compile(checkpointer=saver).get_state(config).values["draft"]
    assert not isinstance(draft, Draft)
    assert draft == {"text": "All about tea", "platform": "x"}


def test_embedded_checkpoints_live_in_home(tmp_path: Path) -> None:
    with open_checkpointer("sqlite:///ignored.db", tmp_path / "home") as saver:
        assert saver is not None
    assert (tmp_path / "home" / "checkpoints.sqlite").exists()


def test_unknown_scheme_lists_the_valid_choices(tmp_path: Path) -> None:
    with (
        pytest.raises(ValueError, match="postgresql://") as excinfo,
        open_checkpointer("mongodb://db/bp", tmp_path),
    ):
        pass
    assert "sqlite://" in str(excinfo.value)


def test_a_read_handed_over_is_reused_once_by_the_next_run(database_url: str | None, tmp_path: Path) -> None:
    config = {"configurable": {"thread_id": "cli:reuse"}}
    with open_checkpointer(database_url, tmp_path, allowed_modules=ALLOW_DRAFT) as saver:
        graph = build_graph().compile(checkpointer=saver)
        graph.invoke({"topic": "tea"}, config)
        saved = saver.get_tuple(config)
        reads: list[dict] = []
        database_read = type(saver).__mro__[2].get_tuple  # the saver's own read, past the ReadAhead mixin

        def counting(self: Any, conf: dict) -> Any:
            reads.append(conf)
            return database_read(self, conf)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(type(saver).__mro__[2], "get_tuple", counting)
            with saver.reusing(config, saved):
                result = graph.invoke(Command(resume="approve"), config)
                assert saver.get_tuple(config).checkpoint["id"] != saved.checkpoint["id"]  # only once
        assert result["decision"] == "approve"
        assert len(reads) == 1, "the run read the thread from memory; only the check above went to the database"


def test_a_handed_over_read_is_dropped_when_the_block_ends(tmp_path: Path) -> None:
    config = {"configurable": {"thread_id": "cli:unused"}}
    with open_checkpointer(None, tmp_path) as saver:
        with saver.reusing(config, None):
            pass
        build_graph().compile(checkpointer=saver).invoke({"topic": "tea"}, config)
        assert saver.get_tuple(config) is not None
        old = {"configurable": {"thread_id": "cli:unused", "checkpoint_id": saver.get_tuple(config).checkpoint["id"]}}
        with saver.reusing(old, None):  # a read of one given checkpoint is never answered from memory
            assert saver.get_tuple(old) is not None
