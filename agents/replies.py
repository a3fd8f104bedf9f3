"""Fixed reply texts, filled from `prompts/templates/replies.yaml`."""

from __future__ import annotations

import re
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


_GREETING = re.compile(
    r"^\W*(hi|hello|hey|hiya|yo|good (morning|afternoon|evening)|howdy|greetings)\b|"
    r"\b(what can you do|who are you|what are you|how do (i|you) (use|work)|help me get started|^help\b)",
    re.IGNORECASE,
)
_THANKS = re.compile(r"^\W*(thanks|thank you|thx|ty|cheers|great,? thanks|perfect|awesome|that's all)\b", re.IGNORECASE)


def small_talk(text: str) -> str | None:
    """'greeting' or 'thanks' for short social messages, else None."""
    if len(text.split()) > 12:
        return None
    if _THANKS.search(text):
        return "thanks"
    if _GREETING.search(text):
        return "greeting"
    return None


def capabilities(registry: dict[str, Specialist]) -> str:
    """A bullet list of what the built specialists do."""
    return "\n".join(f"- **{s.title}**: {s.will_do}." for s in registry.values() if s.available)
