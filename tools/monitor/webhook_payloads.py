"""Verified webhook payloads turned into mentions: malformed events are reported, other events counted and skipped."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tools.monitor.mentions import Mention, MentionKind, follower_count, language_of

_ATOM = "{http://www.w3.org/2005/Atom}"
_YT = "{http://www.youtube.com/xml/schemas/2015}"
_TOMBSTONE = "{http://purl.org/atompub/tombstones/1.0}deleted-entry"
_X_METADATA = frozenset({"for_user_id", "user_has_blocked", "is_blocked_by", "users", "apps", "source", "target"})
_LINKEDIN_KINDS: dict[str, MentionKind] = {"COMMENT": "comment", "SHARE_MENTION": "mention"}


class PayloadError(ValueError):
    """A payload that cannot be read at all (not JSON or Atom, or not the platform's envelope)."""


@dataclass(frozen=True)
class PendingLookup:
    """A mention the platform announced without its text or author: fetch `object_id` with the platform client."""

    platform: str
    object_id: str
    kind: MentionKind
    note: str


@dataclass(frozen=True)
class ParsedPayload:
    """What one delivery holds: mentions, mentions still to fetch, skipped events by label, and malformed events."""

    mentions: tuple[Mention, ...] = ()
    lookups: tuple[PendingLookup, ...] = ()
    ignored: Mapping[str, int] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


Event = Mention | PendingLookup | str  # a mention, a mention to fetch, or the label of a skipped event


class _Malformed(ValueError):
    """One event lacks a field the parser needs."""


def parse_payload(platform: str, body: bytes, *, own_account_ids: frozenset[str] = frozenset()) -> ParsedPayload:
    """The mentions in a verified webhook body of `platform`, skipping what the brand's own accounts wrote.

    `own_account_ids` are the brand's account ids on that platform; X's `for_user_id`, a Meta entry's id and the
    subscribed LinkedIn organisation are added to them. Events other than mentions, comments, replies, DMs and
    new YouTube videos are counted in `ignored` by label; a malformed event is described in `problems` and the
    rest of the delivery is still read. Only LinkedIn notifications without text and Instagram @mentions
    (which carry ids only) become `lookups`. TikTok's webhooks (Login Kit, Content Posting, Data Portability)
    carry no comment or mention text, so TikTok deliveries are validated and counted only; TikTok mentions
    come from polling.

    Raises:
        PayloadError: the body is not the platform's JSON (or YouTube's Atom) envelope at all.
    """
    if platform == "youtube":
        return _collect(platform, _youtube_events(body, own_account_ids))
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PayloadError(f"{platform} webhook body is not JSON ({error})") from None
    if not isinstance(data, dict):
        raise PayloadError(f"{platform} webhook body must be a JSON object, not {type(data).__name__}")
    readers: dict[str, Callable[[dict[str, Any], frozenset[str]], list[tuple[str, Callable[[], Event]]]]] = {
        "x": _x_events,
        "facebook": _meta_events,
        "instagram": _meta_events,
        "linkedin": _linkedin_events,
        "tiktok": _tiktok_events,
    }
    if platform not in readers:
        raise PayloadError(f"no webhook payload parser for platform {platform!r}")
    return _collect(platform, readers[platform](data, own_account_ids))


def _collect(platform: str, events: list[tuple[str, Callable[[], Event]]]) -> ParsedPayload:
    mentions: list[Mention] = []
    lookups: list[PendingLookup] = []
    ignored: Counter[str] = Counter()
    problems: list[str] = []
    for path, read in events:
        try:
            event = read()
        except (_Malformed, ValueError, TypeError, AttributeError) as error:
            problems.append(f"{platform} {path}: {error}")
            continue
        if isinstance(event, Mention):
            mentions.append(event)
        elif isinstance(event, PendingLookup):
            lookups.append(event)
        else:
            ignored[event] += 1
    return ParsedPayload(tuple(mentions), tuple(lookups), dict(ignored), tuple(problems))


def _x_events(data: dict[str, Any], own: frozenset[str]) -> list[tuple[str, Callable[[], Event]]]:
    """X Account Activity API: tweet_create_events (mentions, replies) and direct_message_events."""
    own = own | {str(data["for_user_id"])} if data.get("for_user_id") else own
    users = data.get("users") if isinstance(data.get("users"), dict) else {}
    events: list[tuple[str, Callable[[], Event]]] = []
    for key, value in data.items():
        if key in _X_METADATA:
            continue
        if key in ("tweet_create_events", "direct_message_events"):
            read = _x_tweet if key == "tweet_create_events" else _x_message
            events += [(f"{key}[{i}]", _bind(read, item, own, users)) for i, item in enumerate(_list(value, key))]
        else:
            events += [(key, _label(key))] * (len(value) if isinstance(value, list) else 1)
    return events


def _x_tweet(tweet: Any, own: frozenset[str], _: dict[str, Any]) -> Event:
    tweet = _obj(tweet, "tweet")
    user = _obj(tweet.get("user"), "user")
    user_id = _text(user, "id_str", "id")
    if user_id in own:
        return "own_post"
    tweet_id = _text(tweet, "id_str", "id")
    handle = _text(user, "screen_name")
    extended = tweet.get("extended_tweet") if isinstance(tweet.get("extended_tweet"), dict) else {}
    text = extended.get("full_text") or tweet.get("full_text") or tweet.get("text") or ""
    if "created_at" in tweet:
        created = datetime.strptime(str(tweet["created_at"]), "%a %b %d %H:%M:%S %z %Y")
    else:
        created = _epoch(tweet.get("timestamp_ms"), "timestamp_ms")
    parent = _optional(tweet, "in_reply_to_status_id_str", "in_reply_to_status_id")
    return Mention(
        platform="x", external_id=tweet_id, author=handle, author_name=_optional(user, "name"), created_at=created,
        text=str(text), followers=follower_count(user.get("followers_count")),
        language=language_of(text, tweet.get("lang")),
        url=f"https://x.com/{handle}/status/{tweet_id}", kind="reply" if parent else "mention", in_reply_to=parent,
        source="webhook", author_id=user_id,
    )  # fmt: skip


def _x_message(event: Any, own: frozenset[str], users: dict[str, Any]) -> Event:
    event = _obj(event, "event")
    if event.get("type") != "message_create":
        return f"direct_message_events.{event.get('type')}"
    created = _obj(event.get("message_create"), "message_create")
    sender = _text(created, "sender_id")
    if sender in own:
        return "own_message"
    text = str(_obj(created.get("message_data"), "message_data").get("text") or "")
    user = users.get(sender) if isinstance(users.get(sender), dict) else {}
    return Mention(
        platform="x", external_id=_text(event, "id"), author=_optional(user, "screen_name") or sender,
        author_name=_optional(user, "name"), created_at=_epoch(event.get("created_timestamp"), "created_timestamp"),
        text=text, followers=follower_count(user.get("followers_count")), language=language_of(text), kind="dm",
        source="webhook", author_id=sender,
    )  # fmt: skip


def _meta_events(data: dict[str, Any], own: frozenset[str]) -> list[tuple[str, Callable[[], Event]]]:
    """Meta Graph webhooks: Page feed/mention changes, Instagram comments/mentions, and messaging (DMs)."""
    platform = {"page": "facebook", "instagram": "instagram"}.get(data.get("object"))  # type: ignore[arg-type]
    if platform is None:
        raise PayloadError(f"Meta webhook object must be 'page' or 'instagram', not {data.get('object')!r}")
    events: list[tuple[str, Callable[[], Event]]] = []
    for i, entry in enumerate(_list(data.get("entry"), "entry")):
        if not isinstance(entry, dict) or entry.get("id") is None:
            events.append((f"entry[{i}]", _bind(_fail, "each entry must be an object with an id")))
            continue
        mine, sent = own | {str(entry["id"])}, entry.get("time")
        for j, change in enumerate(entry.get("changes") or []):
            events.append((f"entry[{i}].changes[{j}]", _bind(_meta_change, platform, change, mine, sent)))
        for j, message in enumerate(entry.get("messaging") or []):
            events.append((f"entry[{i}].messaging[{j}]", _bind(_meta_message, platform, message, mine)))
    return events


def _meta_change(platform: str, change: Any, own: frozenset[str], sent: Any) -> Event:
    change = _obj(change, "change")
    name, value = change.get("field"), _obj(change.get("value"), "value")
    if platform == "instagram" and name in ("comments", "live_comments"):
        sender = _obj(value.get("from"), "from")
        if _text(sender, "id") in own:
            return "own_comment"
        parent, text = _optional(value, "parent_id"), str(value.get("text") or "")
        media, author = _optional(value.get("media") or {}, "id"), _optional(sender, "username") or sender["id"]
        return Mention(
            platform=platform, external_id=_text(value, "id"), author=str(author),
            created_at=_epoch(value.get("timestamp", sent), "time"), text=text, language=language_of(text),
            kind="reply" if parent else "comment", in_reply_to=parent or media, source="webhook",
            author_id=str(sender["id"]),
        )  # fmt: skip
    if platform == "instagram" and name == "mentions":
        target = _optional(value, "comment_id") or _text(value, "media_id")
        return PendingLookup(platform, target, "mention", "Instagram sends only ids; fetch mentioned_comment/media")
    if platform != "facebook" or name not in ("feed", "mention", "mentions"):
        return f"changes.{name}"
    item, verb = value.get("item"), value.get("verb")
    if verb != "add" or item not in ("comment", "post", "status", "photo", "video"):
        return f"{name}.{item}.{verb}"
    sender_id = _optional(value.get("from") or {}, "id") or _text(value, "sender_id")
    if sender_id in own:
        return "own_post"
    post, parent = _optional(value, "post_id"), _optional(value, "parent_id")
    is_comment = item == "comment"
    object_id = _text(value, "comment_id") if is_comment else _text(value, "post_id")
    if "message" not in value and name != "feed":
        return PendingLookup(platform, object_id, "mention", "Facebook sent the mention without its text")
    text = str(value.get("message") or "")
    kind: MentionKind = ("reply" if parent and parent != post else "comment") if is_comment else "mention"
    return Mention(
        platform=platform, external_id=object_id, author=sender_id,
        author_name=_optional(value.get("from") or {}, "name") or _optional(value, "sender_name"),
        created_at=_epoch(value.get("created_time", sent), "created_time"), text=text, language=language_of(text),
        kind=kind, in_reply_to=(parent or post) if is_comment else None, source="webhook", author_id=sender_id,
    )  # fmt: skip


def _meta_message(platform: str, event: Any, own: frozenset[str]) -> Event:
    event = _obj(event, "messaging event")
    message = event.get("message")
    if not isinstance(message, dict):
        other = [key for key in ("delivery", "read", "reaction", "postback", "referral") if key in event]
        return f"messaging.{other[0] if other else 'other'}"
    sender = _text(_obj(event.get("sender"), "sender"), "id")
    if message.get("is_echo") or sender in own:
        return "own_message"
    text = str(message.get("text") or "")
    return Mention(
        platform=platform, external_id=_text(message, "mid"), author=sender,
        created_at=_epoch(event.get("timestamp"), "timestamp"), text=text, language=language_of(text), kind="dm",
        source="webhook", author_id=sender,
    )  # fmt: skip


def _linkedin_events(data: dict[str, Any], own: frozenset[str]) -> list[tuple[str, Callable[[], Event]]]:
    """LinkedIn organization social action notifications: COMMENT and SHARE_MENTION become mentions."""
    notifications = _list(data.get("notifications"), "notifications")
    kind = data.get("type")
    if kind != "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS":
        return [("notifications", _label(f"type.{kind}"))] * len(notifications)
    return [(f"notifications[{i}]", _bind(_linkedin_notification, n, own)) for i, n in enumerate(notifications)]


def _linkedin_notification(notification: Any, own: frozenset[str]) -> Event:
    notification = _obj(notification, "notification")
    action = str(notification.get("action"))
    if action not in _LINKEDIN_KINDS:
        return "own_comment" if action == "ADMIN_COMMENT" else f"action.{action}"
    kind = _LINKEDIN_KINDS[action]
    object_id = _optional(notification, "generatedActivity") or _text(notification, "notificationId")
    decorated = notification.get("decoratedGeneratedActivity")
    inner = next((v for v in decorated.values() if isinstance(v, dict)), {}) if isinstance(decorated, dict) else {}
    author, text = _optional(inner, "actor", "owner"), inner.get("text")
    if not author or not isinstance(text, str):
        return PendingLookup("linkedin", object_id, kind, "LinkedIn sent the notification without text or author")
    if author in own:
        return "own_comment"
    post = _optional(notification, "sourcePost")
    return Mention(
        platform="linkedin", external_id=object_id, author=author, text=text, language=language_of(text),
        created_at=_epoch(notification.get("lastModifiedAt"), "lastModifiedAt"), kind=kind, in_reply_to=post,
        url=f"https://www.linkedin.com/feed/update/{post}/" if post else None, source="webhook",
    )  # fmt: skip


def _tiktok_events(data: dict[str, Any], _: frozenset[str]) -> list[tuple[str, Callable[[], Event]]]:
    """TikTok: {client_key, event, create_time, user_openid, content (a JSON string)}; none carries mention text."""
    return [("event", _bind(_tiktok_event, data))]


def _tiktok_event(data: dict[str, Any]) -> Event:
    name = _text(data, "event")
    content = data.get("content") or "{}"
    try:
        parsed = json.loads(content) if isinstance(content, str) else None
    except json.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        raise _Malformed("content must be a JSON object serialised as a string")
    return f"event.{name}"


def _youtube_events(body: bytes, own: frozenset[str]) -> list[tuple[str, Callable[[], Event]]]:
    """YouTube's WebSub Atom feed: each <entry> is a new or updated video (kind "post")."""
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        raise PayloadError("YouTube webhook body declares a DOCTYPE or entities; refusing to parse it")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        raise PayloadError(f"YouTube webhook body is not XML ({error})") from None
    if root.tag != f"{_ATOM}feed":
        raise PayloadError(f"YouTube webhook body must be an Atom <feed>, not <{root.tag}>")
    events: list[tuple[str, Callable[[], Event]]] = []
    for i, element in enumerate(root):
        if element.tag == f"{_ATOM}entry":
            events.append((f"entry[{i}]", _bind(_youtube_entry, element, own)))
        elif element.tag == _TOMBSTONE:
            events.append((f"entry[{i}]", _label("deleted-entry")))
    return events


def _youtube_entry(entry: ET.Element, own: frozenset[str]) -> Event:
    video, channel = entry.findtext(f"{_YT}videoId"), entry.findtext(f"{_YT}channelId")
    if not video or not channel:
        raise _Malformed("entry lacks yt:videoId or yt:channelId")
    if channel in own:
        return "own_post"
    stamp = entry.findtext(f"{_ATOM}published") or entry.findtext(f"{_ATOM}updated") or ""
    link = next(
        (e.get("href") for e in entry.findall(f"{_ATOM}link") if e.get("rel", "alternate") == "alternate"), None
    )
    title = entry.findtext(f"{_ATOM}title") or ""
    return Mention(
        platform="youtube", external_id=video, author=channel, author_name=entry.findtext(f"{_ATOM}author/{_ATOM}name"),
        created_at=_iso(stamp), text=title, language=language_of(title), url=link, kind="post", source="webhook",
    )  # fmt: skip


def _bind(read: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    return lambda: read(*args)


def _fail(message: str) -> Event:
    raise _Malformed(message)


def _label(label: str) -> Callable[[], Event]:
    return lambda: label


def _obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Malformed(f"expected {what} to be an object, found {type(value).__name__}")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise PayloadError(f"expected {what} to be a list, found {type(value).__name__}")
    return value


def _optional(obj: Mapping[str, Any], *keys: str) -> str | None:
    value = next((obj[key] for key in keys if obj.get(key) not in (None, "")), None)
    return None if value is None or isinstance(value, dict | list | bool) else str(value)


def _text(obj: Mapping[str, Any], *keys: str) -> str:
    value = _optional(obj, *keys)
    if value is None:
        raise _Malformed(f"missing {' or '.join(keys)}")
    return value


def _epoch(value: Any, what: str) -> datetime:
    """Unix seconds or milliseconds (as a number or a digit string) as an aware UTC datetime."""
    if isinstance(value, bool) or not (isinstance(value, int | float) or isinstance(value, str) and value.isdigit()):
        raise _Malformed(f"{what} must be a Unix time, found {value!r}")
    seconds = float(value)
    return datetime.fromtimestamp(seconds / 1000 if seconds > 1e11 else seconds, UTC)


def _iso(stamp: str) -> datetime:
    """An Atom timestamp; YouTube sends nanoseconds, which Python's parser does not take, so they are cut."""
    moment = datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", stamp.strip()).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise _Malformed(f"timestamp {stamp!r} has no timezone")
    return moment
