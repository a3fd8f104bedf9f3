"""Scripted fake chat models for tests: they answer from a script and record what they were shown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage


class ScriptedChatModel(GenericFakeChatModel):
    """Replies with the scripted messages in order; `seen` keeps every prompt it received."""

    seen: list[list[BaseMessage]] = []

    @classmethod
    def with_script(cls, replies: list[AIMessage | str]) -> ScriptedChatModel:
        """A model that answers with `replies`, one per call."""
        script: Iterator[AIMessage] = iter(AIMessage(r) if isinstance(r, str) else r for r in replies)
        model = cls(messages=script)
        model.seen = []
        return model

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedChatModel:
        """Tool binding is a no-op: the script already holds the tool calls."""
        return self

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Any:
        self.seen.append(list(messages))
        return super()._generate(messages, *args, **kwargs)


def tool_call(name: str, **args: Any) -> AIMessage:
    """An AI message that calls a structured-output tool with `args`."""
    return AIMessage("", tool_calls=[{"name": name, "args": args, "id": f"call-{name}"}])
