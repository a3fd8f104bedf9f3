"""Findings carry span, fix and kind from the checks to the reviewer's Markdown, old findings included."""

from __future__ import annotations

from agents.hitl import Finding
from agents.specialists.content_quality import format_findings
from agents.specialists.drafting import check_parts


def test_check_parts_passes_span_fix_and_kind_through(sample_brand) -> None:
    passed, findings = check_parts(["A cheap candle for [occasion]."], "x", sample_brand, sponsored=False)
    assert not passed
    by_rule = {f["rule"]: f for f in findings}
    placeholder = by_rule.pop("draft-placeholder")
    assert placeholder["span"] == "[occasion]" and placeholder["kind"] == "rule"
    assert placeholder["fix"] == "replace [occasion] with the real details"
    assert by_rule["pref-good-value"] | {"message": ""} == {
        "rule": "pref-good-value",
        "severity": "warning",
        "message": "",
        "guideline": "guidelines.md § Words we use and avoid",
        "span": "cheap",
        "fix": 'write "good value" instead',
        "kind": "rule",
    }


def test_markdown_shows_the_fix_and_marks_judgements() -> None:
    findings = [
        Finding(
            rule="pref-great-value",
            severity="warning",
            message='Uses "cheap"; write "great value" instead.',
            guideline="Words we use and avoid",
            span="cheap",
            fix='write "great value" instead',
            kind="rule",
        ),
        Finding(
            rule="voice-judgement",
            severity="warning",
            message='"OMG": Reads as hype.',
            guideline="guidelines.md § Voice and tone",
            span="OMG",
            fix="Say what the roast tastes like.",
            kind="judgement",
        ),
    ]
    lines = format_findings(findings).splitlines()
    assert lines[0] == (
        '- **Warning** `pref-great-value`: Uses "cheap"; write "great value" instead. — fix: write "great value" '
        "instead _(Source: Words we use and avoid)_"
    )
    assert lines[1].startswith('- **Judgement** `voice-judgement`: "OMG": Reads as hype. — fix: Say what')


def test_findings_saved_before_span_and_fix_existed_still_format() -> None:
    old = Finding(rule="banned-profanity", severity="error", message='Uses "hell".', guideline="Words")
    assert format_findings([old]) == '- **Must fix** `banned-profanity`: Uses "hell". _(Source: Words)_'
