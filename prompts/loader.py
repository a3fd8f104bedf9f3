"""Loads prompt and template files from this package by name."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from string import Template

PROMPTS_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=128)
def load_prompt(name: str) -> str:
    """The text of `prompts/<name>.md` or `prompts/templates/<name>.md`."""
    for folder in (PROMPTS_DIR, PROMPTS_DIR / "templates"):
        path = folder / f"{name}.md"
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
    raise KeyError(f"no prompt or template named {name!r} in {PROMPTS_DIR}")


def render(name: str, **values: object) -> str:
    """Fill a template's `$placeholders`; a missing value raises KeyError naming it."""
    return Template(load_prompt(name)).substitute({k: str(v) for k, v in values.items()})
