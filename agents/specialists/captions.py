"""Caption shaping for platforms whose links aren't clickable: a short hook line, "link in bio", hashtags last."""

from __future__ import annotations

import re

from tools.content.text import find_hashtags, find_links
from tools.content.threads import sentences, shorten

_DANGLING = re.compile(r"(?:\s*(?:\b(?:at|here|on|via|in|to)\b|[:\-–—→]))+\s*$", re.IGNORECASE)


def _tidy_line(line: str) -> str | None:
    for tag in find_hashtags(line):
        line = line.replace(tag, "")
    links = find_links(line)
    for link in links:
        line = line.replace(link, "")
    line = re.sub(r"[ \t]+([.,!?])", r"\1", re.sub(r"[ \t]{2,}", " ", line)).rstrip()
    if links:
        line = _DANGLING.sub("", line)
        return line if len(line.split()) > 2 else None  # "Shop at", "See more:" mean nothing without their link
    return line


def without_links_and_tags(text: str) -> str:
    """Text with its links (and lead-ins left dangling, like "Shop at") and hashtags taken out, spacing tidied."""
    lines = [line for line in map(_tidy_line, text.split("\n")) if line is not None]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def hook_first(text: str, preview: int) -> str:
    """Text whose first line (the hook) is at most `preview` characters: whole sentences, else cut between words."""
    first, _, rest = text.strip().partition("\n")
    first = first.strip()
    if len(first) <= preview:
        return text.strip()
    hook, used = "", 0
    units = sentences(first)
    for unit in units:
        candidate = f"{hook} {unit}".strip()
        if len(candidate) > preview:
            break
        hook, used = candidate, used + 1
    if hook:
        remainder = " ".join(units[used:])
    else:
        hook = first[: preview + 1].rsplit(" ", 1)[0].rstrip(" ,;:")
        remainder = first[len(hook) :].strip(" ,;:")
    return "\n\n".join(part for part in (hook, remainder, rest.strip()) if part)


def bio_caption(
    text: str,
    *,
    hashtags: list[str],
    cta: str,
    preview: int,
    limit: int,
    prefix: str = "",
    extra_lines: tuple[str, ...] = (),
) -> str:
    """A caption with no links, the hook first, a "link in bio" call to action, `extra_lines`, then hashtags.

    `prefix` (a disclosure such as "#ad") starts the caption; the text is shortened to fit `limit`.
    """
    body = without_links_and_tags(text)
    if prefix and not body.lower().startswith(prefix.lower()):
        body = f"{prefix} {body}"
    ending = [] if "link in bio" in body.lower() else [cta]
    tail = "\n\n".join(part for part in (*ending, "\n".join(extra_lines), " ".join(hashtags)) if part)
    room = limit - len(tail) - 2 if tail else limit
    body = hook_first(body, preview)
    if len(body) > room:
        head, _, rest = body.partition("\n")
        body = f"{head}\n{shorten(rest, max(room - len(head) - 1, 0))}".strip()
    return f"{body}\n\n{tail}".strip() if tail else body


def script_lines(hook: str, beats: list[dict[str, str]], *, hook_label: str = "Hook (0-2 s)") -> str:
    """The script as reply lines: the hook for the first 2 seconds, then each beat with its on-screen text."""
    lines = [f"- {hook_label}: {hook}"]
    lines += [f'- Beat {n}: {beat["shot"]} On screen: "{beat["on_screen"]}"' for n, beat in enumerate(beats, 1)]
    return "\n".join(lines)
