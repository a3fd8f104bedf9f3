"""The brand's products, read from the `###` headings of its pack's `products.md`, and those a request names."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

PRODUCTS_FILE = "products.md"
_HEADING = re.compile(r"^###\s+(?:\d+[.)]\s*)?(.+?)\s*$")


@lru_cache(maxsize=32)
def brand_products(pack: Path) -> tuple[str, ...]:
    """Product names from `products.md` headings such as `### 2. Low Tide Signature Candle: $34 (9 oz)`."""
    path = Path(pack) / PRODUCTS_FILE
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ()
    names = []
    for line in lines:
        match = _HEADING.match(line)
        if match:
            name = re.split(r":\s|\s[-–—]\s|\s\(", match.group(1), maxsplit=1)[0].strip()
            if name:
                names.append(name)
    return tuple(dict.fromkeys(names))


def _short_name(name: str) -> str:
    words = name.split()
    return " ".join(words[:2]) if len(words) > 2 else name


def products_named(text: str, products: tuple[str, ...]) -> list[str]:
    """The products a request names, by full name or by their first two words ("Low Tide", "Wax Melts")."""
    found = []
    for name in products:
        for candidate in (name, _short_name(name)):
            if re.search(r"(?<![\w-])" + re.escape(candidate) + r"(?:e?s)?(?![\w-])", text, re.IGNORECASE):
                found.append(name)
                break
    return found
