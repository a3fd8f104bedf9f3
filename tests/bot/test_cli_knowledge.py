import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample_brand"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_ingest_search_and_list_as_json():
    first = invoke("knowledge", "ingest", str(SAMPLE), "--json")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["brand_id"] == "harbor-pine" and "guidelines.md" in summary["added"]
    assert summary["chunks_written"] == summary["chunks_total"] > 50
    again = json.loads(invoke("knowledge", "ingest", str(SAMPLE), "--json").stdout)
    assert again["chunks_written"] == 0 and again["added"] == []

    found = invoke("knowledge", "search", "what went wrong with the fog bell candle last winter?", "-k", "3", "--json")
    assert found.exit_code == 0, found.output
    results = json.loads(found.stdout)["results"]
    assert len(results) == 3
    assert set(results[0]) == {"source", "section", "subsection", "heading_path", "score", "text"}
    assert results[0]["source"] == "campaigns/2025-winter-cabin-season.md"
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)

    listed = json.loads(invoke("knowledge", "list", "--json").stdout)
    [brand] = listed["brands"]
    assert brand["brand"] == "harbor-pine" and brand["documents"]["guidelines.md"] > 3


def test_knowledge_errors_are_plain_words(tmp_path):
    missing = invoke("knowledge", "search", "anything", "--json")
    assert missing.exit_code == 1 and "knowledge ingest" in missing.stderr
    empty = invoke("knowledge", "search", "   ")
    assert empty.exit_code == 1 and "question is empty" in empty.stderr
    (tmp_path / "brand.yaml").write_text("brand: {id: 'x'}\nrules: {banned_terms: 7}\n")
    bad = invoke("knowledge", "ingest", str(tmp_path))
    assert bad.exit_code == 1 and "banned_terms" in bad.stderr
    nowhere = invoke("knowledge", "ingest", str(tmp_path / "nope"))
    assert nowhere.exit_code == 1 and "nope" in nowhere.stderr


@pytest.mark.parametrize(
    "url", ["ftp://chroma.internal", "http://chroma.internal:80a", "http://[chroma", "http://:8000"]
)
def test_a_malformed_chroma_url_is_named(monkeypatch, url):
    monkeypatch.setenv("CHROMA_URL", url)
    result = invoke("knowledge", "list")
    assert result.exit_code == 1 and "CHROMA_URL" in result.stderr and "http://host:8000" in result.stderr
