"""Mentions of the brand: the record every source produces, its dedup keys, text cleaning and language detection."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Literal, get_args

from config.settings import PLATFORM_NAMES

MentionKind = Literal["mention", "comment", "reply", "dm", "post"]
MentionSource = Literal["webhook", "poll", "import"]
KINDS: tuple[str, ...] = get_args(MentionKind)
SOURCES: tuple[str, ...] = get_args(MentionSource)

MAX_TEXT_CHARS = 5_000
REPOST_WINDOW = timedelta(minutes=15)
UNDETERMINED = "und"
MIN_LETTERS = 4  # fewer letters than this (after removing links, @handles, #tags) is too little to tell
MIN_CONFIDENCE = 0.5  # py3langid's normalised probability below which the answer is "und"

_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
# C0 and C1 control characters except tab and newline, DEL, and the bidirectional overrides and isolates that
# can make text display in a different order than it is stored. Zero-width joiners stay: emoji need them.
_DROPPED = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
_DROPPED += [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF]
_CONTROL_TABLE = dict.fromkeys(_DROPPED) | {0x0D: "\n"}
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#][\w.]+", re.UNICODE)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Mention:
    """One post, comment, reply or DM that concerns the brand, as stored whatever source it came from.

    `author` is the platform handle (or the platform's user id where no handle is given, as on Facebook and in
    Meta DMs); `followers` is the author's reach, 0 when the source does not say. `created_at` is converted to
    UTC. `text` is untrusted data: it is cleaned by `clean_text` on construction and never interpreted.
    `in_reply_to` is the platform id of the post or comment this one answers or sits under. `author_id` is the
    author's platform user id where the source gives it (a DM reply is addressed to it). `subject` is the id of the
    competitor the mention is about, None when it is about the brand itself.
    """

    platform: str
    external_id: str
    author: str
    created_at: datetime
    text: str
    followers: int = 0
    author_name: str | None = None
    language: str = UNDETERMINED
    url: str | None = None
    kind: MentionKind = "mention"
    in_reply_to: str | None = None
    source: MentionSource = "poll"
    author_id: str | None = None
    subject: str | None = None

    def __post_init__(self) -> None:
        if self.platform not in PLATFORM_NAMES:
            raise ValueError(f"unknown platform {self.platform!r}; use one of {', '.join(PLATFORM_NAMES)}")
        if not isinstance(self.external_id, str) or not self.external_id.strip():
            raise ValueError("a mention needs its platform id (external_id)")
        if not isinstance(self.author, str) or not self.author.strip():
            raise ValueError("a mention needs an author handle or user id")
        if isinstance(self.followers, bool) or not isinstance(self.followers, int) or self.followers < 0:
            raise ValueError(f"followers must be a whole number >= 0, not {self.followers!r}")
        if not isinstance(self.created_at, datetime) or self.created_at.utcoffset() is None:
            raise ValueError("created_at must be a timezone-aware datetime")
        if self.language != UNDETERMINED and not _LANGUAGE_CODE.fullmatch(self.language):
            raise ValueError(f"language must be an ISO 639-1 code such as 'en', or 'und', not {self.language!r}")
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}; use one of {', '.join(KINDS)}")
        if self.source not in SOURCES:
            raise ValueError(f"unknown source {self.source!r}; use one of {', '.join(SOURCES)}")
        object.__setattr__(self, "created_at", self.created_at.astimezone(UTC))
        object.__setattr__(self, "text", clean_text(self.text))
        object.__setattr__(self, "author", self.author.strip())


def dedup_key(mention: Mention) -> str:
    """The identity of a mention: the same platform object seen twice (webhook, then poll, then import) is one."""
    return f"{mention.platform}:{mention.external_id}"


def content_fingerprint(mention: Mention) -> str | None:
    """A hash of platform, author and normalised text, to catch the same words posted again under a new id.

    Normalisation: author without a leading "@" and case-folded; text NFKC-normalised, case-folded, links
    removed (shorteners such as t.co give each copy a new link) and whitespace collapsed. Mentions whose
    normalised text is empty (media-only posts, LinkedIn notifications without text) have no fingerprint and
    are deduplicated by `dedup_key` only. Whether two equal fingerprints are a repost depends on time: see
    `deduplicate`.
    """
    text = unicodedata.normalize("NFKC", mention.text).casefold()
    text = _SPACE.sub(" ", re.sub(r"https?://\S+|www\.\S+", " ", text)).strip()
    if not text:
        return None
    author = mention.author.lstrip("@").casefold()
    return hashlib.sha256(f"{mention.platform}\x1f{author}\x1f{text}".encode()).hexdigest()


def deduplicate(mentions: Iterable[Mention], *, window: timedelta = REPOST_WINDOW) -> list[Mention]:
    """The mentions without repeats, in the order given; the first one seen is the one kept.

    A mention is a repeat when an earlier kept mention has the same `dedup_key`, or the same
    `content_fingerprint` (same platform, same author, same normalised text) and a `created_at` no more than
    `window` (15 minutes by default) away from it, whatever the sources: a reposted copy picked up by the
    poller and by a listening tool's export counts once. The same words from the same author more than
    `window` apart are kept, as they are separate posts.
    """
    keys: set[str] = set()
    times: dict[str, list[datetime]] = {}
    kept: list[Mention] = []
    for mention in mentions:
        key = dedup_key(mention)
        if key in keys:
            continue
        fingerprint = content_fingerprint(mention)
        earlier = times.get(fingerprint, []) if fingerprint else []
        if any(abs(mention.created_at - seen) <= window for seen in earlier):
            continue
        keys.add(key)
        if fingerprint:
            times.setdefault(fingerprint, []).append(mention.created_at)
        kept.append(mention)
    return kept


def clean_text(text: str, *, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Untrusted mention text made safe to store and show, but otherwise kept verbatim as data.

    Drops control characters (keeping newlines and tabs; CR becomes a newline), bidirectional overrides and
    byte-order marks; NFC-normalises; trims surrounding whitespace; cuts to `max_chars` with a trailing "…".
    Nothing that looks like markup or an instruction is removed or rewritten: callers quote it as data.
    """
    if not isinstance(text, str):
        raise TypeError(f"mention text must be a string, not {type(text).__name__}")
    cleaned = unicodedata.normalize("NFC", text.replace("\r\n", "\n").translate(_CONTROL_TABLE)).strip()
    cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be stored
    if len(cleaned) > max_chars:
        cleaned = cleaned[: max_chars - 1].rstrip() + "…"
    return cleaned


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language, or "und" when it cannot be told.

    Links, @handles and #tags are ignored. Text with fewer than four letters left (emoji-only, "ok", "lol") is
    "und", as is text py3langid scores below 0.5 probability. py3langid's model (97 languages) loads once per
    process on first use (about a second); after that a call costs about 0.1 ms.
    """
    stripped = _NOISE.sub(" ", text)
    if sum(char.isalpha() for char in stripped) < MIN_LETTERS:
        return UNDETERMINED
    language, confidence = _identifier().classify(stripped)
    if confidence < MIN_CONFIDENCE or not _LANGUAGE_CODE.fullmatch(language):
        return UNDETERMINED
    return language


@cache
def _identifier() -> Any:
    """py3langid's identifier with normalised probabilities, loaded on first use."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language_of(text: str, hint: Any = None) -> str:
    """The platform's own language tag when it is an ISO 639-1 code, else the language detected from the text."""
    return hint if isinstance(hint, str) and _LANGUAGE_CODE.fullmatch(hint) else detect_language(text)


def follower_count(value: Any) -> int:
    """A follower count from a platform's answer; 0 for anything that is not a whole number >= 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
