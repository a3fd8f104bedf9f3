"""Two assistants (as if two processes) share a thread through Redis locks and one database."""

import threading

import pytest

from bot.app import open_app
from bot.turns import Turn
from config.settings import load_settings
from memory.coordination import RedisCoordinator

pytestmark = pytest.mark.redis


def test_turns_from_two_assistants_on_one_thread_never_interleave(redis_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    settings = load_settings()
    with open_app(settings) as first, open_app(settings) as second:
        assert isinstance(first.coordinator, RedisCoordinator)
        texts = [
            (first, "check this for x: 'Light the harbor tonight.'"),
            (second, "check this for x: 'Fresh wax melts are in.'"),
            (first, "check this for linkedin: 'We are hiring a chandler.'"),
            (second, "check this for instagram: 'Porch light season is here.'"),
        ]
        workers = [
            threading.Thread(target=app.service.handle_turn, args=(Turn("cli:shared", "maya", text),))
            for app, text in texts
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        state = first.service.graph.get_state({"configurable": {"thread_id": "cli:shared"}})
    assert [m.type for m in state.values["messages"]] == ["human", "ai"] * 4
