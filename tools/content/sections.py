"""Where a rulebook's guideline names live in its brand pack: each `##`/`###` heading as a `file § path` citation."""

from __future__ import annotations

import re
from pathlib import Path

_HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
FIRST = "guidelines.md"  # a name that is a heading in several files resolves to the guidelines first


def pack_sections(folder: Path) -> dict[str, str]:
    """Lower-cased heading (`section`, or `section › subsection`) -> citation, over the pack's Markdown files."""
    files = sorted(folder.rglob("*.md"), key=lambda p: (p.name != FIRST, str(p.relative_to(folder))))
    found: dict[str, str] = {}
    for path in files:
        relative = path.relative_to(folder).as_posix()
        section, fenced = "", False
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            if _FENCE.match(line):
                fenced = not fenced
            match = None if fenced else _HEADING.match(line)
            if not match:
                continue
            title = match[2].strip()
            if len(match[1]) == 2:
                section = title
                found.setdefault(title.lower(), f"{relative} § {title}")
            elif section:
                found.setdefault(f"{section} › {title}".lower(), f"{relative} § {section} › {title}")
                found.setdefault(title.lower(), f"{relative} § {section} › {title}")
    return found
