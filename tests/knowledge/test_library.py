"""The running assistant's view of brand knowledge: ingested on first use, reloaded after another process ingests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from knowledge.library import KnowledgeLibrary
from knowledge.store import KnowledgeStore

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample_brand"


def tiny_pack(root: Path, fact: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "brand.yaml").write_text((SAMPLE / "brand.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (root / "products.md").write_text(f"# Products\n\n## Harbor lamp\n{fact}\n", encoding="utf-8")
    return root


def test_first_use_ingests_and_a_later_ingest_elsewhere_is_seen_without_a_restart(tmp_path, brandpilot_home):
    pack = tiny_pack(tmp_path / "pack", "The harbor lamp runs for 12 hours on one charge.")
    library = KnowledgeLibrary(lambda: KnowledgeStore.open(brandpilot_home), {"tiny": pack}, recheck_seconds=0)
    knowledge = library.for_brand("tiny")
    assert "12 hours" in knowledge.search("how long does the harbor lamp run?", 1)[0].text

    tiny_pack(pack, "The harbor lamp runs for 20 hours on one charge.")
    env = {**os.environ, "BRANDPILOT_HOME": str(brandpilot_home)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "knowledge", "ingest", str(pack), "--brand", "tiny", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    [hit] = knowledge.search("how long does the harbor lamp run?", 1)
    assert "20 hours" in hit.text, "the running process reloads a collection another process changed"


def test_an_unchanged_pack_does_not_make_running_processes_reload(tmp_path, brandpilot_home):
    pack = tiny_pack(tmp_path / "pack", "The harbor lamp runs for 12 hours on one charge.")
    store = KnowledgeStore.open(brandpilot_home)
    store.ingest(pack, "tiny")
    first = store.retriever("tiny")
    version = store.version("tiny")
    store.ingest(pack, "tiny")
    assert store.version("tiny") == version
    assert store.retriever("tiny") is not first, "an ingest in this process always rebuilds"
    assert not store.reload_if_changed("tiny")
