"""The `route` and `check` commands: routing and compliance without opening a conversation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli import JsonOpt, app, emit_json, fail, out, settings_or_exit, user_errors
from bot.turns import InputError, clean_message
from tools.platforms.specs import PLATFORMS

MAX_FILE_BYTES = 20 * 1024 * 1024


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Yield (line number, object) per non-blank line, or (line number, error text) for a bad line."""
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"{path} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB; split it.")
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})"
                continue
            if not isinstance(value, dict):
                yield number, f'line {number}: expected a JSON object like {{"text": "..."}}'
                continue
            yield number, value


@app.command()
def route(
    text: Annotated[str | None, typer.Argument(help="A message to route.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help='JSONL with a "text" field per line.')] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show which specialist would handle a message (no LLM unless BRANDPILOT_MODEL is set)."""
    if (text is None) == (file is None):
        fail("Give a message or --file F.jsonl (not both).", code=2)
    settings = settings_or_exit()
    from agents.llm import make_chat_model
    from bot.app import make_router

    with user_errors():
        llm = make_chat_model(
            settings.model,
            api_keys={"openai": settings.secret("openai_api_key"), "anthropic": settings.secret("anthropic_api_key")},
        )
        router = make_router(settings, llm)
        if text is not None:
            decision = router.route(clean_message(text))
            if as_json:
                emit_json(decision.to_dict())
            else:
                out.print(f"{decision.agent or '(none)'}  confidence {decision.confidence:.2f}  via {decision.method}")
            return
        errors = 0
        for number, row in read_jsonl(file):
            if isinstance(row, str) or not isinstance(row.get("text"), str):
                errors += 1
                message = row if isinstance(row, str) else f'line {number}: needs a string "text" field'
                emit_json({"error": message, "line": number})
                continue
            try:
                emit_json(router.route(clean_message(row["text"])).to_dict())
            except InputError as exc:
                errors += 1
                emit_json({"error": f"line {number}: {exc}", "line": number})
    if errors:
        fail(f'{errors} line(s) of {file} could not be routed; see the "error" lines in the output.')


def _rulebook(settings: Any, brand: str | None) -> Any:
    from bot.app import brand_from_path, load_brand

    entries = {b.id: b for b in settings.brand_entries()}
    if brand is None:
        return load_brand(entries[settings.default_brand_id()]).rulebook
    if brand in entries:
        return load_brand(entries[brand]).rulebook
    path = Path(brand)
    if path.exists():
        return brand_from_path(path).rulebook
    raise InputError(f"{brand!r} is neither a configured brand ({', '.join(entries)}) nor a brand-pack folder.")


def _platform(value: Any) -> str:
    if value not in PLATFORMS:
        raise InputError(f"unknown platform {value!r}; use one of: {', '.join(PLATFORMS)}")
    return value


@app.command()
def check(
    platform: Annotated[str | None, typer.Option("--platform", help=f"One of: {', '.join(PLATFORMS)}.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="A file holding the post text.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="The post text.")] = None,
    sponsored: Annotated[bool, typer.Option("--sponsored", help="The post is paid or sponsored.")] = False,
    batch: Annotated[Path | None, typer.Option("--batch", help="JSONL of {platform, sponsored, text}.")] = None,
    brand: Annotated[str | None, typer.Option("--brand", help="Brand id or brand-pack folder.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a draft against the brand rulebook; findings cite the rule and guideline section."""
    from tools.content.checks import check_post

    settings = settings_or_exit()
    with user_errors():
        rulebook = _rulebook(settings, brand)
        if batch is not None:
            if file or text or platform:
                raise InputError("--batch reads platform and text from each line; don't combine it with them.")
            errors = 0
            for number, row in read_jsonl(batch):
                try:
                    if isinstance(row, str):
                        raise InputError(row)
                    if not isinstance(row.get("text"), str) or not row["text"].strip():
                        raise InputError(f'line {number}: needs a non-empty string "text" field')
                    sponsored_value = row.get("sponsored", False)
                    if not isinstance(sponsored_value, bool):
                        raise InputError(f'line {number}: "sponsored" must be true or false, not {sponsored_value!r}')
                    platform_name = _platform(row.get("platform"))
                    report = check_post(row["text"], platform_name, rulebook, sponsored=sponsored_value)
                    emit_json(report.to_dict())
                except InputError as exc:
                    errors += 1
                    emit_json({"error": str(exc), "line": number})
            if errors:
                fail(f'{errors} line(s) of {batch} could not be checked; see the "error" lines in the output.')
            return
        if platform is None or (file is None) == (text is None):
            raise InputError("Give --platform P and exactly one of --file F or --text T (or use --batch F.jsonl).")
        if file is not None:
            if not file.is_file():
                raise InputError(f"{file} does not exist or is not a file.")
            text = file.read_text(encoding="utf-8", errors="replace")
        if not text.strip():
            raise InputError("The post text is empty.")
        report = check_post(text, _platform(platform), rulebook, sponsored=sponsored)
    if as_json:
        emit_json(report.to_dict())
        return
    from bot.terminal.render import render_findings

    out.print("[green]Passed[/]" if report.passed else "[red]Blocked[/]")
    out.print(render_findings(report.to_dict()["findings"]))
    if not report.passed:
        raise typer.Exit(1)
