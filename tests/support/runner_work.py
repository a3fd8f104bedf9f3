"""Work for turn-worker tests, importable in a spawned worker process."""

from __future__ import annotations

from typing import Any

from bot.turns import TextReply, TurnResult


def echo_pieces(pieces: Any) -> TurnResult:
    """Stream three pieces, then return them as one reply."""
    for piece in ("one ", "two ", "three"):
        pieces.put(piece)
    return TurnResult("cli:echo", None, [TextReply("one two three")])
