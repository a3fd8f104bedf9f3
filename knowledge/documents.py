"""Brand-pack files: which files of a pack are knowledge, and their text (Markdown, plain text, PDF)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from knowledge.errors import PackError

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".pdf")
RULEBOOK_FILE = "brand.yaml"


@dataclass(frozen=True)
class SourceFile:
    """One knowledge file of a pack, with the hash that decides whether it needs re-ingesting."""

    path: Path
    relative: str
    digest: str


def pack_files(pack: Path) -> list[SourceFile]:
    """The pack's Markdown, text and PDF files (hidden files skipped), in a stable order."""
    if not pack.is_dir():
        raise PackError(f"{pack} is not a folder; point at a brand pack (a folder with brand.yaml).")
    if not (pack / RULEBOOK_FILE).is_file():
        raise PackError(f"{pack} has no {RULEBOOK_FILE}; a brand pack needs one (see ../shared/brand/kettle-ember).")
    files = []
    for path in sorted(pack.rglob("*")):
        relative = path.relative_to(pack).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in relative.split("/")):
            continue
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(SourceFile(path, relative, hashlib.sha256(path.read_bytes()).hexdigest()))
    return files


def read_text(source: SourceFile) -> str:
    """The file's text; PDFs page by page with a form feed between pages."""
    if source.path.suffix.lower() == ".pdf":
        return _pdf_text(source)
    try:
        return source.path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(f"{source.relative} is not UTF-8 text (byte {exc.start}); save it as UTF-8.") from exc


def _pdf_text(source: SourceFile) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(source.path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, OSError) as exc:
        raise PackError(f"{source.relative} could not be read as a PDF ({exc}); re-export it or use Markdown.") from exc
    if not any(page.strip() for page in pages):
        raise PackError(f"{source.relative} has no extractable text (a scan?); add a Markdown version instead.")
    return "\f".join(pages)
