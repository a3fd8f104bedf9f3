"""Wires settings into a running assistant: database, checkpointer, router, graph and service."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from sqlalchemy.orm import Session, sessionmaker

from agents.context import AgentContext, AgentOptions, BrandProfile
from agents.graph import GRAPH_NAME, build_graph
from agents.llm import make_chat_model
from agents.router import Router, load_router_model
from agents.routing.exemplars import load_exemplars
from bot.service import ConversationService
from bot.turns import Turn
from config.settings import ApproversConfig, BrandEntry, Settings
from knowledge.library import KnowledgeLibrary
from knowledge.store import KnowledgeStore
from memory import repository as repo
from memory.ab_tests import AbTestStore
from memory.calendar import CalendarStore
from memory.campaigns import CampaignStore
from memory.checkpointer import open_checkpointer
from memory.coordination import Coordinator, make_coordinator
from memory.credentials import CredentialStore, platform_cipher
from memory.db import (
    check_schema_current,
    create_db_engine,
    head_revision,
    known_revisions,
    normalize_database_url,
    schema_revision,
    session_factory,
    upgrade_database,
)
from memory.history import HistoryStore
from memory.incidents import IncidentStore
from memory.ledger import SqlApprovalLedger
from memory.mentions import MentionStore
from memory.metrics import MetricsStore
from tools.content.rulebook import Rulebook, load_rulebook

log = logging.getLogger(__name__)


@dataclass
class App:
    """A running assistant's parts, for the surfaces and the CLI."""

    settings: Settings
    service: ConversationService
    sessions: sessionmaker[Session]
    brands: dict[str, BrandProfile]
    router: Router
    coordinator: Coordinator
    knowledge: KnowledgeLibrary
    credentials: CredentialStore


def _profile(rulebook: Rulebook, *, brand_id: str, name: str | None, pack: Path) -> BrandProfile:
    return BrandProfile(
        id=brand_id,
        name=name or rulebook.brand.name,
        pack=pack,
        rulebook=rulebook,
        website=rulebook.brand.website or "https://example.com",
    )


def load_brand(entry: BrandEntry) -> BrandProfile:
    """Read a configured brand pack's rulebook into a profile."""
    return _profile(load_rulebook(entry.pack), brand_id=entry.id, name=entry.name, pack=Path(entry.pack))


def brand_from_path(path: Path) -> BrandProfile:
    """A brand profile straight from a brand-pack folder (for `--brand PATH`)."""
    rulebook = load_rulebook(path)
    return _profile(rulebook, brand_id=rulebook.brand.id, name=None, pack=path.resolve())


@lru_cache(maxsize=1)
def _exemplars() -> dict:
    return load_exemplars()


def make_router(settings: Settings, llm: BaseChatModel | None = None) -> Router:
    """The router with the configured thresholds; the model is loaded once per process."""
    options = settings.agents.router
    return Router(
        load_router_model(settings.home / "cache"),
        _exemplars(),
        confidence_threshold=options.confidence_threshold,
        switch_threshold=options.switch_threshold,
        llm=llm,
    )


def prepare_database(settings: Settings) -> str:
    """The SQLAlchemy URL; the embedded database is created or brought up to date, a server's is only checked."""
    raw = settings.secret("database_url")
    url = normalize_database_url(raw, settings.home)
    if raw is None and embedded_schema_behind(url, settings.home / "brandpilot.db"):
        settings.home.mkdir(parents=True, exist_ok=True)
        upgrade_database(url)
    return url


def embedded_schema_behind(url: str, path: Path) -> bool:
    """Whether the embedded SQLite file is missing or at an older revision this version knows how to migrate."""
    if not path.exists():
        return True
    engine = create_db_engine(url)
    try:
        current = schema_revision(engine)
    finally:
        engine.dispose()
    return current != head_revision() and (current is None or current in known_revisions())


def is_member(group: ApproversConfig, surface: str, user: str, roles: tuple[str, ...]) -> bool:
    """Whether a person (with their Slack user groups or Discord roles) belongs to a configured group."""
    if surface == "cli":
        return "*" in group.cli_users or user in group.cli_users
    if surface == "slack":
        return user in group.slack_users or bool(set(roles) & set(group.slack_groups))
    if surface == "discord":
        return user in group.discord_users or bool(set(roles) & set(group.discord_roles))
    return False


def holds_role(settings: Settings) -> Callable[[str, str, tuple[str, ...], str], bool]:
    """Who may give a crisis approval for a playbook role: its members in `crisis_roles`.

    A role the config names nobody for can be given by any approver (the card says so).
    """

    def allowed(surface: str, user: str, roles: tuple[str, ...], role: str) -> bool:
        members = settings.crisis_roles.get(role)
        return members is None or is_member(members, surface, user, roles)

    return allowed


def can_approve(settings: Settings) -> Callable[[str, str, tuple[str, ...]], bool]:
    """The approval policy from the config: who may decide, per surface."""
    approvers = settings.approvers

    def allowed(surface: str, user: str, roles: tuple[str, ...]) -> bool:
        return is_member(approvers, surface, user, roles)

    return allowed


@contextmanager
def open_app(settings: Settings) -> Iterator[App]:
    """Open every resource the assistant needs and close them on exit."""
    settings.home.mkdir(parents=True, exist_ok=True)
    url = prepare_database(settings)
    engine = create_db_engine(url)
    check_schema_current(engine)
    ledger_engine = create_db_engine(url, pre_ping=False) if engine.dialect.name == "postgresql" else engine
    sessions = session_factory(engine)
    brands = {entry.id: load_brand(entry) for entry in settings.brand_entries()}
    with sessions.begin() as session:
        for brand in brands.values():
            repo.upsert_brand(session, brand_id=brand.id, name=brand.name, pack_path=str(brand.pack))
    llm = make_chat_model(
        settings.model,
        api_keys={"openai": settings.secret("openai_api_key"), "anthropic": settings.secret("anthropic_api_key")},
    )
    router = make_router(settings, llm)
    coordinator = make_coordinator(settings.secret("redis_url"), settings.home / "locks")
    options = AgentOptions(
        timezone=settings.agents.timezone,
        default_post_hour=settings.agents.default_post_hour,
        campaign_code=settings.agents.campaign_code,
        enabled_platforms=tuple(settings.platforms),
    )
    workspace_brands = {(w.surface, w.id): w.brand for w in settings.workspaces}
    credentials = CredentialStore(sessions, platform_cipher(settings.secret("platform_token_encryption_key")))
    knowledge = KnowledgeLibrary(
        lambda: KnowledgeStore.open(settings.home, settings.secret("chroma_url")),
        {brand.id: brand.pack for brand in brands.values()},
        auto_ingest=settings.knowledge.auto_ingest,
    )

    history, calendar = HistoryStore(sessions), CalendarStore(sessions, probes=ledger_engine)
    metrics, campaigns, ab_tests = MetricsStore(sessions), CampaignStore(sessions), AbTestStore(sessions)
    mentions, incidents = MentionStore(sessions), IncidentStore(sessions)

    def brand_for(turn: Turn) -> str:
        return workspace_brands.get((turn.surface, turn.workspace or ""), settings.default_brand_id())

    def context_for(thread_key: str, brand_id: str, actor: str) -> AgentContext:
        brand = brands.get(brand_id) or brands[settings.default_brand_id()]
        ledger = SqlApprovalLedger(
            ledger_engine, thread_key=thread_key, has_credentials=lambda platform: credentials.has(brand.id, platform)
        )
        return AgentContext(
            brand=brand,
            router=router,
            ledger=ledger,
            llm=llm,
            knowledge=knowledge.for_brand(brand.id),
            history=history,
            calendar=calendar,
            metrics=metrics,
            campaigns=campaigns,
            ab_tests=ab_tests,
            mentions=mentions,
            incidents=incidents,
            actor=actor,
            options=options,
        )

    try:
        with open_checkpointer(settings.secret("database_url"), settings.home) as saver:
            graph = build_graph().compile(checkpointer=saver, name=GRAPH_NAME)
            service = ConversationService(
                graph=graph,
                coordinator=coordinator,
                context_for=context_for,
                brand_for=brand_for,
                can_approve=can_approve(settings),
                holds_role=holds_role(settings),
            )
            yield App(settings, service, sessions, brands, router, coordinator, knowledge, credentials)
    finally:
        coordinator.close()
        ledger_engine.dispose()
        engine.dispose()
