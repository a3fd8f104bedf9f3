"""Each configured brand's knowledge for the running assistant, brought up to date with its pack on first use."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from knowledge.errors import PackError, StoreBusyError
from knowledge.retrieval import Hit, Retriever
from knowledge.store import KnowledgeStore

log = logging.getLogger(__name__)


class BrandKnowledge:
    """Search one brand's guidelines and past campaigns; the only knowledge a thread of that brand sees."""

    def __init__(self, library: KnowledgeLibrary, brand_id: str) -> None:
        """Bind to the library and one brand."""
        self.library = library
        self.brand_id = brand_id

    def search(self, question: str, k: int = 4) -> list[Hit]:
        """The k best passages for a question, best first.

        None when the brand has no knowledge yet, or when the store fails (logged): drafting, checks and
        routing go on without passages rather than failing the turn.
        """
        try:
            retriever = self.library.retriever(self.brand_id)
            return retriever.search(question, k) if retriever else []
        except Exception:  # a Chroma server down, a locked or damaged store: the turn goes on without passages
            log.exception("knowledge search for brand %s failed; answering without the knowledge base", self.brand_id)
            return []


class KnowledgeLibrary:
    """Opens brand collections lazily; with `auto_ingest` a brand pack is ingested or refreshed once per process."""

    def __init__(
        self,
        open_store: Callable[[], KnowledgeStore],
        packs: dict[str, Path],
        *,
        auto_ingest: bool = True,
        recheck_seconds: float = 30.0,
    ) -> None:
        """`open_store` opens the store when first needed; `packs` maps brand ids to their brand-pack folders.

        Every `recheck_seconds` a brand's collection is checked for an ingest by another process.
        """
        self.recheck_seconds = recheck_seconds
        self._looked: dict[str, float] = {}
        self.open_store = open_store
        self._store: KnowledgeStore | None = None
        self.packs = packs
        self.auto_ingest = auto_ingest
        self._checked: set[str] = set()
        self._lock = threading.Lock()
        self._brand_locks: dict[str, threading.Lock] = {}

    @property
    def store(self) -> KnowledgeStore:
        """The store, opened on first use (so a process that never searches never loads Chroma)."""
        if self._store is None:
            self._store = self.open_store()
        return self._store

    def for_brand(self, brand_id: str) -> BrandKnowledge:
        """The knowledge of one brand."""
        return BrandKnowledge(self, brand_id)

    def retriever(self, brand_id: str) -> Retriever | None:
        """The brand's retriever, after making sure its collection matches the pack (once per process)."""
        with self._lock:  # the store opens once; each brand has its own lock, so one brand's ingest blocks no other
            store = self.store
            brand_lock = self._brand_locks.setdefault(brand_id, threading.Lock())
        with brand_lock:
            if brand_id not in self._checked:
                self._refresh(brand_id)
                self._checked.add(brand_id)
            now, last = time.monotonic(), self._looked.get(brand_id)
            if last is None or now - last >= self.recheck_seconds:
                if last is not None:  # e.g. someone ran `brandpilot knowledge ingest` meanwhile
                    store.reload_if_changed(brand_id)
                self._looked[brand_id] = now
        return store.retriever(brand_id)

    def _refresh(self, brand_id: str) -> None:
        pack = self.packs.get(brand_id)
        if not self.auto_ingest or pack is None:
            return
        try:
            summary = self.store.ingest(pack, brand_id)
        except StoreBusyError as exc:
            log.warning("knowledge for %s not refreshed: %s", brand_id, exc)
        except PackError as exc:
            log.warning(
                "knowledge for %s not refreshed; fix the pack and run `brandpilot knowledge ingest`: %s", brand_id, exc
            )
        else:
            if summary.added or summary.replaced or summary.removed:
                log.info("knowledge for %s refreshed: %s", brand_id, summary.to_dict())
