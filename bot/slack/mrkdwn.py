"""Markdown to Slack mrkdwn, with every mention that comes from content neutralised, and splitting within limits."""

from __future__ import annotations

import re

from bot.text_split import split as split_text

SECTION_LIMIT = 3000  # characters of text in one section block
ZERO_WIDTH = "\u2060"  # a word joiner: "@\u2060here" shows as @here but notifies nobody

_FENCE = re.compile(r"^(```|~~~)")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![*\w])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+")
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_PLACEHOLDER = "\x00{}\x00"


def escape(text: str) -> str:
    """Slack's three control characters as entities, so content can't form `<!here>`, `<@U…>` or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def neutralise(text: str) -> str:
    """Escape control characters and break plain `@here` / `@channel` / `@everyone` so they ping nobody."""
    return _BROADCAST.sub(lambda m: "@" + ZERO_WIDTH + m.group(1), escape(text))


def to_mrkdwn(markdown: str) -> str:
    """Convert the Markdown our replies use (bold, italic, strike, links, headings, bullets, code, tables) to mrkdwn.

    Slack has no tables, so a table becomes a code block with its columns lined up.
    """
    out: list[str] = []
    fenced = False
    table: list[list[str]] = []
    for line in [*markdown.splitlines(), ""]:
        row = _table_row(line) if not fenced else None
        if row is not None:
            table.append(row)
            continue
        if table:
            out += _table_block(table)
            table = []
        if _FENCE.match(line.strip()):
            fenced = not fenced
            out.append("```")
            continue
        out.append(neutralise(line) if fenced else _inline(line))
    if fenced:
        out.append("```")
    return "\n".join(out[:-1] if out and out[-1] == "" else out)


_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def _table_row(line: str) -> list[str] | None:
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1):
        return None
    return [cell.strip() for cell in stripped.strip("|").split("|")]


def _table_block(rows: list[list[str]]) -> list[str]:
    cells = [row for row in rows if not _TABLE_RULE.match("|" + "|".join(row) + "|")]
    width = max(len(row) for row in cells)
    cells = [row + [""] * (width - len(row)) for row in cells]
    sizes = [max(len(row[i]) for row in cells) for i in range(width)]
    lines = ["  ".join(cell.ljust(sizes[i]) for i, cell in enumerate(row)).rstrip() for row in cells]
    return ["```", *(neutralise(line) for line in lines), "```"]


def _inline(line: str) -> str:
    heading = _HEADING.match(line)
    if heading:
        line = f"**{heading.group(1)}**"
    line = _BULLET.sub(lambda m: f"{m.group(1)}• ", line)
    links: list[str] = []

    def keep_link(match: re.Match[str]) -> str:
        links.append(f"<{escape(match.group(2)).replace('|', '%7C')}|{neutralise(match.group(1))}>")
        return _PLACEHOLDER.format(len(links) - 1)

    codes: list[str] = []

    def keep_code(match: re.Match[str]) -> str:
        codes.append(f"`{neutralise(match.group(1))}`")
        return _PLACEHOLDER.format(f"c{len(codes) - 1}")

    line = re.sub(r"`([^`\n]+)`", keep_code, line)
    line = _LINK.sub(keep_link, line)
    line = neutralise(line)
    line = _ITALIC.sub(r"_\1_", line)
    line = _BOLD.sub(lambda m: f"*{m.group(1) or m.group(2)}*", line)
    line = _STRIKE.sub(r"~\1~", line)
    for n, link in enumerate(links):
        line = line.replace(_PLACEHOLDER.format(n), link)
    for n, code in enumerate(codes):
        line = line.replace(_PLACEHOLDER.format(f"c{n}"), code)
    return line


def split(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters (Slack's section limit by default); see `bot.text_split.split`."""
    return split_text(text, limit)
