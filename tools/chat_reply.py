"""The plain text of a chat model's reply, whatever shape its content comes in."""

from __future__ import annotations


def reply_text(reply: object) -> str:
    """The reply's text: string content as is, content blocks joined, surrounding space trimmed."""
    content = getattr(reply, "content", reply)
    if isinstance(content, list):
        content = "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content).strip()
