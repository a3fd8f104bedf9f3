"""Fixed reply texts, filled from `prompts/templates/replies.yaml`."""

from __future__ import annotations

from functools import lru_cache
from string import Template

import yaml

from agents.specialists.registry import Specialist
from prompts.loader import PROMPTS_DIR


@lru_cache(maxsize=1)
def _replies() -> dict[str, str]:
    return yaml.safe_load((PROMPTS_DIR / "templates" / "replies.yaml").read_text(encoding="utf-8"))


def reply(name: str, **values: object) -> str:
    """A reply text with its placeholders filled."""
    return Template(_replies()[name]).substitute({k: str(v) for k, v in values.items()})


def capabilities(registry: dict[str, Specialist]) -> str:
    """A bullet list of what the built specialists do."""
    return "\n".join(f"- **{s.title}**: {s.will_do}." for s in registry.values() if s.available)
