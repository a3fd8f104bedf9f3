"""Ingestion, isolation, the writer lock and ranking of the brand knowledge store (a real embedded Chroma)."""

from __future__ import annotations

import fcntl
import shutil
from pathlib import Path

import pytest

from knowledge.chunking import OVERVIEW, chunk_markdown, sentences
from knowledge.errors import PackError, StoreBusyError
from knowledge.retrieval import question_facts
from knowledge.store import KnowledgeStore

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample_brand"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A small brand pack of our own: rulebook, guidelines and two campaigns."""
    root = tmp_path / "pack"
    (root / "campaigns").mkdir(parents=True)
    shutil.copy(SAMPLE / "brand.yaml", root / "brand.yaml")
    (root / "guidelines.md").write_text(
        "# Guidelines\n\n## Voice and tone\nWarm, plain and unhurried. We never shout or use ALL CAPS.\n\n"
        "## Hashtags and emoji\nAt most two hashtags on Instagram. Brand tag first.\n\n"
        "### Emoji\nOne emoji per post, never in the first line.\n"
    )
    (root / "campaigns" / "2024-winter-cabin.md").write_text(
        "# Campaign: Cabin weekend (winter 2024)\n\n**Dates:** January 6 to February 2, 2024\n"
        "**Channels:** Instagram, TikTok\n\n## Results\nWe sold 1,900 candles against a goal of 2,200.\n\n"
        "## Learnings\nWhat we would repeat and change next winter: short videos of a lit candle beat studio "
        "photos, and we should ship earlier in cold weeks.\n"
    )
    (root / "campaigns" / "2025-summer-porch.md").write_text(
        "# Campaign: Porch light giveaway (summer 2025)\n\n**Dates:** June 2 to July 14, 2025\n"
        "**Channels:** Instagram, Facebook\n\n## Results\nThe giveaway drew 14,000 entries.\n\n"
        "## Learnings\nEntries were cheap but few entrants bought; next time require a newsletter sign-up.\n"
    )
    return root


@pytest.fixture
def store(brandpilot_home: Path) -> KnowledgeStore:
    """The embedded store under the test's own home."""
    return KnowledgeStore.open(brandpilot_home)


def test_chunks_keep_the_heading_path_and_campaign_facts(pack: Path) -> None:
    text = (pack / "campaigns" / "2024-winter-cabin.md").read_text()
    chunks = chunk_markdown("campaigns/2024-winter-cabin.md", text)
    assert [(c.section, c.subsection) for c in chunks] == [(OVERVIEW, ""), ("Results", ""), ("Learnings", "")]
    facts = chunks[0].facts
    assert facts["years"] == "2024" and facts["seasons"] == "winter" and facts["platforms"] == "instagram,tiktok"
    guideline = chunk_markdown("guidelines.md", (pack / "guidelines.md").read_text())
    assert ("Hashtags and emoji", "Emoji") in [(c.section, c.subsection) for c in guideline]


def test_headings_inside_code_fences_and_long_sections_are_handled() -> None:
    body = "\n\n".join(f"Paragraph {n}. " + "word " * 60 for n in range(12))
    chunks = chunk_markdown("g.md", f"# T\n\n## Long\n{body}\n\n```\n## not a heading\n```\n")
    assert {c.section for c in chunks} == {"Long"}
    assert len(chunks) > 1 and all(len(c.text) <= 1200 for c in chunks)
    assert len({c.id for c in chunks}) == len(chunks)
    assert sentences("| --- | ---: |\nShip earlier in cold weeks. Yes.") == ["Ship earlier in cold weeks."]


def test_reingesting_an_unchanged_pack_does_no_work(store: KnowledgeStore, pack: Path) -> None:
    first = store.ingest(pack, "cabin")
    assert sorted(first.added) == ["campaigns/2024-winter-cabin.md", "campaigns/2025-summer-porch.md", "guidelines.md"]
    again = store.ingest(pack, "cabin")
    assert again.chunks_written == 0 and len(again.unchanged) == 3
    assert again.chunks_total == first.chunks_total


def test_a_changed_file_is_replaced_and_a_deleted_file_removed(store: KnowledgeStore, pack: Path) -> None:
    store.ingest(pack, "cabin")
    guidelines = pack / "guidelines.md"
    guidelines.write_text(guidelines.read_text().replace("## Hashtags and emoji", "## Hashtags"))
    (pack / "campaigns" / "2025-summer-porch.md").unlink()
    summary = store.ingest(pack, "cabin")
    assert summary.replaced == ["guidelines.md"] and summary.removed == ["campaigns/2025-summer-porch.md"]
    retriever = store.retriever("cabin")
    assert retriever is not None
    sections = {(m["file"], m["section"]) for m in retriever.metadatas}
    assert ("guidelines.md", "Hashtags") in sections and ("guidelines.md", "Hashtags and emoji") not in sections
    assert not any(m["file"].endswith("porch.md") for m in retriever.metadatas)
    assert store.documents("cabin") == {"campaigns/2024-winter-cabin.md": 3, "guidelines.md": 3}


def test_brands_are_isolated_in_their_own_collections(store: KnowledgeStore, pack: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(SAMPLE / "brand.yaml", other / "brand.yaml")
    (other / "guidelines.md").write_text("# Other\n\n## Voice and tone\nLoud, bold and fast.\n")
    store.ingest(pack, "cabin")
    store.ingest(other, "other")
    assert store.brands() == ["cabin", "other"]
    hits = store.retriever("other").search("what is our tone of voice", k=5)
    assert {h.source for h in hits} == {"guidelines.md"} and all("Loud" in h.text for h in hits)
    assert store.retriever("nobody") is None


def test_search_ranks_the_right_section_first(store: KnowledgeStore, pack: Path) -> None:
    store.ingest(pack, "cabin")
    retriever = store.retriever("cabin")
    top = retriever.search("what did we learn from the cold-weather candle push in 2024?", k=3)[0]
    assert (top.source, top.section) == ("campaigns/2024-winter-cabin.md", "Learnings")
    top = retriever.search("how many people entered the summer contest", k=3)[0]
    assert (top.source, top.section) == ("campaigns/2025-summer-porch.md", "Results")
    top = retriever.search("can I put a smiley at the start of a post?", k=3)[0]
    assert (top.section, top.subsection) == ("Hashtags and emoji", "Emoji")
    assert top.citation() == "guidelines.md § Hashtags and emoji › Emoji"


def test_question_facts_read_years_seasons_and_platforms() -> None:
    assert question_facts("how did the summer '24 push do on TikTok?") == ({"2024"}, {"summer"}, {"tiktok"})
    assert question_facts("holiday 2025 gift sets") == ({"2025"}, {"holiday"}, set())


def test_a_second_writer_is_refused_clearly(store: KnowledgeStore, pack: Path) -> None:
    assert store.lock_path is not None
    store.lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(store.lock_path, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("pid 4242")
        held.flush()
        with pytest.raises(StoreBusyError, match="pid 4242.*CHROMA_URL"):
            store.ingest(pack, "cabin")
    assert store.ingest(pack, "cabin").chunks_written > 0


def test_bad_packs_are_refused_with_the_file_named(store: KnowledgeStore, tmp_path: Path) -> None:
    with pytest.raises(PackError, match="no brand.yaml"):
        store.ingest(tmp_path, "cabin")
    bad = tmp_path / "bad"
    bad.mkdir()
    shutil.copy(SAMPLE / "brand.yaml", bad / "brand.yaml")
    (bad / "notes.txt").write_bytes(b"\xff\xfe not utf-8 \xff")
    with pytest.raises(PackError, match="notes.txt is not UTF-8"):
        store.ingest(bad, "cabin")
    with pytest.raises(PackError, match="lower-case"):
        store.collection("Cabin Brand")


def tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with the lines as real text (Helvetica), written by hand."""
    stream = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({line}) Tj 0 -16 Td" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def test_pdf_and_text_files_are_ingested_and_searchable(store: KnowledgeStore, pack: Path) -> None:
    (pack / "press-kit.pdf").write_bytes(tiny_pdf(["Press kit notes.", "Our founder started pouring in 2016."]))
    (pack / "faq.txt").write_text("Shipping\n\nWe ship candles in recycled paper, never plastic peanuts.\n")
    summary = store.ingest(pack, "cabin")
    assert {"press-kit.pdf", "faq.txt"} <= set(summary.added)
    hit = store.retriever("cabin").search("when did the founder begin making candles?", k=3)[0]
    assert hit.source == "press-kit.pdf" and "2016" in hit.text
    (pack / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(PackError, match="broken.pdf"):
        store.ingest(pack, "cabin")


def test_repeated_headings_in_one_file_keep_both_chunks() -> None:
    chunks = chunk_markdown("g.md", "# T\n\n## Example\nFirst example.\n\n## Example\nSecond example.\n")
    assert [c.text for c in chunks] == ["First example.", "Second example."]
    assert len({c.id for c in chunks}) == 2
