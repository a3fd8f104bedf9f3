"""The interactive terminal chat: messages in, rendered replies and draft cards out."""

from __future__ import annotations

import logging
from typing import Any

from rich.console import Console
from rich.text import Text

from bot.terminal.render import ACTION_KEYS, render_reply
from bot.turns import InputError, Turn, TurnResult
from memory.coordination import ThreadBusyError

log = logging.getLogger(__name__)
HELP = """[bold]Talk to BrandPilot[/] in plain words, for example:
  • write a tweet announcing our winter candle sale
  • draft a LinkedIn post about our new workshop tours
  • adapt this for Instagram, LinkedIn and X: "We're open late on Fridays now."
  • check this for Instagram: "Our candles are guaranteed to relieve stress!"
[bold]Commands[/]: /help · /threads (list threads) · /thread NAME (switch) · /quit"""


def run_chat(app: Any, thread_key: str, user: str, console: Console) -> None:
    """Read messages until /quit or end of input; every error is shown and the loop goes on."""
    mode = f"model {app.settings.model}" if app.settings.model else "offline mode (template drafts)"
    brand = app.brands[app.settings.default_brand_id()]
    console.print(Text.assemble(("BrandPilot", "bold cyan"), f" for {brand.name} · {mode} · thread {thread_key}"))
    console.print(HELP)
    while True:
        _show_notices(app, console)
        try:
            text = console.input("\n[bold green]you>[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            console.print("\nBye.")
            return
        if not text:
            continue
        if text in ("/quit", "/exit", "/q"):
            console.print("Bye. Your threads are saved; come back with --thread NAME.")
            return
        try:
            thread_key = _command(app, text, thread_key, console) if text.startswith("/") else thread_key
            if not text.startswith("/"):
                result = app.service.handle_turn(Turn(thread_key, user, text))
                _show(console, result)
                _decide_pending(app, console, thread_key, user, result)
        except (InputError, ThreadBusyError) as exc:
            console.print(Text(str(exc), style="red"))
        except Exception:  # the chat keeps running; the details go to the log
            log.exception("chat turn failed in thread %s", thread_key)
            console.print(Text("Something went wrong on our side; the details are in the log. Try again.", style="red"))


def _command(app: Any, text: str, thread_key: str, console: Console) -> str:
    name, _, arg = text.partition(" ")
    if name == "/help":
        console.print(HELP)
    elif name == "/threads":
        threads = app.service.list_threads()
        console.print(Text("\n".join(f"  {'*' if t == thread_key else ' '} {t}" for t in threads) or "No threads yet."))
    elif name == "/thread" and arg.strip():
        from bot.cli import thread_key as to_key

        thread_key = to_key(arg.strip())
        console.print(Text(f"Switched to thread {thread_key}."))
        pending = app.service.pending_approval(thread_key)
        if pending:
            console.print("A draft is waiting in this thread; send any message to see it.")
    else:
        console.print(Text(f"Unknown command {name!r}. Try /help.", style="yellow"))
    return thread_key


def _show(console: Console, result: TurnResult) -> None:
    for reply in result.replies:
        console.print(render_reply(reply))


def _decide_pending(app: Any, console: Console, thread_key: str, user: str, result: TurnResult) -> None:
    """Ask for a decision on the waiting draft until it is decided, left for later, or decided elsewhere."""
    pending = result.pending
    while pending is not None:
        keys = {ACTION_KEYS[a]: a for a in pending["allowed_actions"]} | {"l": "later"}
        try:
            choice = console.input(f"[bold]decide[/] ({'/'.join(keys)})> ").strip().lower()[:1]
            action = keys.get(choice)
            if action is None:
                console.print(Text(f"Type one of: {', '.join(f'{k} = {v}' for k, v in keys.items())}.", style="yellow"))
                continue
            if action == "later":
                console.print("The draft stays pending in this thread.")
                return
            decision = {"action": action, "approval_id": pending["approval_id"]} | _details(console, action)
        except (EOFError, KeyboardInterrupt):  # Ctrl-D / Ctrl-C at the prompt: nothing is decided
            console.print("\nThe draft stays pending in this thread.")
            return
        try:
            result = app.service.decide(thread_key, decision, user=user, surface="cli")  # type: ignore[arg-type]
        except InputError as exc:
            console.print(Text(str(exc), style="red"))
            fresh = app.service.pending_approval(thread_key)
            if fresh is None or fresh["approval_id"] != pending["approval_id"]:  # decided elsewhere: no stale prompt
                if fresh is not None:
                    console.print("Another draft is waiting in this thread; send any message to see it.")
                return
            continue
        _show(console, result)
        pending = result.pending


def _details(console: Console, action: str) -> dict[str, str]:
    """What the decision needs typed: the new text, the reason or the new time."""
    if action == "edit":
        return {"text": console.input("new text> ")}
    if action == "reject":
        return {"reason": console.input("reason> ")}
    if action == "reschedule":
        return {"scheduled_for": console.input("new time (ISO 8601, e.g. 2026-12-01T09:00:00+00:00)> ")}
    return {}


def _show_notices(app: Any, console: Console) -> None:
    """Print what the publishing worker reported for terminal threads since the last prompt."""
    from memory.notices import claim_notices, finish_notice

    try:
        with app.sessions.begin() as session:
            for notice in claim_notices(session, "cli:"):
                console.print(Text.assemble((f"[{notice.thread_key.removeprefix('cli:')}] ", "bold"), notice.text))
                finish_notice(session, notice.id)
    except Exception:  # notices wait for the next prompt; the chat goes on
        log.exception("could not read notices for terminal threads")
