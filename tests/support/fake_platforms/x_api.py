"""A fake X API v2: posts, one-shot media upload and metadata, DMs, users/me and the OAuth 2.0 token endpoint.

State (`api.state`): `tokens` (valid access tokens), `user` (who they post as), `tweets` (id -> stored post),
`media` (id -> uploaded image), `clients` (client id -> secret, "" for a public client), `refresh_tokens`
(refresh token -> client id), `metrics` (post id -> {"public_metrics": ..., "non_public_metrics": ...} replacing
`default_metrics()`), `stale` (ids of posts older than 30 days, whose non-public metrics X refuses), `mentions`
(posts mentioning the user, each with id, text, author_id, created_at and any other post field), `users`
(id -> user object with username, name and public_metrics, expanded from author_id), `dm_open` (ids of users who
accept direct messages from the account; others get X's 403) and `dm_events` (event id -> the message sent, with
its `participant_id` and `dm_conversation_id`), `search` (posts recent search can find, by any OR'ed term of the
query) and `searches` (the queries it was asked).
Error bodies use X's problem-details shapes.
"""

from __future__ import annotations

import base64
import itertools
import secrets
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from fake_platforms.server import FakeApi, Request, Response, bearer_token

TWEET_FIELDS = {
    "article", "attachments", "author_id", "card_uri", "community_id", "context_annotations", "conversation_id",
    "created_at", "display_text_range", "edit_controls", "edit_history_tweet_ids", "entities", "geo", "id",
    "in_reply_to_user_id", "lang", "media_metadata", "non_public_metrics", "note_tweet", "organic_metrics",
    "possibly_sensitive", "promoted_metrics", "public_metrics", "referenced_tweets", "reply_settings", "scopes",
    "source", "text", "withheld",
}  # fmt: skip
PRIVATE_FIELDS = {"non_public_metrics", "organic_metrics", "promoted_metrics"}
PROBLEMS = "https://api.twitter.com/2/problems"
USER_FIELDS = {
    "affiliation", "confirmed_email", "connection_status", "created_at", "description", "entities", "id",
    "is_identity_verified", "location", "most_recent_tweet_id", "name", "parody", "pinned_tweet_id",
    "profile_banner_url", "profile_image_url", "protected", "public_metrics", "receives_your_dm", "subscription",
    "subscription_type", "url", "username", "verified", "verified_followers_count", "verified_type", "withheld",
}  # fmt: skip
TWEET_EXPANSIONS = {
    "attachments.media_keys", "attachments.poll_ids", "author_id", "edit_history_tweet_ids",
    "entities.mentions.username", "geo.place_id", "in_reply_to_user_id", "referenced_tweets.id",
    "referenced_tweets.id.author_id",
}  # fmt: skip
MEDIA_CATEGORIES = {"tweet_image", "tweet_gif", "tweet_video", "dm_image", "dm_gif", "dm_video", "subtitles"}


def problem(status: int, title: str, detail: str, kind: str = "about:blank") -> Response:
    """An X problem-details error answer."""
    return Response(status, {"title": title, "detail": detail, "type": kind, "status": status})


def invalid_request(message: str, parameters: dict[str, list[str]]) -> Response:
    """X's 400 answer for a request that failed validation."""
    body = {
        "errors": [{"parameters": parameters, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }
    return Response(400, body)


def default_metrics() -> dict[str, dict[str, int]]:
    """The numbers a post has unless a test sets `api.state["metrics"][post_id]`."""
    return {
        "public_metrics": {
            "retweet_count": 3,
            "reply_count": 2,
            "like_count": 14,
            "quote_count": 1,
            "bookmark_count": 4,
            "impression_count": 1180,
        },
        "non_public_metrics": {
            "impression_count": 1204,
            "url_link_clicks": 9,
            "user_profile_clicks": 5,
            "engagements": 38,
        },
    }


def not_found(tweet_id: str) -> dict[str, str]:
    """X's error item for a post it does not have (the answer is still HTTP 200)."""
    return {
        "value": tweet_id,
        "detail": f"Could not find tweet with ids: [{tweet_id}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": "ids",
        "resource_id": tweet_id,
        "type": f"{PROBLEMS}/resource-not-found",
    }


def field_denied(tweet_id: str, field: str) -> dict[str, str]:
    """X's error item for a field it won't show on this post (non-public metrics after 30 days)."""
    return {
        "value": tweet_id,
        "detail": f"Sorry, you are not authorized to access '{field}' on the Tweet with ids: [{tweet_id}].",
        "title": "Field Authorization Error",
        "resource_type": "tweet",
        "parameter": "ids",
        "field": field,
        "resource_id": tweet_id,
        "section": "data",
        "type": f"{PROBLEMS}/not-authorized-for-field",
    }


def multipart_fields(request: Request) -> dict[str, bytes]:
    """The fields of a multipart/form-data body, name -> raw bytes."""
    head = f"Content-Type: {request.headers.get('content-type', '')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    if not message.is_multipart():
        return {}
    return {
        str(part.get_param("name", header="content-disposition")): part.get_payload(decode=True) or b""
        for part in message.iter_parts()
    }


def x_api() -> FakeApi:
    """A fake X API with one user, one valid token and a confidential and a public OAuth client."""
    api = FakeApi()
    ids = itertools.count(1_800_000_000_000_000_001)
    api.state.update(
        tokens={"x-token"},
        user={"id": "2244994945", "name": "BrandPilot", "username": "brandpilot"},
        tweets={},
        media={},
        clients={"x-client": "x-secret", "x-public-client": ""},
        refresh_tokens={"x-refresh": "x-client", "x-public-refresh": "x-public-client"},
        metrics={},
        stale=set(),
        mentions=[],
        search=[],  # posts GET /2/tweets/search/recent can find
        searches=[],  # the queries it was asked
        users={},
        dm_open=set(),
        dm_events={},
    )

    def authorized(request: Request) -> bool:
        return bearer_token(request) in api.state["tokens"]

    def unauthorized() -> Response:
        return problem(401, "Unauthorized", "Unauthorized")

    def create_tweet(request: Request, fake: FakeApi) -> Response:
        if not authorized(request):
            return unauthorized()
        body: dict[str, Any] = request.json() or {}
        text = body.get("text")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        if not text and not media_ids:
            return invalid_request("Tweet text or media is required", {"text": []})
        unknown = [m for m in media_ids if m not in api.state["media"]]
        if unknown:
            return invalid_request(f"Your media IDs are invalid: {unknown}", {"media.media_ids": unknown})
        if len(media_ids) > 4:
            return invalid_request("Up to 4 media IDs can be attached", {"media.media_ids": media_ids})
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        if reply_to is not None and reply_to not in api.state["tweets"]:
            return problem(403, "Forbidden", "You attempted to reply to a Tweet that is deleted or not visible to you.")
        if text and any(t["text"] == text for t in api.state["tweets"].values()):
            return problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
        tweet_id = str(next(ids))
        api.state["tweets"][tweet_id] = {"id": tweet_id, **body}
        return Response(201, {"data": {"id": tweet_id, "text": text or "", "edit_history_tweet_ids": [tweet_id]}})

    def upload_media(request: Request, fake: FakeApi) -> Response:
        if not authorized(request):
            return unauthorized()
        fields = multipart_fields(request)
        category = fields.get("media_category", b"").decode()
        if "media" not in fields or category not in MEDIA_CATEGORIES:
            return invalid_request("media and a valid media_category are required", {"media_category": [category]})
        media_id = str(next(ids))
        api.state["media"][media_id] = {"bytes": fields["media"], "media_category": category, "alt_text": None}
        data = {"id": media_id, "media_key": f"3_{media_id}", "size": len(fields["media"]), "expires_after_secs": 86400}
        return Response(200, {"data": data})

    def media_metadata(request: Request, fake: FakeApi) -> Response:
        if not authorized(request):
            return unauthorized()
        body = request.json() or {}
        media = api.state["media"].get(body.get("id"))
        if media is None:
            return invalid_request("The media id was not found", {"id": [str(body.get("id"))]})
        alt_text = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
        if alt_text is not None and len(alt_text) > 1000:
            return invalid_request("Alt text must be at most 1000 characters", {"metadata.alt_text.text": []})
        media["alt_text"] = alt_text
        return Response(200, {"data": {"id": body["id"], "associated_metadata": body.get("metadata") or {}}})

    def users_me(request: Request, fake: FakeApi) -> Response:
        if not authorized(request):
            return unauthorized()
        return Response(200, {"data": dict(api.state["user"])})

    def lookup_tweets(request: Request, fake: FakeApi) -> Response:
        if not authorized(request):
            return unauthorized()
        raw = (request.query.get("ids") or [""])[0]
        ids = [i for i in raw.split(",") if i]
        if not ids:
            return invalid_request("The `ids` query parameter can not be empty", {"ids": []})
        if len(ids) > 100:
            return invalid_request(f"`ids` size [{len(ids)}] is not between 1 and 100", {"ids": [raw]})
        bad = next((i for i in ids if not i.isdigit() or len(i) > 19), None)
        if bad is not None:
            return invalid_request(f"The `ids` query parameter value [{bad}] is not valid", {"ids": [bad]})
        fields = [f for f in (request.query.get("tweet.fields") or [""])[0].split(",") if f]
        unknown = next((f for f in fields if f not in TWEET_FIELDS), None)
        if unknown is not None:
            message = f"The `tweet.fields` query parameter value [{unknown}] is not one of {sorted(TWEET_FIELDS)}"
            return invalid_request(message, {"tweet.fields": [unknown]})
        data: list[dict[str, Any]] = []
        errors: list[dict[str, str]] = []
        for tweet_id in ids:
            tweet = api.state["tweets"].get(tweet_id)
            if tweet is None:
                errors.append(not_found(tweet_id))
                continue
            private = [f for f in fields if f in PRIVATE_FIELDS]
            if private and tweet_id in api.state["stale"]:
                errors.extend(field_denied(tweet_id, f"{f}.impression_count") for f in private)
                continue
            metrics = api.state["metrics"].get(tweet_id) or default_metrics()
            item = {"id": tweet_id, "text": tweet.get("text", ""), "edit_history_tweet_ids": [tweet_id]}
            item |= {f: metrics[f] for f in fields if f in metrics}
            data.append(item)
        return Response(200, ({"data": data} if data else {}) | ({"errors": errors} if errors else {}))

    def user_mentions(request: Request, fake: FakeApi) -> Response:
        """GET /2/users/:id/mentions: posts mentioning the user, newest first, `since_id` and pagination tokens."""
        if not authorized(request):
            return unauthorized()
        user_id = request.path.removeprefix("/2/users/").removesuffix("/mentions")
        if not user_id.isdigit() or not request.path.endswith("/mentions"):
            return invalid_request(f"The `id` query parameter value [{user_id}] is not valid", {"id": [user_id]})
        return timeline(request, api.state["mentions"], "pagination_token", (5, 100))

    def search_recent(request: Request, fake: FakeApi) -> Response:
        """GET /2/tweets/search/recent: posts whose text has one of the query's OR'ed terms; pages by `next_token`."""
        if not authorized(request):
            return unauthorized()
        query = {name: values[0] for name, values in request.query.items()}
        if "pagination_token" in query:
            return invalid_request("The query parameter [pagination_token] is not one of [next_token, ...]", {})
        search = query.get("query", "")
        if not search or len(search) > 512:
            return invalid_request(f"The `query` query parameter value [{search[:40]}] is not valid", {})
        inner = search.split(")")[0].lstrip("(")
        terms = [t.strip().strip('"').lower() for t in inner.split(" OR ") if t.strip()]
        api.state["searches"].append(search)
        found = [p for p in api.state["search"] if any(term in p["text"].lower() for term in terms)]
        return timeline(request, found, "next_token", (10, 100))

    def timeline(request: Request, posts: list[dict[str, Any]], token_name: str, bounds: tuple[int, int]) -> Response:
        """A page of posts newest first, as X's timelines and search answer: since_id, max_results, a token."""
        query = {name: values[0] for name, values in request.query.items()}
        count = query.get("max_results", "10")
        if not count.isdigit() or not bounds[0] <= int(count) <= bounds[1]:
            message = f"The `max_results` query parameter value [{count}] is not between {bounds[0]} and {bounds[1]}"
            return invalid_request(message, {"max_results": [count]})
        for name in ("since_id", "until_id"):
            if name in query and not query[name].isdigit():
                return invalid_request(f"The `{name}` query parameter value [{query[name]}] is not valid", {})
        for name, known in (("tweet.fields", TWEET_FIELDS), ("user.fields", USER_FIELDS), ("expansions", None)):
            bad = next((f for f in query.get(name, "").split(",") if f and f not in (known or TWEET_EXPANSIONS)), None)
            if bad is not None:
                message = (
                    f"The `{name}` query parameter value [{bad}] is not one of {sorted(known or TWEET_EXPANSIONS)}"
                )
                return invalid_request(message, {name: [bad]})
        since = int(query.get("since_id", "0"))
        newer = sorted((p for p in posts if int(p["id"]) > since), key=lambda p: -int(p["id"]))
        start = int(query.get(token_name, "pt0").removeprefix("pt") or 0)
        page = newer[start : start + int(count)]
        if not page:
            return Response(200, {"meta": {"result_count": 0}})
        fields = {"id", "text", "edit_history_tweet_ids", *query.get("tweet.fields", "").split(",")}
        data = [{k: v for k, v in ({"edit_history_tweet_ids": [p["id"]]} | p).items() if k in fields} for p in page]
        meta: dict[str, Any] = {"result_count": len(page), "newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}
        if start + int(count) < len(newer):
            meta["next_token"] = f"pt{start + int(count)}"
        body: dict[str, Any] = {"data": data, "meta": meta}
        if "author_id" in query.get("expansions", "").split(","):
            wanted = {"id", "name", "username", *query.get("user.fields", "").split(",")}
            authors = dict.fromkeys(p["author_id"] for p in page if p.get("author_id") in api.state["users"])
            users = [{k: v for k, v in api.state["users"][a].items() if k in wanted} for a in authors]
            body["includes"] = {"users": users}
        return Response(200, body)

    def send_dm(request: Request, fake: FakeApi) -> Response:
        """POST /2/dm_conversations/with/:participant_id/messages: text and/or one media attachment."""
        if not authorized(request):
            return unauthorized()
        participant = request.path.removeprefix("/2/dm_conversations/with/").removesuffix("/messages")
        if not participant.isdigit() or not request.path.endswith("/messages"):
            message = f"The `participant_id` path parameter value [{participant}] is not valid"
            return invalid_request(message, {"participant_id": [participant]})
        body: dict[str, Any] = request.json() or {}
        text, attachments = body.get("text"), body.get("attachments") or []
        if not text and not attachments:
            return invalid_request("One of text or attachments is required", {"text": []})
        if len(attachments) > 1:
            return invalid_request("Only 1 attachment is supported", {"attachments": []})
        media_ids = [str((a or {}).get("media_id")) for a in attachments]
        if any(not api.state["media"].get(m, {}).get("media_category", "").startswith("dm_") for m in media_ids):
            return invalid_request(f"Your media IDs are invalid: {media_ids}", {"attachments.media_id": media_ids})
        me = api.state["user"]["id"]
        if participant == me or participant not in api.state["dm_open"]:
            return problem(403, "Forbidden", "You are not permitted to send Direct Messages to this user.")
        conversation = "-".join(sorted((me, participant), key=int))
        event_id = str(next(ids))
        api.state["dm_events"][event_id] = {"participant_id": participant, "dm_conversation_id": conversation, **body}
        return Response(201, {"data": {"dm_conversation_id": conversation, "dm_event_id": event_id}})

    def token(request: Request, fake: FakeApi) -> Response:
        form = request.form()
        if form.get("grant_type") != "refresh_token":
            return Response(400, {"error": "unsupported_grant_type", "error_description": "Grant type not supported"})
        client_id = form.get("client_id", "")
        basic = request.headers.get("authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic.removeprefix("Basic ")).decode().partition(":")
            if api.state["clients"].get(client_id) != secret or not secret:
                return Response(
                    401, {"error": "unauthorized_client", "error_description": "Invalid client credentials"}
                )
        elif api.state["clients"].get(client_id, None) != "":
            return Response(
                401, {"error": "unauthorized_client", "error_description": "Missing valid authorization header"}
            )
        if api.state["refresh_tokens"].get(form.get("refresh_token")) != client_id:
            return Response(
                400, {"error": "invalid_request", "error_description": "Value passed for the token was invalid."}
            )
        del api.state["refresh_tokens"][form["refresh_token"]]
        access, refresh = f"x-access-{secrets.token_hex(4)}", f"x-refresh-{secrets.token_hex(4)}"
        api.state["tokens"].add(access)
        api.state["refresh_tokens"][refresh] = client_id
        scope = "tweet.read tweet.write users.read media.write offline.access"
        body = {
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": access,
            "scope": scope,
            "refresh_token": refresh,
        }
        return Response(200, body)

    api.route("POST", "/2/tweets", create_tweet)
    api.route("GET", "/2/tweets/search/recent", search_recent)
    api.route("GET", "/2/tweets", lookup_tweets)
    api.route("POST", "/2/media/upload", upload_media)
    api.route("POST", "/2/media/metadata", media_metadata)
    api.route("GET", "/2/users/me", users_me)
    api.route("GET", "/2/users/", user_mentions)
    api.route("POST", "/2/oauth2/token", token)
    api.route("POST", "/2/dm_conversations/with/", send_dm)
    return api
