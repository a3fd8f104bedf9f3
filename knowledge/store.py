"""The Chroma store of brand knowledge: one collection per brand, incremental ingest by file hash."""

from __future__ import annotations

import fcntl
import os
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from config.errors import ConfigError
from config.settings import BRAND_ID_PATTERN
from knowledge.chunking import Chunk, chunk_document, sentences
from knowledge.documents import SourceFile, pack_files, read_text
from knowledge.errors import PackError, StoreBusyError
from knowledge.retrieval import Retriever, Weights
from tools.content.text import split_link
from tools.embeddings import EMBEDDING_DIM

COLLECTION_PREFIX = "brand-"
HNSW = {"space": "cosine", "ef_construction": 200, "ef_search": 128, "max_neighbors": 16}
VERSION_KEY = "ingested"  # collection metadata: changes with every ingest that changes the collection
_BRAND_ID = re.compile(BRAND_ID_PATTERN)
Progress = Callable[[str, int, int], None]  # (file, done, total)


@dataclass
class IngestSummary:
    """What an ingest run did."""

    brand_id: str
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    chunks_written: int = 0
    chunks_total: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The `--json` shape."""
        return dict(self.__dict__)


def collection_name(brand_id: str) -> str:
    """The brand's collection; brand ids are validated so names stay legal and distinct."""
    if not _BRAND_ID.match(brand_id):
        raise PackError(f"brand id {brand_id!r} must be lower-case letters, digits and dashes (e.g. 'kettle-ember').")
    return COLLECTION_PREFIX + brand_id


class KnowledgeStore:
    """Brand collections in Chroma: embedded under a folder, or a Chroma server."""

    def __init__(self, client: Any, *, lock_path: Path | None = None) -> None:
        """Wrap a Chroma client; `lock_path` guards writes to an embedded store."""
        self.client = client
        self.lock_path = lock_path
        self._retrievers: dict[tuple[str, Weights | None], Retriever] = {}
        self._versions: dict[str, str | None] = {}  # the collection version each brand's retrievers were built from

    @classmethod
    def open(cls, home: Path, chroma_url: str | None = None) -> KnowledgeStore:
        """The embedded store under `home/chroma`, or the server at `chroma_url`."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if chroma_url:
            parsed = split_link(chroma_url)  # None for an unclosed "[" host or a port that is not a number
            if parsed is None or parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise ConfigError("the environment", "CHROMA_URL", "use a URL like http://host:8000 or https://host")
            port = parsed.port or (443 if parsed.scheme == "https" else 8000)
            client = chromadb.HttpClient(
                host=parsed.hostname, port=port, ssl=parsed.scheme == "https", settings=chroma_settings
            )
            return cls(client)
        path = home / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return cls(chromadb.PersistentClient(path=str(path), settings=chroma_settings), lock_path=path / "writer.lock")

    def collection(self, brand_id: str, *, create: bool = False) -> Any | None:
        """The brand's collection, created on demand; None when it does not exist."""
        name = collection_name(brand_id)
        if create:
            return self.client.get_or_create_collection(name, embedding_function=None, configuration={"hnsw": HNSW})
        try:
            return self.client.get_collection(name, embedding_function=None)
        except Exception as exc:  # chromadb raises NotFoundError (or ValueError in older clients)
            if "does not exist" in str(exc) or type(exc).__name__ == "NotFoundError":
                return None
            raise

    def brands(self) -> list[str]:
        """Brand ids with a collection."""
        names = [getattr(c, "name", c) for c in self.client.list_collections()]
        return sorted(n[len(COLLECTION_PREFIX) :] for n in names if n.startswith(COLLECTION_PREFIX))

    def documents(self, brand_id: str) -> dict[str, int]:
        """Chunk counts per file for a brand."""
        collection = self.collection(brand_id)
        if collection is None:
            return {}
        metadatas = collection.get(where={"kind": "chunk"}, include=["metadatas"])["metadatas"] or []
        return dict(sorted(Counter(str(m["file"]) for m in metadatas).items()))

    def ingest(self, pack: Path, brand_id: str, *, progress: Progress | None = None) -> IngestSummary:
        """Bring the brand's collection in line with the pack: new and changed files in, removed files out."""
        from tools.embeddings import encode

        files = pack_files(pack)
        parsed = [(source, chunk_document(source.relative, read_text(source))) for source in files]
        summary = IngestSummary(brand_id)
        with self._writer():
            collection = self.collection(brand_id, create=True)
            stored = self._stored_hashes(collection)
            todo: list[tuple[SourceFile, list[Chunk]]] = []
            for source, chunks in parsed:
                if stored.get(source.relative) == source.digest:
                    summary.unchanged.append(source.relative)
                else:
                    (summary.replaced if source.relative in stored else summary.added).append(source.relative)
                    todo.append((source, chunks))
            present = {source.relative for source in files}
            summary.removed = sorted(set(stored) - present)
            for relative in summary.removed:
                collection.delete(where={"file": relative})
            for done, (source, chunks) in enumerate(todo, start=1):
                ids, texts, embedded, metadatas = _records(chunks, source.digest)
                vectors = encode(embedded)  # before deleting: a failure here leaves the old version searchable
                if source.relative in stored:
                    collection.delete(where={"file": source.relative})
                if ids:
                    collection.upsert(ids=ids, embeddings=vectors, documents=texts, metadatas=metadatas)
                summary.chunks_written += len(chunks)
                if progress:
                    progress(source.relative, done, len(todo))
            summary.chunks_total = len(collection.get(where={"kind": "chunk"}, include=[])["ids"])
            if summary.added or summary.replaced or summary.removed:  # tells running processes to reload
                collection.modify(metadata={VERSION_KEY: uuid.uuid4().hex})
        self._forget(brand_id)
        return summary

    def version(self, brand_id: str) -> str | None:
        """An id that changes whenever an ingest changes the brand's collection (None before the first)."""
        collection = self.collection(brand_id)
        return (collection.metadata or {}).get(VERSION_KEY) if collection is not None else None

    def reload_if_changed(self, brand_id: str) -> bool:
        """Drop the brand's cached retrievers when another process has re-ingested it since they were built."""
        if brand_id not in self._versions or self.version(brand_id) == self._versions[brand_id]:
            return False
        self._forget(brand_id)
        return True

    def _forget(self, brand_id: str) -> None:
        self._retrievers = {key: r for key, r in self._retrievers.items() if key[0] != brand_id}
        self._versions.pop(brand_id, None)

    def retriever(self, brand_id: str, weights: Weights | None = None) -> Retriever | None:
        """A retriever over the brand's chunks (None before the first ingest); rebuilt after each ingest."""
        key = (brand_id, weights)
        if key not in self._retrievers:
            collection = self.collection(brand_id)
            if collection is None:
                return None
            self._versions[brand_id] = (collection.metadata or {}).get(VERSION_KEY)
            got = collection.get(include=["documents", "metadatas", "embeddings"])
            embeddings = got["embeddings"] if got["ids"] else np.zeros((0, EMBEDDING_DIM), np.float32)
            self._retrievers[key] = Retriever(
                collection, got["ids"], got["documents"] or [], got["metadatas"] or [], embeddings, weights
            )
        return self._retrievers[key]

    @staticmethod
    def _stored_hashes(collection: Any) -> dict[str, str]:
        metadatas = collection.get(where={"kind": "chunk"}, include=["metadatas"])["metadatas"] or []
        return {str(m["file"]): str(m.get("file_hash", "")) for m in metadatas}

    @contextmanager
    def _writer(self) -> Iterator[None]:
        """Hold the embedded store's writer lock; a second writer is refused, never queued."""
        if self.lock_path is None:  # a Chroma server handles its own concurrency
            yield
            return
        with open(self.lock_path, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise StoreBusyError(
                    f"The knowledge store at {self.lock_path.parent} is being written by {holder}. Only one process "
                    "may write the embedded store: wait for it to finish, or run a Chroma server and set CHROMA_URL."
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
            try:
                yield
            finally:
                handle.truncate(0)
                fcntl.flock(handle, fcntl.LOCK_UN)


def _records(chunks: list[Chunk], file_hash: str) -> tuple[list[str], list[str], list[str], list[dict[str, Any]]]:
    """Store rows for chunks: the chunk (embedded with its headings) and each of its sentences."""
    ids, texts, embedded, metadatas = [], [], [], []
    for chunk in chunks:
        meta = chunk.metadata(file_hash)
        ids.append(chunk.id)
        texts.append(chunk.text)
        embedded.append(chunk.embedding_text())
        metadatas.append(meta)
        for n, sentence in enumerate(sentences(chunk.text)):
            ids.append(f"{chunk.id}:{n}")
            texts.append(sentence)
            embedded.append(sentence)
            metadatas.append({**meta, "kind": "sentence", "parent": chunk.id})
    return ids, texts, embedded, metadatas
