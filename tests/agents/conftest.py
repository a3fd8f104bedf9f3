"""Fixtures for graph tests: the sample brand, a real SQLite ledger and an in-memory checkpointer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from shared import shared_path
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from agents.context import AgentContext, AgentOptions, BrandProfile
from agents.graph import build_graph
from agents.router import Router, load_router_model
from agents.routing.exemplars import load_exemplars
from bot.app import brand_from_path
from config.settings import SAMPLE_BRAND_PATH
from memory.calendar import CalendarStore
from memory.db import create_db_engine, session_factory, upgrade_database
from memory.history import HistoryStore
from memory.ledger import SqlApprovalLedger

FIXED_NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def router() -> Router:
    """The shipped router (loads MiniLM once per test session)."""
    return Router(load_router_model(), load_exemplars())


@pytest.fixture(scope="session")
def sample_brand() -> BrandProfile:
    """The brand the repo ships."""
    return brand_from_path(SAMPLE_BRAND_PATH)


@pytest.fixture(scope="session")
def kettle_brand() -> BrandProfile:
    """The reference brand pack from ../shared."""
    return brand_from_path(shared_path("brand", "kettle-ember"))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite database of the test's own."""
    url = f"sqlite:///{tmp_path}/graph.db"
    upgrade_database(url)
    engine = create_db_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions on the test's database, for checking what the graph wrote."""
    return session_factory(engine)


@pytest.fixture
def make_context(router: Router, sample_brand: BrandProfile, engine: Engine) -> Callable[..., AgentContext]:
    """Build an AgentContext for a thread, with overrides."""

    def make(thread: str = "cli:test", **overrides: object) -> AgentContext:
        values: dict[str, object] = {
            "brand": sample_brand,
            "router": router,
            "ledger": SqlApprovalLedger(engine, thread_key=thread),
            "actor": "tester",
            "options": AgentOptions(),
            "now": lambda: FIXED_NOW,
        }
        values.update(overrides)
        return AgentContext(**values)

    return make


@pytest.fixture
def graph():
    """The supervisor graph compiled with an in-memory checkpointer."""
    return build_graph().compile(checkpointer=InMemorySaver(), name="brandpilot-test")


@pytest.fixture
def brand_knowledge(sample_knowledge: Path):
    """The sample brand's knowledge base (ingested once per session, copied into this test's home)."""
    from knowledge.library import KnowledgeLibrary
    from knowledge.store import KnowledgeStore

    library = KnowledgeLibrary(lambda: KnowledgeStore.open(sample_knowledge), {}, auto_ingest=False)
    return library.for_brand("harbor-pine")


@pytest.fixture
def strategy_context(make_context, sessions, brand_knowledge):
    """A context with the real history and calendar stores and the sample brand's knowledge base."""

    def make(**overrides):
        values = {
            "history": HistoryStore(sessions),
            "calendar": CalendarStore(sessions),
            "knowledge": brand_knowledge,
            "options": AgentOptions(timezone="America/New_York"),
        }
        return make_context(**{**values, **overrides})

    return make
