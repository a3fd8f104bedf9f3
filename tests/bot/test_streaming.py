"""Model text written for the person streams out of a turn as it is written; drafts and offline turns don't."""

from __future__ import annotations

import pytest
from fakes import ScriptedChatModel

from bot.app import open_app
from bot.turns import DraftCard, TextReply, Turn
from config.settings import load_settings

ANSWER = "The Fog Bell candle burns for about 40 hours [1], so trim the wick first."


@pytest.fixture
def scripted(monkeypatch):
    """open_app builds this scripted model in place of the configured one."""
    script: list[str] = []
    monkeypatch.setattr("bot.app.make_chat_model", lambda *a, **k: ScriptedChatModel.with_script(script))
    return script


def test_an_answer_streams_piece_by_piece_and_the_reply_still_has_it_whole(scripted, sample_knowledge):
    scripted.append(ANSWER)
    pieces: list[str] = []
    with open_app(load_settings()) as app:
        turn = Turn("cli:stream", "ana", "how long does the fog bell candle burn?")
        result = app.service.handle_turn(turn, on_text=pieces.append)
    assert len(pieces) > 3 and "".join(pieces) == ANSWER
    [reply] = [r for r in result.replies if isinstance(r, TextReply)]
    assert reply.markdown.startswith(ANSWER) and "Sources:" in reply.markdown


def test_a_draft_is_not_streamed_and_the_card_still_comes(scripted, sample_knowledge):
    scripted.extend(["Fog Bell is back in stock: three wicks, one even glow. #HarborAndPine", "[]"])
    pieces: list[str] = []
    with open_app(load_settings()) as app:
        turn = Turn("cli:draft", "ana", "write a tweet that the fog bell candle is back in stock")
        result = app.service.handle_turn(turn, on_text=pieces.append)
    assert pieces == [] and any(isinstance(r, DraftCard) for r in result.replies)
    assert result.pending is not None
