"""Tests for loading brand.yaml rulebooks and for the errors bad rulebooks produce."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from shared import SHARED, needs_shared

from tools.content.rulebook import Rulebook, RulebookError, load_rulebook

SHARED_BRAND = SHARED / "brand" / "kettle-ember"

MINIMAL = """\
brand: {id: demo, name: "Demo Co", website: "https://demo.example"}
voice: {adjectives: [warm], exemplars: ["Hi there."], anti_exemplars: ["BUY NOW"]}
notes: "unknown top-level keys are kept"
rules:
  banned_terms:
    - {id: banned-a, terms: ["damn"], severity: error, guideline: "Words"}
    - {id: banned-b, terms: ["hell"], severity: warning, guideline: "Words"}
    - {id: banned-c, terms: ["crap"], severity: warning, guideline: "Words"}
  claims_requiring_review:
    - {id: claim-a, pattern: '\\bhealthy\\b', severity: error, guideline: "Claims"}
  hashtags:
    id: hashtag-policy
    max_per_platform: {x: 2}
    severity: warning
    guideline: "Hashtags"
platforms:
  x: {max_chars: 200}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "brand.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _error_for(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(RulebookError) as excinfo:
        load_rulebook(path)
    message = str(excinfo.value)
    assert str(path) in message
    return message


def test_loads_from_file_or_brand_pack_folder(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL)
    from_file, from_folder = load_rulebook(path), load_rulebook(str(tmp_path))
    assert from_file == from_folder
    assert from_file.brand.website == "https://demo.example"
    assert from_file.voice.anti_exemplars == ["BUY NOW"]
    assert from_file.platforms["x"].max_chars == 200


def test_keeps_unknown_top_level_keys(tmp_path: Path) -> None:
    rulebook = load_rulebook(_write(tmp_path, MINIMAL))
    assert rulebook.model_extra == {"notes": "unknown top-level keys are kept"}


def test_claim_patterns_are_compiled_case_insensitive(tmp_path: Path) -> None:
    pattern = load_rulebook(_write(tmp_path, MINIMAL)).rules.claims_requiring_review[0].pattern
    assert isinstance(pattern, re.Pattern)
    assert pattern.search("So HEALTHY!")


def test_wrong_type_names_file_field_path_and_allowed_value(tmp_path: Path) -> None:
    broken = MINIMAL.replace('terms: ["crap"]', 'terms: "crap"')
    message = _error_for(tmp_path, broken)
    assert "rules.banned_terms[2].terms" in message
    assert "valid list" in message and "'crap'" in message


def test_bad_regex_is_reported_with_its_field_path(tmp_path: Path) -> None:
    message = _error_for(tmp_path, MINIMAL.replace("\\bhealthy\\b", "(healthy"))
    assert "rules.claims_requiring_review[0].pattern" in message
    assert "not a valid Python regular expression" in message


def test_bad_severity_lists_allowed_values(tmp_path: Path) -> None:
    message = _error_for(tmp_path, MINIMAL.replace("severity: error,", "severity: fatal,", 1))
    assert "rules.banned_terms[0].severity" in message and "'error' or 'warning'" in message


def test_misspelt_rule_field_lists_allowed_fields(tmp_path: Path) -> None:
    message = _error_for(tmp_path, MINIMAL.replace("max_per_platform:", "max_per_platfrom:"))
    assert "rules.hashtags.max_per_platfrom: is not a known field" in message
    assert "max_per_platform" in message.split("allowed fields:")[1]


def test_unknown_platform_key_lists_valid_platforms(tmp_path: Path) -> None:
    message = _error_for(tmp_path, MINIMAL.replace("{x: 2}", "{twitter: 2}"))
    assert "rules.hashtags.max_per_platform" in message
    assert "'twitter'" in message and "x, linkedin, instagram" in message


def test_duplicate_rule_ids_name_both_places(tmp_path: Path) -> None:
    message = _error_for(tmp_path, MINIMAL.replace("id: banned-b", "id: banned-a"))
    assert "rules.banned_terms[0]" in message and "rules.banned_terms[1]" in message


def test_missing_required_section_is_named(tmp_path: Path) -> None:
    message = _error_for(tmp_path, MINIMAL.replace("brand: {", "brandx: {"))
    assert "brand: is required" in message


def test_several_problems_are_all_listed(tmp_path: Path) -> None:
    broken = MINIMAL.replace("severity: error,", "severity: fatal,", 1).replace("{x: 2}", "{x: -1}")
    message = _error_for(tmp_path, broken)
    assert "2 problems" in message
    assert "rules.hashtags.max_per_platform.x" in message


def test_disclosure_other_than_sponsored_needs_a_detect_pattern(tmp_path: Path) -> None:
    extra = (
        "  required_disclosures:\n"
        '    - {id: d-give, when: giveaway, any_of: ["No purchase necessary"], '
        'severity: error, guideline: "Disclosures"}\n'
    )
    message = _error_for(tmp_path, MINIMAL.replace("  hashtags:\n", extra + "  hashtags:\n"))
    assert "rules.required_disclosures[0]" in message and "detect_pattern is required" in message


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    message = _error_for(tmp_path, "brand: [unclosed\n")
    assert "not valid YAML" in message


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    assert "top level must be a mapping" in _error_for(tmp_path, "- just\n- a list\n")


def test_missing_file_says_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match="no such file; pass a brand.yaml file"):
        load_rulebook(tmp_path / "nowhere")


def test_rulebook_error_is_a_value_error() -> None:
    assert issubclass(RulebookError, ValueError)


@needs_shared("brand", "kettle-ember")
def test_shared_kettle_and_ember_rulebook_loads() -> None:
    rulebook = load_rulebook(SHARED_BRAND)
    assert isinstance(rulebook, Rulebook)
    assert rulebook.brand.id == "kettle-ember"
    assert rulebook.rules.hashtags is not None
    assert rulebook.rules.hashtags.max_per_platform["instagram"] == 8
    assert rulebook.platforms["youtube"].description_max_chars == 5000
    assert len(rulebook.rules.accessibility) == 3
