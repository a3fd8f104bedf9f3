"""Offline templates of the Instagram, Facebook, TikTok and YouTube specialists (`templates/platforms.yaml`)."""

from __future__ import annotations

import re
from functools import lru_cache
from string import Template
from typing import Any

import yaml

from prompts.loader import PROMPTS_DIR


@lru_cache(maxsize=1)
def _platform_templates() -> dict[str, Any]:
    return yaml.safe_load((PROMPTS_DIR / "templates" / "platforms.yaml").read_text(encoding="utf-8"))


def templates_for(name: str) -> dict[str, Any]:
    """The template section for a platform (or `gaps`)."""
    return _platform_templates()[name]


def by_intent(family: dict[str, str], intent: str) -> str:
    """The template of a family for an intent, else its `general` one."""
    return family.get(intent) or family["general"]


def fill(template: str, **values: object) -> str:
    """A template with its `$placeholders` filled; spaces before line breaks and extra blank lines removed."""
    text = Template(template).safe_substitute({k: str(v) for k, v in values.items()})
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip()


def gap(name: str, **values: object) -> str:
    """The text of a named gap (`image`, `video`, `alt`, `when`, ...) a person fills in before approving."""
    return fill(templates_for("gaps")[name], **values)
