"""Every finding cites a section that exists in the brand pack and in its knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared import shared_path

from config.settings import SAMPLE_BRAND_PATH
from tools.content.checks import check_post
from tools.content.rulebook import load_rulebook, parse_rulebook
from tools.content.sections import pack_sections


def all_rules(rulebook):
    for name in type(rulebook.rules).model_fields:
        value = getattr(rulebook.rules, name)
        for rule in value if isinstance(value, list) else [value]:
            if rule is not None and hasattr(rule, "guideline"):
                yield rule


def headings(path: Path) -> list[str]:
    return [line.lstrip("#").strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]


@pytest.mark.parametrize("pack", ["sample", "kettle-ember"])
def test_every_rule_cites_a_heading_of_its_pack(pack):
    folder = SAMPLE_BRAND_PATH if pack == "sample" else shared_path("brand", "kettle-ember")
    rulebook = load_rulebook(folder)
    rules = list(all_rules(rulebook))
    assert len(rules) >= 10
    for rule in rules:
        citation = rulebook.cite(rule.guideline)
        file, _, path = citation.partition(" § ")
        assert path, f"{rule.id}: {rule.guideline!r} is not a heading in {folder}"
        for heading in path.split(" › "):
            assert heading in headings(folder / file), (rule.id, citation)


def test_length_findings_cite_the_platform_playbook_and_unknown_names_stay_as_written(tmp_path):
    rulebook = load_rulebook(SAMPLE_BRAND_PATH)
    findings = check_post("Light one tonight. " * 20, "x", rulebook).findings
    [finding] = [f for f in findings if f.rule == "platform-max-length"]
    assert finding.guideline == "guidelines.md § Platform playbooks › X"
    assert rulebook.cite("Not a heading anywhere") == "Not a heading anywhere"
    bare = parse_rulebook(load_rulebook(SAMPLE_BRAND_PATH).model_dump(mode="json"))
    assert bare.cite("Voice and tone") == "Voice and tone", "without a pack folder there is nothing to resolve"


def test_headings_in_code_fences_and_repeats_are_handled(tmp_path):
    (tmp_path / "guidelines.md").write_text("## Voice\ntext\n```\n## Not a heading\n```\n### Tone\n")
    (tmp_path / "other.md").write_text("## Voice\nelsewhere\n")
    sections = pack_sections(tmp_path)
    assert sections["voice"] == "guidelines.md § Voice", "the guidelines win a repeated name"
    assert sections["voice › tone"] == "guidelines.md § Voice › Tone"
    assert "not a heading" not in sections


def test_a_findings_citation_is_a_section_of_the_knowledge_base(sample_knowledge_home):
    from knowledge.store import KnowledgeStore

    rulebook = load_rulebook(SAMPLE_BRAND_PATH)
    report = check_post("Our candles are guaranteed to relieve stress! BUY NOW", "instagram", rulebook)
    assert report.findings
    collection = KnowledgeStore.open(sample_knowledge_home).collection("harbor-pine")
    for finding in report.findings:
        file, _, path = finding.guideline.partition(" § ")
        section, _, subsection = path.partition(" › ")
        where = [{"file": file}, {"section": section}, {"kind": "chunk"}]
        if subsection:
            where.append({"subsection": subsection})
        assert collection.get(where={"$and": where}, include=[])["ids"], finding.guideline
