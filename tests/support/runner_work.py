"""Work for turn-worker tests, importable in a spawned worker process."""

from __future__ import annotations

from typing import Any

from bot.turns import TextReply, TurnResult


def echo_pieces(pieces: Any) -> TurnResult:
    """Stream three pieces, then return them as one reply."""
    for piece in ("one ", "two ", "three"):
        pieces.put(piece)
    return TurnResult("cli:echo", None, [TextReply("one two three")])


class ProviderError(Exception):
    """Like many client libraries' errors: it needs more than its message to be built, so it can't be unpickled."""

    def __init__(self, message: str, *, response: object) -> None:
        super().__init__(message)
        self.response = response


def fail_like_a_provider(pieces: Any) -> TurnResult:
    """Fail the way a model provider's client does on a 429."""
    raise ProviderError("rate limited", response=object())
