"""The listening specialists in chat: how people feel, whether there is a crisis, and what needs a reply."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime
from sqlalchemy.exc import SQLAlchemyError

from agents.context import AgentContext
from agents.specialists.competitor_view import competitor_activity, competitor_lines
from agents.specialists.drafting import latest_request
from agents.specialists.engagement import OUTREACH_DRAFTS, REPLY_DRAFTS, Drafted, draft_outreach, draft_replies
from agents.specialists.trending import TRENDING, current_trends, trend_line
from agents.state import BrandPilotState
from memory.mentions import MentionStore, MentionView
from tools.analytics.period_asks import period_ask

INFLUENCER_FOLLOWERS = 10_000
QUOTE_CHARS = 200
_REPLY = re.compile(r"\b(?:repl(?:y|ies)|answer|respond|dms?|direct messages?|comments?|inbox|waiting)\b", re.I)
_INFLUENCER = re.compile(r"\b(?:influencers?|creators?|big accounts?|reach|followers)\b", re.I)
_COMPETITOR = re.compile(r"\b(?:competitors?|rivals?|competition)\b", re.I)
_NO_DATABASE = "Listening answers need BrandPilot's database, which this conversation isn't connected to."
_DATABASE_DOWN = "The mentions couldn't be read just now (the database didn't answer). Try again in a moment."


def _window(request: str, today: date) -> tuple[datetime, datetime, str, datetime, datetime, str]:
    """The period asked about (default: the last 7 days) and the one to compare it with, as UTC datetimes."""
    asked = period_ask(request, today)
    if asked is None:
        end = today + timedelta(days=1)
        week, before = _utc(end - timedelta(days=7), end), _utc(end - timedelta(days=14), end - timedelta(days=7))
        return (*week, "the last 7 days", *before, "the 7 days before")
    return (
        *_utc(asked.start, asked.end),
        asked.label,
        *_utc(asked.compare_start, asked.compare_end),
        asked.compare_label,
    )


def _utc(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time(), UTC), datetime.combine(end, time(), UTC)


def _quote(m: MentionView) -> str:
    flat = " ".join(m.text.split())
    short = flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1] + "…"
    return f'- {m.platform} @{m.author} ({m.followers:,} followers, {m.created_at:%b %d %H:%M}): "{short}"'


def _answer(name: str, text: str) -> dict:
    return {"messages": [AIMessage(text, name=name)], "drafts": [], "outcomes": []}


def _guarded(name: str, runtime: Runtime[AgentContext], work: Callable[[AgentContext, MentionStore], str]) -> dict:
    """Run `work` on the stored mentions; a missing or unreachable database, or a bad date, is said plainly."""
    ctx = runtime.context
    if ctx.mentions is None:
        return _answer(name, _NO_DATABASE)
    try:
        return _answer(name, work(ctx, ctx.mentions))
    except SQLAlchemyError:
        return _answer(name, _DATABASE_DOWN)
    except ValueError as error:  # a date in the request that can't be
        return _answer(name, f'I couldn\'t read that: {error}. Try e.g. "this week" or "last 30 days".')


def analyse_sentiment(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """How people felt about the brand in a period against the one before, with the reach-weighted worst mentions."""
    request = latest_request(state)

    def work(ctx: AgentContext, store: MentionStore) -> str:
        start, end, label, before_start, before_end, before_label = _window(request, ctx.now().date())
        now, before = store.summary(ctx.brand.id, start, end), store.summary(ctx.brand.id, before_start, before_end)
        window = (start, end, label, before_start, before_end, before_label)
        if not now.total:
            nothing = (
                f"No mentions of {ctx.brand.name} were recorded for {label}. Mentions arrive from connected accounts, "
                "platform webhooks and `brandpilot monitor import FILE.jsonl`."
            )
            return "\n".join([nothing, *(competitor_lines(ctx, store, window) if _COMPETITOR.search(request) else [])])
        share = f"{now.negative_share:.0%} negative"
        if before.total:
            share += f" (against {before.negative_share:.0%} in {before_label}, {before.total} mentions)"
        counts = ", ".join(f"{now.counts[k]} {k}" for k in ("positive", "neutral", "negative"))
        lines = [f"**Sentiment for {ctx.brand.name}, {label}**: {now.total} mentions, {share}; {counts}."]
        felt = [f"{name} {value:.0%}" for name, value in list(now.emotions.items())[:3] if value >= 0.05]
        if felt:
            lines.append("Strongest emotions: " + ", ".join(felt) + ".")
        platforms = store.by_platform(ctx.brand.id, start, end)
        lines.append(
            "By platform: "
            + ", ".join(f"{p} {n} ({neg / n:.0%} negative)" for p, (n, neg) in sorted(platforms.items()))
            + "."
        )
        worst = store.samples(ctx.brand.id, start, end, limit=3)
        if worst:
            lines += ["The negative mentions with the widest reach:", *map(_quote, worst)]
        if _COMPETITOR.search(request):
            lines += competitor_lines(ctx, store, window)
        lines.append(
            "_Sentiment is read by BrandPilot's own model (MiniLM + VADER); read it as a trend, not a verdict._"
        )
        return "\n".join(lines)

    return _guarded("sentiment_analyst", runtime, work)


def check_for_crisis(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Open incidents, the last day's signal against the week's, and how the playbook rates a described situation."""
    request = latest_request(state)

    def work(ctx: AgentContext, store: MentionStore) -> str:
        now = ctx.now()
        incidents = ctx.incidents.open_incidents(ctx.brand.id) if ctx.incidents is not None else []
        lines = []
        if incidents:
            lines += ["**Open crisis incidents:**", *(f"- {incident.line()}" for incident in incidents)]
        else:
            lines.append(f"**No open crisis incident for {ctx.brand.name}.**")
        day = store.summary(ctx.brand.id, now - timedelta(days=1), now)
        week = store.summary(ctx.brand.id, now - timedelta(days=8), now - timedelta(days=1))
        usual = week.total / 7 if week.total else 0
        lines.append(
            f"Last 24 hours: {day.total} mentions ({day.negative_share:.0%} negative) against about {usual:.0f} a day "
            f"({week.negative_share:.0%} negative) over the week before."
        )
        lines.append(_playbook_rating(ctx, request))
        lines.append(
            "BrandPilot watches mention volume, negative share and reach every minute and alerts the alerts channel "
            "with severity, type and evidence; `/brandpilot crisis status` lists open incidents."
        )
        return "\n".join(line for line in lines if line)

    return _guarded("crisis_detector", runtime, work)


def _playbook_rating(ctx: AgentContext, request: str) -> str:
    """How the brand's playbook rates the kind of problem the request describes (nothing when it describes none)."""
    from tools.monitor.crisis_types import classify_crisis
    from tools.monitor.playbook import PlaybookError, load_playbook

    kind = classify_crisis([request])
    if kind.fallback:
        return ""
    try:
        playbook = load_playbook(ctx.brand.pack)
    except PlaybookError as error:
        return f"The brand's crisis playbook can't be read: {error}"
    default = playbook.types.get(kind.type)
    if default is None:
        return ""
    level = playbook.severity(default.severity)
    label = default.heading or kind.type.replace("_", " ")
    return (
        f"That reads as **{label}**. Your playbook rates it **{level.name}** ({level.label}) by default: "
        f"{level.definition.strip() or 'see the playbook'} Escalate it there if it meets a higher level's definition."
    )


def monitor_social(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Comments and DMs waiting on the brand, and mentions by accounts with a large following; reply drafts on ask."""
    request = latest_request(state)
    if REPLY_DRAFTS.search(request) or OUTREACH_DRAFTS.search(request):
        return _engagement_drafts(request, runtime)

    def work(ctx: AgentContext, store: MentionStore) -> str:
        start, end, label, *_ = _window(request, ctx.now().date())
        lines: list[str] = []
        trending, big, replies, rivals = (bool(p.search(request)) for p in (TRENDING, _INFLUENCER, _REPLY, _COMPETITOR))
        if trending:
            lines.append(f"**Rising in mentions of {ctx.brand.name}, the last day against the 14 days before:**")
            lines += [trend_line(t) for t in current_trends(ctx, store)] or ["- nothing is rising beyond the usual"]
        if big or not (replies or trending or rivals):
            found = store.influencers(ctx.brand.id, start, end, min_followers=INFLUENCER_FOLLOWERS)
            lines.append(f"**Mentions by accounts with {INFLUENCER_FOLLOWERS:,}+ followers, {label}:**")
            lines += [_quote(m) for m in found] or ["- none recorded"]
        if replies or not (big or trending or rivals):
            waiting = store.needing_reply(ctx.brand.id, start)
            lines.append(f"**Comments, replies and DMs waiting on you since {start:%b %d}** (newest first):")
            lines += [_quote(m) for m in waiting] or ["- none waiting"]
            if waiting:
                lines.append('Say "draft replies to the waiting comments" and I\'ll write them for approval.')
        if rivals:
            lines.append(f"**Competitor activity, {label}:**")
            lines += competitor_activity(ctx, store, start, end)
        return "\n".join(lines)

    return _guarded("social_monitor", runtime, work)


def _engagement_drafts(request: str, runtime: Runtime[AgentContext]) -> dict:
    """Reply drafts for waiting conversations, or outreach drafts to big accounts, each with its approval card."""
    name, ctx = "social_monitor", runtime.context
    if ctx.mentions is None:
        return _answer(name, _NO_DATABASE)
    outreach = bool(OUTREACH_DRAFTS.search(request)) and not REPLY_DRAFTS.search(request)
    try:
        if outreach:
            done = draft_outreach(ctx, ctx.mentions, request, min_followers=INFLUENCER_FOLLOWERS)
        else:
            done = draft_replies(ctx, ctx.mentions, request)
    except SQLAlchemyError:
        return _answer(name, _DATABASE_DOWN)
    return {"messages": [AIMessage(_drafted_text(done, outreach), name=name)], "drafts": done.drafts, "outcomes": []}


def _drafted_text(done: Drafted, outreach: bool) -> str:
    if not done.drafts:
        if outreach:
            nothing = (
                f"No account with {INFLUENCER_FOLLOWERS:,}+ followers that BrandPilot can message mentioned you lately."
            )
        elif done.skipped:
            nothing = "Nothing waiting can be answered through BrandPilot; answer these in the platform's app."
        else:
            nothing = (
                "Nothing is waiting for a reply: every comment and DM from the last 14 days has one queued or sent."
            )
        return "\n".join([nothing, *(["Not drafted:", *done.skipped] if done.skipped else [])])
    count = len(done.drafts)
    nouns = {(True, 1): "outreach message", (True, 0): "outreach messages", (False, 1): "reply", (False, 0): "replies"}
    what = nouns[outreach, int(count == 1)]
    lines = [f"**Drafted {count} {what}**, one approval card each:", *done.lines]
    lines.append(
        "Each goes out as soon as it is approved (also while scheduled posts are paused): "
        + ("as a private message." if outreach else "under the comment, or as a private message for a DM.")
    )
    if any("[" in d["text"].split("\n\n", 1)[-1] for d in done.drafts):
        lines.append("Fill the bracketed gaps with what only you know before approving.")
    if done.skipped:
        lines += ["Not drafted:", *done.skipped]
    if not outreach:
        lines.append('Say "draft the next replies" for more once these are decided.')
    return "\n".join(lines)
