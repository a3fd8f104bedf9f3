"""`brandpilot knowledge ingest | search | list`: the brand knowledge base from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from bot.cli import JsonOpt, app, emit_json, fail, out, settings_or_exit, user_errors
from config.settings import Settings
from knowledge.store import KnowledgeStore
from tools.content.rulebook import load_rulebook

knowledge_app = typer.Typer(help="The brand knowledge base (guidelines, products, playbooks, campaigns).")
app.add_typer(knowledge_app, name="knowledge", no_args_is_help=True)
BrandOpt = Annotated[str | None, typer.Option("--brand", "-b", help="Brand id (default: the configured default).")]


def open_store(settings: Settings) -> KnowledgeStore:
    """The configured store: a Chroma server at CHROMA_URL, else the embedded one under BRANDPILOT_HOME."""
    return KnowledgeStore.open(settings.home, settings.secret("chroma_url"))


@knowledge_app.command("ingest")
def ingest(
    path: Annotated[Path, typer.Argument(help="A brand-pack folder (brand.yaml, guidelines.md, campaigns/...).")],
    brand: BrandOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Validate a brand pack and bring its brand's collection up to date (unchanged files cost nothing)."""
    settings = settings_or_exit()
    with user_errors():
        rulebook = load_rulebook(path)  # validates brand.yaml, naming the field on error
        brand_id = brand or rulebook.brand.id
        store = open_store(settings)
        if as_json:
            summary = store.ingest(path, brand_id)
        else:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=out) as bar:
                task = bar.add_task(f"Ingesting {brand_id}", total=None)

                def advance(file: str, done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total, description=f"Embedded {file}")

                summary = store.ingest(path, brand_id, progress=advance)
    if as_json:
        emit_json(summary.to_dict())
        return
    out.print(
        f"[green]{brand_id}[/]: {len(summary.added)} added, {len(summary.replaced)} replaced, "
        f"{len(summary.removed)} removed, {len(summary.unchanged)} unchanged; "
        f"{summary.chunks_written} chunks embedded, {summary.chunks_total} in the collection."
    )


@knowledge_app.command("search")
def search(
    question: Annotated[str, typer.Argument(help="What you want to know, in your own words.")],
    brand: BrandOpt = None,
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="How many results.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Ranked passages from the brand's guidelines and past campaigns, with their source and section."""
    settings = settings_or_exit()
    if not question.strip():
        fail("The question is empty; type what you want to find, e.g. 'what did we learn from the winter launch?'")
    with user_errors():
        brand_id = brand or settings.default_brand_id()
        retriever = open_store(settings).retriever(brand_id)
        if retriever is None:
            fail(f"Nothing is ingested for {brand_id!r}. Run: brandpilot knowledge ingest PACK --brand {brand_id}")
        hits = retriever.search(question, k=k)
    if as_json:
        emit_json({"brand": brand_id, "question": question, "results": [h.to_dict() for h in hits]})
        return
    for n, hit in enumerate(hits, start=1):
        out.print(f"[bold]{n}. {hit.citation()}[/]  [dim]score {hit.score:.3f}[/]")
        out.print(hit.text, markup=False, highlight=False)
        out.print()


@knowledge_app.command("list")
def list_brands(as_json: JsonOpt = False) -> None:
    """Brands in the knowledge base, their documents and chunk counts."""
    settings = settings_or_exit()
    with user_errors():
        store = open_store(settings)
        brands = {brand_id: store.documents(brand_id) for brand_id in store.brands()}
    if as_json:
        emit_json({"brands": [{"brand": b, "documents": docs} for b, docs in brands.items()]})
        return
    if not brands:
        out.print("The knowledge base is empty. Run: brandpilot knowledge ingest PATH")
        return
    table = Table("brand", "document", "chunks")
    for brand_id, documents in brands.items():
        for document, count in documents.items():
            table.add_row(brand_id, document, str(count))
    out.print(table)
