"""Tests for the compliance eval: the metric on hand-made predictions, input validation and the dev set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shared import shared_path

from tools.content.compliance_eval import DataError, load_examples, main, score

LINE = {"platform": "x", "sponsored": False, "text": "Roast day.", "expected_violations": []}


def write_lines(tmp_path: Path, *lines: object) -> Path:
    path = tmp_path / "drafts.jsonl"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines), "utf-8")
    return path


# --- Metric ----------------------------------------------------------------------------------


def test_perfect_predictions_score_one_everywhere() -> None:
    expected = [{"a"}, set(), {"a", "b"}]
    result = score(expected, [{"a"}, set(), {"b", "a"}])
    assert result["exact_match"] == 1.0 and result["exact_matches"] == 3 and result["drafts"] == 3
    assert result["micro"] == {"tp": 3, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert result["rules"]["a"] == {"support": 2, "tp": 2, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0}


def test_misses_and_false_alarms_lower_precision_recall_and_exact_match() -> None:
    expected = [{"a", "b"}, {"a"}, set(), {"c"}]
    predicted = [{"a"}, {"a", "c"}, {"b"}, {"c"}]
    result = score(expected, predicted)
    # a: 2 TP. b: 1 FN (draft 1), 1 FP (draft 3). c: 1 FP (draft 2), 1 TP (draft 4).
    assert result["rules"]["a"] == {"support": 2, "tp": 2, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0}
    assert result["rules"]["b"] == {"support": 1, "tp": 0, "fp": 1, "fn": 1, "precision": 0.0, "recall": 0.0}
    assert result["rules"]["c"] == {"support": 1, "tp": 1, "fp": 1, "fn": 0, "precision": 0.5, "recall": 1.0}
    micro = result["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (3, 2, 1)
    assert micro["precision"] == pytest.approx(3 / 5)
    assert micro["recall"] == pytest.approx(3 / 4)
    assert micro["f1"] == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert result["exact_match"] == 0.25 and result["exact_matches"] == 1
    assert list(result["rules"]) == ["a", "b", "c"]


def test_ratios_without_a_denominator_are_none() -> None:
    result = score([{"a"}, set()], [set(), set()])
    assert result["rules"]["a"]["precision"] is None and result["rules"]["a"]["recall"] == 0.0
    assert result["micro"]["precision"] is None and result["micro"]["f1"] is None
    assert result["exact_match"] == 0.5


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="2 expected sets but 1 predicted"):
        score([set(), set()], [set()])


# --- Input validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        ("{not json", r"drafts.jsonl:2: is not valid JSON"),
        ("[1, 2]", r"drafts.jsonl:2: must be a JSON object, not list"),
        ({**LINE, "text": None}, r"drafts.jsonl:2: 'text' must be a str, not NoneType"),
        ({k: v for k, v in LINE.items() if k != "sponsored"}, r"drafts.jsonl:2: is missing 'sponsored'"),
        ({**LINE, "platform": "twitter"}, r"drafts.jsonl:2: Unknown platform 'twitter'; use one of: x, linkedin"),
        ({**LINE, "expected_violations": [3]}, r"drafts.jsonl:2: 'expected_violations' must be a list of rule ids"),
        ({**LINE, "expected_violations": ["pref-cheap"]}, r"drafts.jsonl:2: unknown rule id 'pref-cheap'"),
    ],
)
def test_bad_lines_are_reported_with_their_line_number(tmp_path: Path, bad: object, error: str) -> None:
    path = write_lines(tmp_path, LINE, bad)
    with pytest.raises(DataError, match=error):
        load_examples(path, rule_ids={"pref-great-value"})


def test_blank_lines_are_skipped_and_platform_names_normalised(tmp_path: Path) -> None:
    path = write_lines(tmp_path, {**LINE, "platform": "LinkedIn", "id": "d1"}, "", LINE)
    first, second = load_examples(path)
    assert (first.id, first.platform, second.id) == ("d1", "linkedin", f"{path}:3")


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="has no examples"):
        load_examples(write_lines(tmp_path, ""))


def test_command_line_names_the_bad_line_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    brand = tmp_path / "brand.yaml"
    brand.write_text("brand: {id: b, name: B}\nrules: {}\n", "utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["--data", str(write_lines(tmp_path, LINE, "{oops")), "--brand", str(brand)])
    assert exited.value.code == 2
    assert "drafts.jsonl:2: is not valid JSON" in capsys.readouterr().err


# --- Dev set ---------------------------------------------------------------------------------


def test_dev_set_is_matched_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    data = shared_path("data", "compliance_dev.jsonl")
    brand = shared_path("brand", "kettle-ember")
    main(["--data", str(data), "--brand", str(brand), "--json", "--misses"])
    result = json.loads(capsys.readouterr().out)
    assert result["drafts"] == 30
    assert result["exact_match"] == 1.0 and result["micro"]["f1"] == 1.0
    assert result["misses"] == []


def test_dev_set_table_shows_each_rule_and_the_totals(capsys: pytest.CaptureFixture[str]) -> None:
    data = shared_path("data", "compliance_dev.jsonl")
    brand = shared_path("brand", "kettle-ember")
    main(["--data", str(data), "--brand", str(brand)])
    out = capsys.readouterr().out
    assert out.startswith("rule ") and "support   TP   FP   FN  precision  recall" in out
    assert "\ndisclosure-sponsored " in out
    assert "micro over rule ids: precision 1.000  recall 1.000  F1 1.000" in out
    assert out.rstrip().endswith("exact match: 1.000 (30/30 drafts)")
