"""In a running assistant, each brand's pack is ingested on first use and threads see only their own brand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app import open_app
from bot.turns import TextReply, Turn
from config.settings import SAMPLE_BRAND_PATH, load_settings


def small_pack(root: Path, brand_id: str, product: str, fact: str) -> Path:
    """A brand pack with the sample rulebook (renamed) and one product page."""
    root.mkdir(parents=True)
    rulebook = (SAMPLE_BRAND_PATH / "brand.yaml").read_text(encoding="utf-8")
    (root / "brand.yaml").write_text(rulebook.replace("id: harbor-pine", f"id: {brand_id}", 1), encoding="utf-8")
    (root / "products.md").write_text(
        f"# Products\n\n## {product}\n{fact}\n\n## Care\nTrim the wick before every burn.\n", encoding="utf-8"
    )
    return root


@pytest.fixture
def two_brands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    north = small_pack(tmp_path / "north", "north-co", "Tidepool lantern", "The Tidepool lantern burns for 60 hours.")
    south = small_pack(tmp_path / "south", "south-co", "Ember kettle", "The Ember kettle boils a litre in 3 minutes.")
    config = tmp_path / "brandpilot.yaml"
    config.write_text(
        f"brands:\n  - {{id: north-co, pack: {north}}}\n  - {{id: south-co, pack: {south}}}\n"
        "default_brand: north-co\n"
        "workspaces:\n  - {surface: slack, id: T-SOUTH, brand: south-co}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("BRANDPILOT_CONFIG", str(config))


def answer(app, text: str, thread: str, workspace: str | None = None) -> str:
    result = app.service.handle_turn(Turn(thread, "ana", text, surface="slack", workspace=workspace))
    return "\n".join(r.markdown for r in result.replies if isinstance(r, TextReply))


def test_each_thread_answers_from_its_own_brand_ingested_on_first_use(two_brands, brandpilot_home):
    with open_app(load_settings()) as app:
        assert not (brandpilot_home / "chroma").exists(), "nothing is loaded before a question needs it"
        north = answer(app, "how long does the tidepool lantern burn?", "slack:T-NORTH:C1:1", "T-NORTH")
        assert "60 hours" in north and "products.md § Tidepool lantern" in north
        south = answer(app, "how long does the tidepool lantern burn?", "slack:T-SOUTH:C1:1", "T-SOUTH")
        assert "Tidepool" not in south and "60 hours" not in south, "another brand's pack never leaks in"
        kettle = answer(app, "how fast does the ember kettle boil water?", "slack:T-SOUTH:C1:2", "T-SOUTH")
        assert "3 minutes" in kettle and "products.md § Ember kettle" in kettle
        assert sorted(app.knowledge.store.brands()) == ["north-co", "south-co"]


def test_a_changed_pack_is_picked_up_by_the_next_process(two_brands, tmp_path, brandpilot_home):
    with open_app(load_settings()) as app:
        assert "60 hours" in answer(app, "how long does the tidepool lantern burn?", "slack:T-NORTH:C1:1", "T-NORTH")
    page = tmp_path / "north" / "products.md"
    page.write_text(page.read_text(encoding="utf-8").replace("60 hours", "75 hours"), encoding="utf-8")
    with open_app(load_settings()) as app:
        reply = answer(app, "how long does the tidepool lantern burn?", "slack:T-NORTH:C1:2", "T-NORTH")
        assert "75 hours" in reply and "60 hours" not in reply


def test_with_auto_ingest_off_an_uningested_brand_has_no_answers_but_the_chat_works(tmp_path, monkeypatch):
    config = tmp_path / "brandpilot.yaml"
    config.write_text("knowledge:\n  auto_ingest: false\n", encoding="utf-8")
    monkeypatch.setenv("BRANDPILOT_CONFIG", str(config))
    with open_app(load_settings()) as app:
        reply = answer(app, "how long does the fog bell candle burn?", "slack:T1:C1:1")
        assert "§" not in reply and reply


def test_the_sample_brand_copied_in_answers_product_questions(sample_knowledge):
    with open_app(load_settings()) as app:
        reply = answer(app, "how long does the fog bell candle burn?", "slack:T1:C1:1")
        assert "40 hours" in reply and "§" in reply
    shutil.rmtree(sample_knowledge / "chroma")
