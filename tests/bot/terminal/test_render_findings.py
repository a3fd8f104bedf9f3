"""The terminal findings table shows each fix and marks judgement findings; old findings still render."""

from __future__ import annotations

from rich.console import Console

from bot.terminal.render import render_findings


def shown(findings: list[dict]) -> str:
    console = Console(record=True, width=160, color_system=None)
    console.print(render_findings(findings))
    return console.export_text()


def test_fix_is_shown_under_the_message_and_judgements_are_marked() -> None:
    text = shown(
        [
            {
                "rule": "hashtag-policy",
                "severity": "warning",
                "kind": "rule",
                "message": "Has 4 hashtags; X allows 2.",
                "span": "#Beans",
                "fix": "remove 2 hashtags",
                "guideline": "Hashtags and emoji",
            },
            {
                "rule": "voice-judgement",
                "severity": "warning",
                "kind": "judgement",
                "message": '"OMG": Reads as hype.',
                "span": "OMG",
                "fix": "Say what it tastes like.",
                "guideline": "guidelines.md § Voice and tone",
            },
        ]
    )
    assert "Fix: remove 2 hashtags" in text and "Fix: Say what it tastes like." in text
    judgement_row = next(line for line in text.splitlines() if "voice-judgement" in line)
    assert "judgement" in judgement_row.split("voice-judgement")[0]


def test_old_findings_without_kind_or_fix_render() -> None:
    text = shown([{"rule": "banned-profanity", "severity": "error", "message": 'Uses "hell".', "guideline": "Words"}])
    assert "error" in text and 'Uses "hell".' in text and "Fix:" not in text
