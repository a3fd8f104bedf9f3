"""Draft markers a post needs before publishing: real media addresses, alt text, titles, reply and message targets."""

from __future__ import annotations

from agents.context import BrandProfile
from agents.hitl import Finding
from agents.specialists.platform_templates import gap
from tools.content.text import DraftMarker, find_markers, split_web_link, strip_markers
from tools.platforms.linkedin import DOCUMENT_NAMES, DOCUMENT_TYPES, document_suffix
from tools.platforms.specs import get_platform
from tools.platforms.targets import MESSAGE_PLATFORMS, REPLY_PLATFORMS, message_target, reply_form, reply_target

MEDIA_MISSING_RULE = "draft-media-missing"
MEDIA_ADDRESS_RULE = "draft-media-address"
TITLE_RULE = "draft-title"
DOCUMENT_RULE = "draft-document"
REPLY_RULE = "draft-reply-target"
MARKER_RULES = (MEDIA_MISSING_RULE, MEDIA_ADDRESS_RULE, TITLE_RULE, DOCUMENT_RULE, REPLY_RULE)
DOCUMENT_PLATFORMS = ("linkedin",)
GUIDELINE = "BrandPilot drafts"
_KIND_WORDS = {("image", "video"): "an image or video", ("video",): "a video", ("image",): "an image"}


def is_web_address(value: str) -> bool:
    """Whether a marker value is an address the platform can fetch: http:// or https://, with a readable host."""
    parts = split_web_link(value.strip())
    return bool(parts and parts.hostname)


def marker_text(marker: DraftMarker) -> str:
    """A marker written back as it appears in a draft."""
    name = {"reply": "reply to", "message": "message to"}.get(marker.kind, marker.kind)
    return f"[{name}: {marker.value}]"


def alt_gaps(text: str) -> list[str]:
    """`[alt: …]` markers still holding the template's gap text."""
    placeholder = gap("alt")
    return [marker_text(m) for m in find_markers(text) if m.kind == "alt" and m.value == placeholder]


def _error(rule: str, message: str, fix: str, span: str | None = None) -> Finding:
    return Finding(rule=rule, severity="error", message=message, guideline=GUIDELINE, span=span, fix=fix, kind="rule")


def marker_findings(parts: list[str], platform: str, brand: BrandProfile) -> list[Finding]:
    """Errors for what a draft's markers promise but can't deliver.

    Media a platform needs but the draft lacks, media without a web address, a missing or long title, a
    document anywhere but LinkedIn (or with other media, or of another file type), and a reply target or message
    recipient the platform can't take. A reply or a direct message needs no media.
    """
    spec = get_platform(platform)
    markers = [m for part in parts for m in find_markers(part)]
    findings = _document_findings(markers, platform, brand) + _reply_findings(markers, platform)
    media = [m for m in markers if m.kind in ("image", "video", "document")]
    fetchable = [m for m in media if is_web_address(m.value)]
    unfetchable = [m for m in media if not is_web_address(m.value)]
    answering = any(m.kind in ("reply", "message") for m in markers)
    if spec.required_media and not answering and not any(m.kind in spec.required_media for m in fetchable):
        findings.append(_media_missing(spec.label, spec.required_media, unfetchable))
    elif unfetchable:
        span = marker_text(unfetchable[0])
        findings.append(
            Finding(
                rule=MEDIA_ADDRESS_RULE,
                severity="error",
                message=f"{span} is not a web address {spec.label} can fetch the file from.",
                guideline=GUIDELINE,
                span=span,
                fix=f"put the file's https:// address in {span}, or delete it",
                kind="rule",
            )
        )
    if spec.title_max_chars:
        title = _title_finding(markers, f"A {spec.label} video", spec.label, title_limit(platform, brand))
        if title:
            findings.append(title)
    return findings


def _document_findings(markers: list[DraftMarker], platform: str, brand: BrandProfile) -> list[Finding]:
    documents = [m for m in markers if m.kind == "document"]
    if not documents:
        return []
    span = marker_text(documents[0])
    label = get_platform(platform).label
    if platform not in DOCUMENT_PLATFORMS:
        message = f"{label} does not take document posts; only LinkedIn does."
        return [_error(DOCUMENT_RULE, message, f"delete {span}", span)]
    if len(documents) > 1 or any(m.kind in ("image", "video") for m in markers):
        message = f"A {label} document post carries one document and no images or video."
        return [_error(DOCUMENT_RULE, message, "keep one [document: …] and delete the other media lines", span)]
    findings = []
    value = documents[0].value
    if is_web_address(value) and document_suffix(value) not in DOCUMENT_TYPES:
        message = f"{span} is not a file {label} takes as a document ({DOCUMENT_NAMES})."
        fix = f"export the document as PDF and put its address in {span}"
        findings.append(_error(DOCUMENT_RULE, message, fix, span))
    title = _title_finding(markers, f"A {label} document post", label, title_limit(platform, brand))
    return findings + ([title] if title else [])


_ANSWERS = {  # marker kind: (platforms that can send it, its target reader, what can't be done, what it names)
    "reply": (
        REPLY_PLATFORMS,
        reply_target,
        "publish replies",
        "answer by hand",
        "the {label} post or comment to answer",
    ),
    "message": (
        MESSAGE_PLATFORMS,
        message_target,
        "send direct messages",
        "send it by hand",
        "the {label} user id to message",
    ),
}


def _reply_findings(markers: list[DraftMarker], platform: str) -> list[Finding]:
    label = get_platform(platform).label
    found = {kind: next((m for m in markers if m.kind == kind), None) for kind in _ANSWERS}
    if found["reply"] and found["message"]:
        span = marker_text(found["message"])
        message = "A draft can answer in public or in a private message, not both."
        return [_error(REPLY_RULE, message, f"delete {span} or {marker_text(found['reply'])}", span)]
    for kind, marker in found.items():
        if marker is None:
            continue
        platforms, target, cannot, by_hand, names = _ANSWERS[kind]
        span = marker_text(marker)
        if platform not in platforms:
            message = f"BrandPilot can't {cannot} on {label}; copy this one and {by_hand}."
            return [_error(REPLY_RULE, message, f"delete {span}", span)]
        if target(platform, marker.value) is None:
            fix = reply_form(platform) if kind == "reply" else f"the person's numeric {label} id"
            message = f"{span} does not name {names.format(label=label)}."
            return [_error(REPLY_RULE, message, f"put {fix} in {span}", span)]
    return []


def _media_missing(label: str, kinds: tuple[str, ...], unfetchable: list[DraftMarker]) -> Finding:
    kind = unfetchable[0].kind if unfetchable else kinds[0]
    how = f"add [{kind}: https://…]" + (" and [alt: …]" if kind == "image" else "")
    span = marker_text(unfetchable[0]) if unfetchable else None
    fix = f"replace {span} with [{kind}: https://…]" if span else how
    if kind == "image":
        fix += ", then describe the picture in [alt: …]"
    return Finding(
        rule=MEDIA_MISSING_RULE,
        severity="error",
        message=f"{label} needs {_KIND_WORDS.get(kinds, 'media')}: {how}.",
        guideline=GUIDELINE,
        span=span,
        fix=fix,
        kind="rule",
    )


def title_limit(platform: str, brand: BrandProfile) -> int:
    """The longest title the brand allows on a platform: its rulebook's setting, else the platform's, else 100."""
    settings = brand.rulebook.platforms.get(platform)
    return (settings and settings.title_max_chars) or get_platform(platform).title_max_chars or 100


def _title_finding(markers: list[DraftMarker], what: str, label: str, limit: int) -> Finding | None:
    """A missing or too long `[title: …]` for `what` ("A YouTube video") on the platform called `label`."""
    titles = [m.value for m in markers if m.kind == "title" and m.value]
    if not titles:
        return Finding(
            rule=TITLE_RULE,
            severity="error",
            message=f"{what} needs a title: add [title: …] at the top.",
            guideline=GUIDELINE,
            span=None,
            fix=f"add a line [title: …] of at most {limit} characters",
            kind="rule",
        )
    if len(titles[0]) > limit:
        extra = len(titles[0]) - limit
        return Finding(
            rule=TITLE_RULE,
            severity="error",
            message=f"The title is {len(titles[0])} characters; {label} allows {limit}. Cut at least {extra}.",
            guideline=GUIDELINE,
            span=titles[0],
            fix=f"cut at least {extra} character{'s' if extra > 1 else ''} from the title",
            kind="rule",
        )
    return None


def split_markers(text: str) -> tuple[str, list[str], list[str]]:
    """A draft as (text without marker-only lines, title marker lines, other marker lines), in order."""
    body, head, tail = [], [], []
    for line in text.split("\n"):
        markers = find_markers(line)
        if markers and not strip_markers(line):
            (head if all(m.kind == "title" for m in markers) else tail).append(line.strip())
        else:
            body.append(line)
    return "\n".join(body).strip(), head, tail


def join_markers(body: str, head: list[str], tail: list[str]) -> str:
    """The inverse of `split_markers`: title lines first, then the text, then the media lines."""
    blocks = ["\n".join(head), body.strip(), "\n".join(tail)]
    return "\n\n".join(block for block in blocks if block)


def keep_markers(original: str, edited: str) -> str:
    """An edited draft with the original's title and media lines put back where the edit dropped them."""
    body, head, tail = split_markers(edited)
    _, old_head, old_tail = split_markers(original)
    return join_markers(body, head or old_head, tail or old_tail)
