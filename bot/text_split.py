"""Long Markdown cut into pieces within a surface's message limit, at paragraphs, lines, then words."""

from __future__ import annotations

import re


def split(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at paragraphs, then lines, then words.

    A fenced code block stays whole where it fits and is re-fenced in each piece where it doesn't.
    """
    pieces: list[str] = []
    current = ""
    for block in _blocks(text):
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        if len(block) <= limit:
            current = block
            continue
        *whole, current = _cut(block, limit)
        pieces.extend(whole)
    if current:
        pieces.append(current)
    return pieces or [""]


def _blocks(text: str) -> list[str]:
    """Paragraphs, with a fenced code block kept as one paragraph."""
    blocks, current, fenced = [], [], False
    for line in text.split("\n"):
        if line.strip().startswith("```"):
            fenced = not fenced
        if not line.strip() and not fenced:
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def _cut(block: str, limit: int) -> list[str]:
    """A block longer than the limit, cut at lines, then words, then characters; a cut code block is re-fenced."""
    code = block.startswith("```") and block.rstrip().endswith("```") and len(block) > limit
    if code:
        inner = block.strip()[3:-3].strip("\n")
        return [f"```\n{piece}\n```" for piece in _cut(inner, limit - 8)]
    pieces, current = [], ""
    for word in re.split(r"(\n| )", block):
        if len(current) + len(word) <= limit:
            current += word
            continue
        if current.strip():
            pieces.append(current.rstrip())
        current = word.lstrip()
        while len(current) > limit:
            pieces.append(current[:limit])
            current = current[limit:]
    if current.strip():
        pieces.append(current.rstrip())
    return pieces
