"""`brandpilot sentiment --file F`: sentiment and emotions of one mention per line, aligned with the input lines."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli import JsonOpt, app, emit_json, fail, out

if TYPE_CHECKING:
    from tools.sentiment.scorer import SentimentResult

CHUNK = 512  # lines scored per call, so long files stream their JSON lines


def read_lines(file: Path) -> list[str]:
    """The file's lines (newline, CRLF or CR-free), exiting with a plain message when it can't be read as UTF-8."""
    try:
        raw = file.read_bytes()
    except OSError as error:
        fail(f"Can't read {file}: {error.strerror or error}. Give a text file with one mention per line.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        fail(f"{file} is not UTF-8 text (bad byte at offset {error.start}). Save it as UTF-8 and try again.")
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line starts no new one
    if not lines:
        fail(f"{file} is empty. Put one mention per line.")
    return lines


def result_json(number: int, result: SentimentResult) -> dict[str, object]:
    """One output line: the input line number, label, probabilities, emotions, VADER compound and any note."""
    return {
        "line": number,
        "label": result.label,
        "scores": {name: round(value, 4) for name, value in result.scores.items()},
        "emotions": {name: round(value, 4) for name, value in result.emotions.items()},
        "compound": result.compound,
        "note": result.note,
    }


@app.command("sentiment")
def sentiment(
    file: Annotated[Path, typer.Option("--file", "-f", help="UTF-8 text file with one mention per line.")],
    as_json: JsonOpt = False,
) -> None:
    """Score each line's sentiment and emotions; blank lines come out neutral with a note, so output aligns."""
    from tools.sentiment.model import ModelFileError
    from tools.sentiment.scorer import load_scorer

    lines = read_lines(file)
    try:
        scorer = load_scorer()
    except ModelFileError as error:
        fail(str(error))
    if as_json:
        for start in range(0, len(lines), CHUNK):
            for offset, result in enumerate(scorer.score(lines[start : start + CHUNK])):
                emit_json(result_json(start + offset + 1, result))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table("#", "Mention", "Label", "neg / neu / pos", "Top emotion", title=f"Sentiment of {file.name}")
    for number, (line, result) in enumerate(zip(lines, scorer.score(lines), strict=True), start=1):
        scores = " / ".join(f"{result.scores[name]:.2f}" for name in ("negative", "neutral", "positive"))
        emotion, strength = max(result.emotions.items(), key=lambda item: item[1])
        top = f"{emotion} {strength:.2f}" if strength >= 0.2 else "-"
        mention = (
            Text(f"({result.note})", style="dim") if result.note else Text(line if len(line) <= 60 else line[:59] + "…")
        )
        colour = {"negative": "red", "neutral": "white", "positive": "green"}[result.label]
        table.add_row(str(number), mention, f"[{colour}]{result.label}[/]", scores, top)
    out.print(table)
