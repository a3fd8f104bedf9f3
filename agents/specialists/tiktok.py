"""The TikTok specialist's copy: a script (hook, beats, on-screen text) for the reply, and a caption to publish."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.captions import bio_caption, script_lines
from agents.specialists.drafting import voice_kit
from agents.specialists.hashtags import HashtagRecord, choose_hashtags, hashtag_note, past_hashtags
from agents.specialists.platform_copy import (
    Copy,
    CopyRequest,
    Package,
    disclosure,
    fill_values,
    topic_from,
    write_copy,
)
from agents.specialists.platform_templates import by_intent, fill, gap, templates_for
from tools.content.brief import parse_brief
from tools.content.checks import max_chars

PLATFORM = "tiktok"
MIN_BEATS, MAX_BEATS = 3, 5
# "using the", "jumping on the", "riding the", "set to the"... before a named sound or trend
_LEAD_IN = (
    r"(?:(?:jump|hop|riff|play|cash)(?:ing|ping)?(?: in)?\s+)?(?:using|use|with|to|over|on|set to|featuring|riding)\s+"
)
_QUOTED_SOUND = re.compile(
    r"\s*(?:\b" + _LEAD_IN + r")?"
    r"(?:the\s+)?[\"“‘']([^\"”’']{2,60})[\"”’']\s+"
    r"(?:sound|song|audio|track|trend)\b"
    r"|\s*\b(?:sound|song|audio|track|trend)\s*(?::|called|named)?\s*[\"“‘']([^\"”’']{2,60})[\"”’']",
    re.IGNORECASE,
)
_PLAIN_SOUND = re.compile(
    r"\s*\b" + _LEAD_IN + r"(?:the\s+)?"
    r"((?:#\w+)|(?:[A-Z0-9][\w'’-]*(?:\s+[A-Z0-9][\w'’-]*){0,4}))\s+(?:sound|song|audio|track|trend)\b"
)


def named_sound(request: str) -> tuple[str | None, str]:
    """The sound or trend a request names ("using the 'Cozy Season' sound") and the request without it."""
    for pattern in (_QUOTED_SOUND, _PLAIN_SOUND):
        match = pattern.search(request)
        if match:
            sound = next(group for group in match.groups() if group)
            rest = (request[: match.start()] + request[match.end() :]).strip()
            return sound.strip(), re.sub(r"\s{2,}", " ", rest)
    return None, request


def _template_pieces(intent: str, quoted: str | None, values: dict[str, str]) -> dict[str, Any]:
    t = templates_for(PLATFORM)
    beats = [{key: fill(value, **values) for key, value in beat.items()} for beat in t["beats"]]
    return {
        "hook": fill(by_intent(t["hook"], intent), **values),
        "beats": beats,
        "caption": quoted or fill(by_intent(t["caption"], intent), **values),
        "hashtags": [],
    }


def compose_tiktok(
    request: str, runtime: Runtime[AgentContext], *, variant: int = 0, history: Sequence[HashtagRecord] | None = None
) -> Package:
    """A TikTok script (in the reply) and its caption with a video gap (the draft)."""
    ctx = runtime.context
    history = past_hashtags(ctx, PLATFORM) if history is None else history
    sound, rest = named_sound(request)
    brief = parse_brief(rest)
    topic = topic_from(brief)
    kit = voice_kit(ctx.brand, PLATFORM, ctx.options.campaign_code)
    values = fill_values(topic, kit, PLATFORM, variant)
    template = _template_pieces(brief.opening, brief.quoted, values)
    prefix = disclosure(ctx.brand) if brief.sponsored else ""
    limit = max_chars(PLATFORM, ctx.brand.rulebook)

    def assemble(pieces: dict[str, Any]) -> Copy:
        beats = pieces["beats"][:MAX_BEATS]
        beats = beats if len(beats) >= MIN_BEATS else template["beats"]
        tags = choose_hashtags(topic, kit, history, suggested=pieces["hashtags"])
        if sound and sound.startswith("#"):  # a hashtag trend rides along as the first hashtag
            tags = [sound, *(tag for tag in tags if tag.lower() != sound.lower())][: kit.hashtag_limit]
        mentions_sound = bool(sound) and (sound.startswith("#") or sound.lower() in pieces["caption"].lower())
        caption = bio_caption(
            pieces["caption"],
            hashtags=tags,
            cta=templates_for(PLATFORM)["cta"],
            preview=limit,
            limit=limit,
            prefix=prefix,
            extra_lines=(f"Sound: {sound}",) if sound and not mentions_sound else (),
        )
        notes = [reply("tiktok_script", script=script_lines(pieces["hook"], beats))]
        if sound:
            notes.append(reply("sound_note", sound=sound))
        notes.append(hashtag_note(tags, history))
        notes.append(reply("add_video"))
        return Copy(f"{caption}\n\n[video: {gap('video')}]", notes, [caption])

    job = CopyRequest(
        platform=PLATFORM,
        format_name="video",
        request=request,
        sponsored=brief.sponsored,
        pieces=template,
        plain_key="caption",
        details=f"Sound or trend: {sound}" if sound else "",
    )
    copy, source, sources = write_copy(job, assemble, runtime)
    return Package(
        PLATFORM, "a video script and caption", topic, copy.text, copy.notes, source, brief.sponsored, sources
    )
