"""Reads a listening tool's JSONL export into mentions (`brandpilot monitor import FILE.jsonl`): all lines or none."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from config.settings import PLATFORM_NAMES
from tools.monitor.mentions import KINDS, UNDETERMINED, Mention, detect_language

# Field name -> the names listening tools use for it, the canonical one first.
ALIASES: dict[str, tuple[str, ...]] = {
    "platform": ("platform", "network", "source_network"),
    "id": ("id", "external_id", "mention_id"),
    "author": ("author", "user", "username", "handle", "screen_name"),
    "author_name": ("author_name", "name", "display_name"),
    "text": ("text", "content", "body", "message"),
    "created_at": ("created_at", "timestamp", "date", "published_at"),
    "followers": ("followers", "followers_count", "reach"),
    "language": ("language", "lang"),
    "url": ("url", "link", "permalink"),
    "kind": ("kind", "mention_kind"),
    "in_reply_to": ("in_reply_to", "parent_id", "reply_to"),
    "author_id": ("author_id", "user_id", "sender_id"),
    "subject": ("subject", "competitor", "about"),
}
REQUIRED = ("platform", "id", "author", "text", "created_at")
PLATFORM_ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "yt": "youtube"}
MAX_SHOWN_PROBLEMS = 50


class MentionFileError(ValueError):
    """A mention file that cannot be imported; `problems` holds (line number, what is wrong) for every bad line."""

    def __init__(self, name: str, problems: list[tuple[int, str]]) -> None:
        self.name = name
        self.problems = tuple(problems)
        shown = [f"  line {line}: {problem}" if line else f"  {problem}" for line, problem in problems]
        if len(shown) > MAX_SHOWN_PROBLEMS:
            shown = [*shown[:MAX_SHOWN_PROBLEMS], f"  … and {len(shown) - MAX_SHOWN_PROBLEMS} more"]
        bad_lines = len({line for line, _ in problems if line})
        head = f"{name}: nothing was imported"
        head += f"; fix the {bad_lines} bad line(s) below and run the import again:" if bad_lines else ":"
        super().__init__("\n".join([head, *shown]))


@dataclass(frozen=True)
class ImportedFile:
    """What a mention file holds: its mentions in file order, and how many exact repeats were collapsed."""

    mentions: tuple[Mention, ...]
    duplicates_collapsed: int


def read_mention_file(path: Path, *, default_tz: tzinfo | None = None) -> ImportedFile:
    """Read and validate a JSONL mention export; see `parse_mention_lines` for the rules.

    Raises:
        MentionFileError: the file is missing or unreadable, or any line is bad (nothing is imported).
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MentionFileError(str(path), [(0, f"cannot read the file ({error.strerror}); check the path")]) from None
    return parse_mention_lines(data, name=str(path), default_tz=default_tz)


def parse_mention_lines(data: bytes, *, name: str = "mention file", default_tz: tzinfo | None = None) -> ImportedFile:
    """Validate every line of a JSONL export (UTF-8, one JSON object a line) and return its mentions.

    Each object needs platform, id, author, text and created_at, under their names or the aliases in
    `ALIASES`; followers, language, url, kind, in_reply_to, author_id and subject (a competitor's id, for
    mentions of a competitor) are optional, and other keys are ignored.
    `created_at` is ISO 8601 or Unix seconds/milliseconds. A timestamp without a timezone is an error unless
    `default_tz` is given, in which case it is read as local time there (say `--assume-tz UTC` at the CLI).
    A missing language is detected from the text. Blank lines are skipped. Lines repeating a platform and id
    with the same content are collapsed and counted; a repeat with different content is an error.

    Raises:
        MentionFileError: lists every bad line, so nothing is imported until the whole file is right.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise MentionFileError(name, [(line, "the file is not UTF-8 here; export or save it as UTF-8")]) from None
    problems: list[tuple[int, str]] = []
    mentions: dict[tuple[str, str], tuple[int, Mention]] = {}
    collapsed = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            mention = parse_mention_record(_load_object(line), default_tz=default_tz)
        except ValueError as error:
            problems.append((number, str(error)))
            continue
        key = (mention.platform, mention.external_id)
        if key not in mentions:
            mentions[key] = (number, mention)
        elif mentions[key][1] == mention:
            collapsed += 1
        else:
            first = mentions[key][0]
            problems.append(
                (number, f"{key[0]} id {key[1]!r} is also on line {first} with different content; keep one")
            )
    if problems:
        raise MentionFileError(name, problems)
    if not mentions:
        raise MentionFileError(name, [(0, "the file has no mentions; it should hold one JSON object a line")])
    return ImportedFile(tuple(mention for _, mention in mentions.values()), collapsed)


def parse_mention_record(record: Mapping[str, Any], *, default_tz: tzinfo | None = None) -> Mention:
    """One export record as an imported Mention.

    Raises:
        ValueError: says every field that is missing or wrong and what it should be.
    """
    fields, errors = _canonical_fields(record)
    missing = [field for field in REQUIRED if field not in fields]
    if missing:
        errors.append(f"missing {', '.join(missing)} (also accepted: {_alias_hint(missing)})")
    values: dict[str, Any] = {}
    for field, parse in _PARSERS.items():
        if field in fields:
            try:
                values[field] = parse(fields[field], default_tz)
            except ValueError as error:
                errors.append(f"{field}: {error}")
    if errors:
        raise ValueError("; ".join(errors))
    text = values["text"]
    try:
        return Mention(
            platform=values["platform"],
            external_id=values["id"],
            author=values["author"],
            author_name=values.get("author_name"),
            created_at=values["created_at"],
            text=text,
            followers=values.get("followers", 0),
            language=values.get("language") or detect_language(text),
            url=values.get("url"),
            kind=values.get("kind", "mention"),
            in_reply_to=values.get("in_reply_to"),
            source="import",
            author_id=values.get("author_id"),
            subject=values.get("subject"),
        )
    except ValueError as error:
        raise ValueError(str(error)) from None


def _load_object(line: str) -> Mapping[str, Any]:
    """The JSON object on one line."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"not valid JSON ({error.msg} at column {error.colno}); each line must be one object"
        ) from None
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object {{...}}, found {type(value).__name__}")
    return value


def _canonical_fields(record: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The record's fields under their canonical names; errors for aliases that disagree."""
    fields: dict[str, Any] = {}
    errors: list[str] = []
    for field, names in ALIASES.items():
        present = [name for name in names if record.get(name) is not None]
        if not present:
            continue
        if len({json.dumps(record[name], sort_keys=True) for name in present}) > 1:
            errors.append(f"{' and '.join(present)} disagree; keep one")
        fields[field] = record[present[0]]
    return fields, errors


def _alias_hint(fields: list[str]) -> str:
    return "; ".join(f"{field}: {', '.join(ALIASES[field][1:])}" for field in fields)


def _string(value: Any, _: tzinfo | None = None) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"expected text, found {type(value).__name__}")
    if not str(value).strip():
        raise ValueError("is empty")
    return str(value).strip()


def _optional_string(value: Any, _: tzinfo | None = None) -> str | None:
    return _string(value) if value != "" else None


def _text(value: Any, _: tzinfo | None = None) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {type(value).__name__}")
    return value


def _platform(value: Any, _: tzinfo | None = None) -> str:
    name = _string(value).lower()
    name = PLATFORM_ALIASES.get(name, name)
    if name not in PLATFORM_NAMES:
        raise ValueError(f"unknown platform {value!r}; use one of {', '.join(PLATFORM_NAMES)}")
    return name


def _author(value: Any, _: tzinfo | None = None) -> str:
    handle = _string(value).lstrip("@")
    if not handle:
        raise ValueError(f"{value!r} is not a handle")
    return handle


def _followers(value: Any, _: tzinfo | None = None) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or value != int(value):
        raise ValueError(f"expected a whole number >= 0, found {value!r}")
    return int(value)


def _language(value: Any, _: tzinfo | None = None) -> str:
    code = _string(value).lower()
    if code != UNDETERMINED and (len(code) != 2 or not code.isalpha() or not code.isascii()):
        raise ValueError(f"expected a two-letter ISO 639-1 code such as 'en' (or 'und'), found {value!r}")
    return code


def _kind(value: Any, _: tzinfo | None = None) -> str:
    kind = _string(value).lower()
    if kind not in KINDS:
        raise ValueError(f"unknown kind {value!r}; use one of {', '.join(KINDS)}")
    return kind


def _created_at(value: Any, default_tz: tzinfo | None) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool) or isinstance(value, str) and value.isdigit():
        seconds = float(value)
        try:
            return datetime.fromtimestamp(seconds / 1000 if seconds > 1e11 else seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"{value!r} is out of range for Unix seconds or milliseconds") from None
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 time or Unix seconds, found {type(value).__name__}")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 time such as 2024-05-01T12:00:00Z") from None
    if moment.tzinfo is None:
        if default_tz is None:
            raise ValueError(f"{value!r} has no timezone; add one (e.g. Z or +02:00) or import with --assume-tz")
        moment = moment.replace(tzinfo=default_tz)
    return moment


def _subject(value: Any, _tz: tzinfo) -> str | None:
    """A competitor's id from the brand's `competitors` (checked against them when the file is ingested)."""
    text = _optional_string(value, _tz)
    if text is not None and not _SUBJECT_ID.fullmatch(text):
        raise ValueError(f"must be a competitor id such as 'bean-baron' (letters, digits, - or _), not {text!r}")
    return text


_SUBJECT_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

_PARSERS = {
    "platform": _platform,
    "id": _string,
    "author": _author,
    "author_name": _optional_string,
    "text": _text,
    "created_at": _created_at,
    "followers": _followers,
    "language": _language,
    "url": _optional_string,
    "kind": _kind,
    "in_reply_to": _optional_string,
    "author_id": _optional_string,
    "subject": _subject,
}
