"""Loads prompt and template files from this package by name."""

from __future__ import annotations

import re
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


DATA_TAGS = ("draft", "example", "guideline", "mention", "passage", "request")
_TAG_LOOKALIKE = re.compile(r"<(?=\s*/?\s*(?:" + "|".join(DATA_TAGS) + r")\b)", re.IGNORECASE)


def quoted(text: str) -> str:
    """Untrusted text made safe to place inside a prompt's data tags: anything like one of those tags is defused."""
    return _TAG_LOOKALIKE.sub("‹", text)


def data_block(tag: str, text: str, **attributes: str) -> str:
    """`<tag k="v">text</tag>` around untrusted text, with the text and attribute values quoted."""
    attrs = "".join(f' {key}="{quoted(value).replace(chr(34), chr(39))}"' for key, value in attributes.items())
    return f"<{tag}{attrs}>\n{quoted(text)}\n</{tag}>"
