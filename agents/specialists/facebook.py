"""The Facebook specialist's copy: Page, Event and Group posts to publish, or Messenger reply templates to copy."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.drafting import check_parts, voice_kit
from agents.specialists.event_details import event_details, without_event_details
from agents.specialists.hashtags import HashtagRecord, choose_hashtags, past_hashtags
from agents.specialists.platform_copy import (
    Copy,
    CopyRequest,
    Package,
    clean_topic,
    disclosure,
    fill_values,
    topic_from,
    write_copy,
)
from agents.specialists.platform_templates import by_intent, fill, gap, templates_for
from tools.content.brief import parse_brief
from tools.content.checks import max_chars
from tools.content.text import find_hashtags
from tools.content.threads import shorten

PLATFORM = "facebook"
MESSENGER_MAX_CHARS = 640
_MESSENGER = re.compile(
    r"\b(?:messenger|dms?|inbox|direct messages?|(?:reply|response|canned|saved|quick)\s+"
    r"(?:templates?|replies|responses))\b",
    re.IGNORECASE,
)
_GROUP = re.compile(r"\bgroups?\b", re.IGNORECASE)
_EVENT = re.compile(r"\bevents?\b", re.IGNORECASE)


def facebook_format(request: str, intent: str) -> str:
    """`messenger`, `group` or `event` when the request asks for one (an event with a date counts), else `page`."""
    if _MESSENGER.search(request):
        return "messenger"
    if _GROUP.search(request):
        return "group"
    if _EVENT.search(request) or (intent == "event" and event_details(request).when):
        return "event"
    return "page"


def _template_pieces(fmt: str, intent: str, quoted: str | None, values: dict[str, str]) -> dict[str, Any]:
    t = templates_for(PLATFORM)
    template = {"event": t["event"], "group": t["group"]}.get(fmt) or by_intent(t["page"], intent)
    templates = [{"name": item["name"], "text": fill(item["text"], **values)} for item in t["messenger"]]
    return {"post": quoted or fill(template, **values), "templates": templates}


def _messenger(templates: list[dict[str, str]], ctx: AgentContext) -> Copy:
    texts = [shorten(item["text"], MESSENGER_MAX_CHARS) for item in templates]
    listed = "\n".join(
        f"{n}. *{item['name']}* ({len(text)} chars): {text}"
        for n, (item, text) in enumerate(zip(templates, texts, strict=True), 1)
    )
    notes = [reply("messenger_templates", templates=listed)]
    problems = []
    for n, text in enumerate(texts, 1):
        _, findings = check_parts([text], PLATFORM, ctx.brand, False, for_publishing=False)
        rules = [f"`{f['rule']}`" for f in findings if f["rule"] != "draft-placeholder"]
        if rules:
            problems.append(f"template {n}: {', '.join(rules)}")
    if problems:
        notes.append(reply("messenger_checks", findings="; ".join(problems)))
    return Copy(None, notes, texts)


def compose_facebook(
    request: str, runtime: Runtime[AgentContext], *, variant: int = 0, history: Sequence[HashtagRecord] | None = None
) -> Package:
    """A Facebook Page, Event or Group post (the draft), or Messenger reply templates (reply only)."""
    ctx = runtime.context
    history = past_hashtags(ctx, PLATFORM) if history is None else history
    brief = parse_brief(request)
    fmt = facebook_format(request, brief.intent)
    details = event_details(request)
    subject = clean_topic(brief.topic)  # an event shows its day and place as "When:" / "Where:", a post in its text
    topic = topic_from(brief, without_event_details(subject) if fmt == "event" else subject)
    kit = voice_kit(ctx.brand, PLATFORM, ctx.options.campaign_code)
    values = fill_values(topic, kit, PLATFORM, variant) | {
        "when": details.when or gap("when"),
        "where": details.where or gap("where"),
    }
    prefix = disclosure(ctx.brand) if brief.sponsored else ""
    limit = max_chars(PLATFORM, ctx.brand.rulebook)
    question = fill(templates_for(PLATFORM)["group_question"], **values)

    def assemble(pieces: dict[str, Any]) -> Copy:
        if fmt == "messenger":
            return _messenger(pieces["templates"], ctx)
        post = pieces["post"]
        for tag in find_hashtags(post):
            post = post.replace(tag, "")
        post = re.sub(r"[ \t]+\n", "\n", re.sub(r"[ \t]{2,}", " ", post)).strip()
        if prefix and not post.lower().startswith(prefix.lower()):
            post = f"{prefix} {post}"
        tags = [] if fmt == "group" else choose_hashtags(topic, kit, history)
        if fmt == "event":  # the model may leave out the when and where; the card must show them or their gaps
            missing_lines = [
                f"{k}: {values[v]}" for k, v in (("When", "when"), ("Where", "where")) if values[v] not in post
            ]
            post = "\n".join([post, "", *missing_lines]).strip() if missing_lines else post
        if fmt == "group" and not post.rstrip().endswith("?"):
            post = f"{post}\n\n{question}"
        tail = " ".join(tags)
        post = shorten(post, limit - len(tail) - 2) if len(post) + len(tail) + 2 > limit else post
        text = f"{post}\n\n{tail}".strip()
        notes = []
        missing = [
            name for name, value in (("the date and time", details.when), ("the place", details.where)) if not value
        ]
        if fmt == "event" and missing:
            notes.append(reply("event_gaps", missing=" or ".join(missing)))
        if fmt == "group":
            notes.append(reply("group_note"))
        return Copy(text, notes, [text])

    when_where = [f"When: {details.when}" if details.when else "", f"Where: {details.where}" if details.where else ""]
    job = CopyRequest(
        platform=PLATFORM,
        format_name=fmt,
        request=request,
        sponsored=brief.sponsored,
        pieces=_template_pieces(fmt, brief.opening, brief.quoted, values),
        plain_key="post",
        details="; ".join(part for part in when_where if part),
    )
    copy, source, sources = write_copy(job, assemble, runtime)
    shape = {"event": "an Event post", "group": "a Group post", "messenger": "Messenger reply templates"}
    return Package(
        platform=PLATFORM,
        shape=shape.get(fmt, "a Page post"),
        topic=topic,
        text=copy.text,
        notes=copy.notes,
        source=source,
        sponsored=brief.sponsored,
        sources=sources,
        headline=reply("messenger_only", topic=topic) if copy.text is None else "",
    )
