"""Pure Rich renderers for replies, draft cards and posts."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agents.hitl import ApprovalRequest, chain_note
from bot.turns import DraftCard, Reply, TextReply
from tools.platforms.specs import get_platform

ACTION_KEYS = {"approve": "a", "edit": "e", "reject": "r", "reschedule": "s"}


def render_findings(findings: list[dict]) -> RenderableType:
    """A table of findings with rule ids, suggested fixes and guideline sections, errors first.

    The model's judgement findings are marked "judgement"; findings saved by older versions may
    lack `kind` and `fix` and show without them.
    """
    if not findings:
        return Text("✓ Passes every rule in the brand rulebook.", style="green")
    table = Table(show_header=True, header_style="bold", expand=True)
    table.add_column("", width=9)
    table.add_column("Rule")
    table.add_column("What to fix", ratio=3)
    table.add_column("Guideline")
    for f in findings:
        if f.get("kind") == "judgement":
            mark = Text("judgement", style="magenta")
        else:
            mark = Text(f["severity"], style="red" if f["severity"] == "error" else "yellow")
        what = Text(f["message"])
        if f.get("fix"):
            what.append(f"\nFix: {f['fix']}", style="green")
        table.add_row(mark, Text(f["rule"]), what, Text(f["guideline"]))
    return table


def render_card(request: ApprovalRequest) -> RenderableType:
    """A draft card: the text, where and when it goes, its findings and the allowed actions."""
    draft = request["draft"]
    label = get_platform(draft["platform"]).label
    parts = draft["parts"]
    body: list[RenderableType] = []
    for index, part in enumerate(parts, start=1):
        heading = (
            f"[dim]post {index} of {len(parts)} · {len(part)} chars[/]"
            if len(parts) > 1
            else f"[dim]{len(part)} chars[/]"
        )
        body.append(Text.from_markup(heading))
        body.append(Text(part, overflow="fold"))
    body.append(Text(""))
    if note := chain_note(request):
        body.append(Text(note, style="bold"))
    body.append(render_findings(request["findings"]))
    actions = " · ".join(f"[bold]{ACTION_KEYS[a]}[/] {a}" for a in request["allowed_actions"])
    body.append(Text.from_markup(f"\n{actions} · [bold]l[/] later"))
    status = "[green]ready for approval[/]" if request["passed"] else "[red]blocked: fix the errors first[/]"
    title = f"{label} draft · {status} · scheduled {draft['scheduled_for']}"
    subtitle = (
        f"approval {request['approval_id']} · {'sponsored · ' if draft['sponsored'] else ''}{draft['source']} draft"
    )
    return Panel(Group(*body), title=title, subtitle=subtitle, border_style="cyan" if request["passed"] else "red")


def render_reply(reply: Reply) -> RenderableType:
    """One reply item."""
    if isinstance(reply, DraftCard):
        return render_card(reply.request)
    assert isinstance(reply, TextReply)
    return Markdown(reply.markdown)


def render_posts(posts: list[dict]) -> RenderableType:
    """The publishing queue as a table."""
    table = Table(title="Scheduled and published posts", expand=True)
    for column in ("When (UTC)", "Platform", "Status", "Brand", "Text"):
        table.add_column(column)
    for post in posts:
        status = post["status"] + (" (dry run)" if post["dry_run"] else "")
        text = post["text"] if len(post["text"]) <= 80 else post["text"][:77] + "…"
        table.add_row(
            *(Text(str(v)) for v in (post["scheduled_for"], post["platform"], status, post["brand_id"], text))
        )
    if not posts:
        table.add_row("—", "—", "nothing scheduled yet", "—", "Approve a draft to schedule it.")
    return table
