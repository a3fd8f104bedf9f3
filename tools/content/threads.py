"""Splits long text into numbered thread posts at sentence boundaries, and shortens text to fit."""

from __future__ import annotations

import re

_SENTENCE = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=\S)|\n{2,}")


_THREAD_NUMBER = re.compile(r"[ \t]+\d{1,2}/\d{1,2}[ \t]*$", re.MULTILINE)


def strip_thread_numbers(text: str) -> str:
    """Remove "1/5"-style numbers that end a line, so a thread can be edited and re-split."""
    return _THREAD_NUMBER.sub("", text)


def sentences(text: str) -> list[str]:
    """Split text into sentences (paragraph breaks also end a sentence)."""
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s and s.strip()]


def _chunks_of_words(sentence: str, limit: int) -> list[str]:
    words, chunks, current = sentence.split(), [], ""
    for word in words:
        if len(word) > limit:
            word = word[: limit - 1] + "…"
        candidate = f"{current} {word}".strip()
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = word
    if current:
        chunks.append(current)
    return chunks


def _pack(units: list[str], limit: int) -> list[str]:
    posts: list[str] = []
    current = ""
    for unit in units:
        pieces = [unit] if len(unit) <= limit else _chunks_of_words(unit, limit)
        for piece in pieces:
            candidate = f"{current} {piece}".strip() if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                posts.append(current)
                current = piece
    if current:
        posts.append(current)
    return posts


def split_thread(text: str, *, limit: int = 280, numbered: bool = True) -> list[str]:
    """Posts of at most `limit` characters, split between sentences, numbered "1/5" when asked."""
    units = sentences(strip_thread_numbers(text))
    if not units:
        return []
    if len(" ".join(units)) <= limit:
        return [" ".join(units)]
    reserve = 0
    while True:
        posts = _pack(units, limit - reserve)
        if not numbered:
            return posts
        suffix_len = len(f" {len(posts)}/{len(posts)}")
        if suffix_len <= reserve:
            return [f"{post} {i}/{len(posts)}" for i, post in enumerate(posts, start=1)]
        reserve = suffix_len


def shorten(text: str, limit: int) -> str:
    """Keep whole leading sentences that fit; cut at a word boundary only if the first one is too long."""
    text = text.strip()
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in sentences(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    if kept:
        return kept
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


_PART_END = re.compile(r"[ \t]+(\d{1,2})/(\d{1,2})[ \t]*$", re.MULTILINE)


def thread_parts(text: str) -> list[str]:
    """The posts of a numbered thread as a draft joins them (each ends "k/N", blank lines between); else the text."""
    ends = list(_PART_END.finditer(text))
    numbers = [(int(m.group(1)), int(m.group(2))) for m in ends]
    total = len(ends)
    if total < 2 or numbers != [(i, total) for i in range(1, total + 1)]:
        return [text]
    parts, start = [], 0
    for match in ends:
        parts.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    return [*parts, tail] if tail else parts
