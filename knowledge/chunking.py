"""Chunk pack documents by heading, keeping the heading path and campaign facts as metadata."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tools.content.brief import platforms_in

MAX_CHUNK_CHARS = 1200  # about 250 MiniLM tokens, the encoder's window
MIN_SENTENCE_CHARS = 16
OVERVIEW = "Overview"  # the section name of text before a document's first `##` heading
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^(```|~~~)")
_FACT = re.compile(r"^\s*[-*]?\s*\*\*([^*:]{2,40}):?\*\*:?\s*(.+?)\s*$")
_YEAR = re.compile(r"\b(20\d\d)\b")
_SEASONS = {"spring": "spring", "summer": "summer", "fall": "fall", "autumn": "fall", "winter": "winter"}
_HOLIDAY = re.compile(r"\b(holidays?|christmas|xmas|black friday|gifts?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Chunk:
    """A piece of one document under one heading path."""

    file: str
    title: str
    section: str
    subsection: str
    text: str
    part: int = 0
    facts: dict[str, str] = field(default_factory=dict)
    ordinal: int = 0  # position in the file, so repeated headings still get distinct ids

    @property
    def id(self) -> str:
        """Stable id: file, heading path and part."""
        key = f"{self.file}\n{self.ordinal}\n{self.section}\n{self.subsection}\n{self.part}"
        return hashlib.sha1(key.encode()).hexdigest()[:20]

    @property
    def heading_path(self) -> list[str]:
        """Section, then subsection when there is one."""
        return [h for h in (self.section, self.subsection) if h]

    def embedding_text(self) -> str:
        """What the encoder sees: the document title and headings give the text its context."""
        return " > ".join([self.title, *self.heading_path]) + "\n" + self.text

    def metadata(self, file_hash: str) -> dict[str, str | int]:
        """Flat metadata for the vector store (scalars only)."""
        return {
            "file": self.file,
            "file_hash": file_hash,
            "title": self.title,
            "section": self.section,
            "subsection": self.subsection,
            "part": self.part,
            "kind": "chunk",
            **{f"fact_{k}": v for k, v in self.facts.items()},
        }


def sentences(text: str) -> list[str]:
    """The chunk's sentences, list items and table rows long enough to carry a fact."""
    pieces = re.split(r"(?<=[.!?])\s+|\n+", text)
    cleaned = (re.sub(r"\s*\|\s*", " | ", piece).strip(" -*|#>") for piece in pieces)
    return [piece for piece in cleaned if len(piece) >= MIN_SENTENCE_CHARS and not set(piece) <= set("-:| ")]


def chunk_document(relative: str, text: str) -> list[Chunk]:
    """Chunks of a Markdown or plain-text document; PDFs arrive as text with form feeds between pages."""
    if relative.lower().endswith((".md", ".markdown")):
        return chunk_markdown(relative, text)
    return chunk_plain(relative, text)


def chunk_markdown(relative: str, text: str) -> list[Chunk]:
    """Split at `#`, `##` and `###` headings; deeper headings stay inside their subsection's text."""
    title, section, subsection = _file_title(relative), OVERVIEW, ""
    blocks: list[tuple[str, str, list[str]]] = []
    lines: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match is None or len(match.group(1)) > 3:
            lines.append(line)
            continue
        blocks.append((section, subsection, lines))
        level, heading = len(match.group(1)), _clean_heading(match.group(2))
        if level == 1:
            title, section, subsection = heading, OVERVIEW, ""
        elif level == 2:
            section, subsection = heading, ""
        else:
            subsection = heading
        lines = []
    blocks.append((section, subsection, lines))
    facts = document_facts(relative, title, text)
    chunks = []
    for section, subsection, body in blocks:
        for part, piece in enumerate(_windows("\n".join(body))):
            chunks.append(Chunk(relative, title, section, subsection, piece, part, facts, len(chunks)))
    return chunks


def chunk_plain(relative: str, text: str) -> list[Chunk]:
    """Plain text and PDF: one section per page (PDF) or per document, split into windows."""
    title = _file_title(relative)
    facts = document_facts(relative, title, text)
    pages = text.split("\f")
    chunks = []
    for number, page in enumerate(pages, start=1):
        section = f"Page {number}" if len(pages) > 1 else OVERVIEW
        for part, piece in enumerate(_windows(page)):
            chunks.append(Chunk(relative, title, section, "", piece, part, facts, len(chunks)))
    return chunks


def document_facts(relative: str, title: str, text: str) -> dict[str, str]:
    """Campaign facts from a document's opening lines (`**Dates:** ...`) plus years, seasons and channels."""
    facts: dict[str, str] = {}
    for line in text.splitlines()[:30]:
        match = _FACT.match(line)
        if match:
            facts[_slug(match.group(1))] = match.group(2).strip()
    when = " ".join([relative, title, facts.get("dates", "")])
    years = sorted(set(_YEAR.findall(when)))
    seasons = seasons_in(when)
    channels = platforms_in(facts.get("channels", ""))
    derived = {"years": ",".join(years), "seasons": ",".join(seasons), "platforms": ",".join(channels)}
    return {**facts, **{k: v for k, v in derived.items() if v}}


def seasons_in(text: str) -> list[str]:
    """Seasons a text names ("autumn" counts as fall; Christmas and gifts as the holiday season), sorted."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    found = {season for word, season in _SEASONS.items() if word in words}
    if _HOLIDAY.search(text):
        found.add("holiday")
    return sorted(found)


def _windows(text: str) -> list[str]:
    """The text in pieces of at most MAX_CHUNK_CHARS, split between paragraphs (then lines, then words)."""
    text = text.strip()
    if len(text) <= MAX_CHUNK_CHARS:
        return [text] if text else []
    units = [u.strip() for u in re.split(r"\n\s*\n", text) if u.strip()]
    if len(units) == 1:
        units = [line.strip() for line in text.splitlines() if line.strip()]
    pieces, current = [], ""
    for unit in _short_units(units):
        joined = f"{current}\n\n{unit}" if current else unit
        if len(joined) > MAX_CHUNK_CHARS and current:
            pieces.append(current)
            joined = unit
        current = joined
    pieces.append(current)
    return pieces


def _short_units(units: list[str]) -> Iterator[str]:
    """Units no longer than MAX_CHUNK_CHARS: an enormous paragraph is cut at spaces."""
    for unit in units:
        while len(unit) > MAX_CHUNK_CHARS:
            cut = unit.rfind(" ", 0, MAX_CHUNK_CHARS)
            cut = cut if cut > 0 else MAX_CHUNK_CHARS
            yield unit[:cut].strip()
            unit = unit[cut:].strip()
        if unit:
            yield unit


def _clean_heading(heading: str) -> str:
    return re.sub(r"[*_`]", "", heading).strip()


def _file_title(relative: str) -> str:
    stem = relative.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[-_]+", " ", stem).strip().capitalize()


def _slug(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")
