"""Asks the configured chat model to route a message with structured output."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from agents.routing.exemplars import OUT_OF_SCOPE, SpecialistExemplars
from prompts.loader import render

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)


class RouteChoice(BaseModel):
    """The model's routing answer."""

    specialist: str = Field(description="a specialist name from the list, or 'none'")
    confidence: float = Field(ge=0.0, le=1.0, description="how sure you are, 0 to 1")


def route_with_llm(
    llm: BaseChatModel, text: str, specialists: dict[str, SpecialistExemplars]
) -> tuple[str | None, float] | None:
    """Return (agent or None for out of scope, confidence), or None when the model fails."""
    names = [n for n in specialists if n != OUT_OF_SCOPE]
    listing = "\n".join(f"- {n}: {specialists[n].description}" for n in names)
    prompt = render("route_request", specialists=listing, message=text)
    try:
        choice = llm.with_structured_output(RouteChoice).invoke(prompt)
    except Exception:  # the model is optional; any provider error falls back to a question
        log.exception("LLM routing failed")
        return None
    if isinstance(choice, dict):
        choice = RouteChoice.model_validate(choice)
    if choice.specialist == "none":
        return None, choice.confidence
    if choice.specialist not in names:
        log.warning("LLM chose unknown specialist %r", choice.specialist)
        return None
    return choice.specialist, choice.confidence
