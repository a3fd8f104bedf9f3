"""Per-brand publishing status: connected accounts and tokens, queue depth, pauses, last success and failure."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from memory import queue
from memory import repository as repo
from memory.credentials import CredentialStore
from tools.platforms.specs import get_platform

if TYPE_CHECKING:
    from bot.app import App


class HasStores(Protocol):
    """What the status needs: the database and the credential store."""

    sessions: sessionmaker[Session]

    @property
    def credentials(self) -> CredentialStore:
        """The brands' platform accounts."""
        ...


def brand_status(where: HasStores, brand_id: str) -> dict[str, Any]:
    """One brand's publishing status as plain data (also the `--json` output)."""
    now = datetime.now(UTC)
    with where.sessions() as session:
        stats = queue.stats(session, brand_id)
        pause = queue.pauses(session).get(brand_id)
    accounts = [
        {
            "platform": c.platform,
            "account": c.account_name or c.account_id,
            "expires_at": c.expires_at.isoformat() if c.expires_at else None,
            "expires_in_days": (c.expires_at - now).days if c.expires_at else None,
            "last_error": c.last_error,
        }
        for c in where.credentials.connections(brand_id)
    ]
    return {
        "brand_id": brand_id,
        "paused": {"by": pause.paused_by, "at": pause.paused_at.isoformat(), "reason": pause.reason} if pause else None,
        "accounts": accounts,
        "waiting": stats.waiting,
        "next_at": stats.next_at.isoformat() if stats.next_at else None,
        "failed": stats.failed,
        "uncertain": stats.uncertain,
        "last_published": _post(stats.last_published),
        "last_failed": _post(stats.last_failed),
    }


def _post(post: Any) -> dict[str, Any] | None:
    if post is None:
        return None
    return {
        "id": post.id,
        "platform": post.platform,
        "at": post.updated_at.isoformat(),
        "url": post.url,
        "dry_run": post.dry_run,
        "error": post.last_error,
    }


def workspace_brands(app: App, surface: str, workspace: str | None) -> list[str]:
    """The brands the config maps a Slack workspace or Discord server to (else the default brand), never another's."""
    mapped = [w.brand for w in app.settings.workspaces if w.surface == surface and w.id == workspace]
    return [b for b in mapped if b in app.brands] or [app.settings.default_brand_id()]


def served_summary(app: App, brand_ids: list[str]) -> tuple[str, str, str]:
    """(brand names, post counts by status, the model) for the head line of a chat surface's status answer."""
    with app.sessions() as session:
        counts = Counter(post.status for brand_id in brand_ids for post in repo.list_posts(session, brand_id))
    posts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing scheduled yet"
    names = ", ".join(app.brands[brand_id].name for brand_id in brand_ids)
    return names, posts, app.settings.model or "none (offline template drafts)"


def render_status(report: list[dict[str, Any]]) -> str:
    """The status in plain Markdown lines (the terminal and Slack both show it)."""
    lines: list[str] = []
    for brand in report:
        head = f"*{brand['brand_id']}*"
        if brand["paused"]:
            head += f" — queue PAUSED by {brand['paused']['by']}" + (
                f" ({brand['paused']['reason']})" if brand["paused"]["reason"] else ""
            )
        lines.append(head)
        if not brand["accounts"]:
            lines.append("• no platform connected: approved posts are labelled dry runs")
        for account in brand["accounts"]:
            label = get_platform(account["platform"]).label
            days = account["expires_in_days"]
            token = (
                "token does not expire"
                if days is None
                else ("token EXPIRED" if days < 0 else f"token expires in {days} days")
            )
            warn = " ⚠" if days is not None and days < 7 else ""
            error = f"; last check failed: {account['last_error']}" if account["last_error"] else ""
            lines.append(f"• {label}: {account['account']}, {token}{warn}{error}")
        next_at = f", next at {brand['next_at'][:16].replace('T', ' ')} UTC" if brand["next_at"] else ""
        lines.append(
            f"• queue: {brand['waiting']} waiting{next_at}; {brand['failed']} failed; "
            f"{brand['uncertain']} to check by hand"
        )
        if brand["last_published"]:
            p = brand["last_published"]
            where = p["url"] or ("dry run" if p["dry_run"] else p["id"])
            lines.append(f"• last published: {get_platform(p['platform']).label} {p['at'][:16]} ({where})")
        if brand["last_failed"]:
            p = brand["last_failed"]
            lines.append(f"• last failure: {get_platform(p['platform']).label} {p['at'][:16]}: {p['error']}")
    return "\n".join(lines)
