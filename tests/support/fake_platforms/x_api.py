"""A fake X API v2: posts, one-shot media upload and metadata, users/me and the OAuth 2.0 token endpoint.

State (`api.state`): `tokens` (valid access tokens), `user` (who they post as), `tweets` (id -> stored post),
`media` (id -> uploaded image), `clients` (client id -> secret, "" for a public client) and `refresh_tokens`
(refresh token -> client id). Error bodies use X's problem-details shapes.
"""

from __future__ import annotations

import base64
import itertools
import secrets
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from fake_platforms.server import FakeApi, Request, Response, bearer_token

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
    api.route("POST", "/2/media/upload", upload_media)
    api.route("POST", "/2/media/metadata", media_metadata)
    api.route("GET", "/2/users/me", users_me)
    api.route("POST", "/2/oauth2/token", token)
    return api
