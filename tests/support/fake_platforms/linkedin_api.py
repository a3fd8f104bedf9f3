"""A fake LinkedIn API: versioned Posts, Images and Documents APIs, organizations, userinfo and the token endpoint.

State (`api.state`): `tokens` (valid access tokens), `active_versions` (LinkedIn-Version values served),
`authors` (URNs the token may post as), `posts` (URN -> stored post, with `rendered`: the commentary as
LinkedIn shows it), `images` and `documents` (URN -> bytes or None until uploaded), `organizations`
(id -> organization), `userinfo` (the member), `clients` (client id -> secret), `refresh_tokens`
(refresh token -> client id) and `statistics` (post URN -> totalShareStatistics replacing `default_statistics()`).
An organization's share statistics cover the posts in `posts` whose author it is. The posts finder
(`GET /rest/posts?q=author`) lists an author's `posts` newest first (by `createdAt`, else the order added) and
`GET /rest/socialActions/{encoded URN}/comments` answers `comments` (post or parent comment URN -> comment
elements). `POST /rest/socialActions/{encoded URN}/comments` adds a comment on a post in `posts`, or a nested reply
to a comment in `comments` (its URN in the path and in `parentComment`, `object` the URN inside it), and answers
201 with the comment element and its id in `x-restli-id`.
"""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from fake_platforms.server import FakeApi, Request, Response, bearer_token

RESERVED = set("\\|{}@[]()<>#*_~")
HASHTAG_TEMPLATE = re.compile(r"\{hashtag\|\\?[#＃]\|([^{}|]+)\}")
HASHTAG = re.compile(r"#(\w+)")
MENTION = re.compile(r"@\[([^\]]*)\]\((urn:li:[a-zA-Z]+:[^)]+)\)")
REQUIRED = ("author", "commentary", "visibility", "distribution", "lifecycleState")


def render_little(commentary: str) -> str:
    """The commentary as LinkedIn displays it: escapes resolved, hashtags and mentions shown as text.

    Like LinkedIn, the text is cut at the first reserved character that is neither escaped nor part of an
    element or template.
    """
    shown: list[str] = []
    i = 0
    while i < len(commentary):
        char = commentary[i]
        if char == "\\" and i + 1 < len(commentary):
            shown.append(commentary[i + 1])
            i += 2
            continue
        for pattern, show in ((HASHTAG_TEMPLATE, "#{}"), (MENTION, "{}"), (HASHTAG, "#{}")):
            match = pattern.match(commentary, i)
            if match:
                shown.append(show.format(match.group(1)))
                i = match.end()
                break
        else:
            if char in RESERVED:
                break
            shown.append(char)
            i += 1
    return "".join(shown)


def default_statistics() -> dict[str, Any]:
    """The lifetime numbers a post has unless a test sets `api.state["statistics"][urn]`."""
    return {
        "uniqueImpressionsCount": 640,
        "shareCount": 3,
        "engagement": 0.0446,
        "clickCount": 21,
        "likeCount": 12,
        "impressionCount": 1012,
        "commentCount": 4,
    }


def rest_li_list(raw_query: str, name: str) -> list[str] | None:
    """The URNs of a Rest.li 2.0 `name=List(a,b)` parameter as sent (each item percent-encoded); None if absent.

    Raises:
        ValueError: the value is not a List(...) of percent-encoded URNs.
    """
    for pair in raw_query.split("&"):
        key, _, value = pair.partition("=")
        if key != name:
            continue
        match = re.fullmatch(r"List\((.*)\)", value)
        items = match.group(1).split(",") if match and match.group(1) else []
        if not items or any(":" in item or "(" in item or not unquote(item).startswith("urn:li:") for item in items):
            raise ValueError(value)
        return [unquote(item) for item in items]
    return None


def error(status: int, message: str, **extra: Any) -> Response:
    """A LinkedIn API error answer."""
    return Response(status, {"status": status, "message": message, **extra})


def linkedin_api() -> FakeApi:
    """A fake LinkedIn with one member who administers one organization, one valid token and one OAuth client."""
    api = FakeApi()
    ids = itertools.count(7_100_000_000_000_000_001)
    api.state.update(
        tokens={"li-token"},
        active_versions={"202511", "202601"},
        authors={"urn:li:person:782bbtaQ", "urn:li:organization:2414183"},
        posts={},
        images={},
        documents={},
        organizations={"2414183": {"id": 2414183, "localizedName": "Acme Corp", "vanityName": "acme-corp"}},
        userinfo={"sub": "782bbtaQ", "name": "Dana Reyes", "given_name": "Dana", "family_name": "Reyes"},
        clients={"li-client": "li-secret"},
        refresh_tokens={"li-refresh": "li-client"},
        statistics={},
        comments={},
    )

    def authorized(request: Request) -> bool:
        return bearer_token(request) in api.state["tokens"]

    def unauthorized() -> Response:
        return error(401, "Invalid access token", serviceErrorCode=65600, code="INVALID_ACCESS_TOKEN")

    def versioned(handler: Callable[[Request], Response]) -> Callable[[Request, FakeApi], Response]:
        def checked(request: Request, fake: FakeApi) -> Response:
            version = request.headers.get("linkedin-version")
            if not version:
                return error(
                    400,
                    "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
                    code="VERSION_MISSING",
                )
            if version not in api.state["active_versions"]:
                shown = f"{version}01" if re.fullmatch(r"\d{6}", version) else version
                return error(426, f"Requested version {shown} is not active", code="NONEXISTENT_VERSION")
            if not authorized(request):
                return unauthorized()
            return handler(request)

        return checked

    def create_post(request: Request) -> Response:
        body: dict[str, Any] = request.json() or {}
        for field in REQUIRED:
            if field not in body:
                return error(422, f"ERROR :: /{field} :: field is required but not found and has no default value")
        author = body["author"]
        if author not in api.state["authors"]:
            return error(
                403,
                "Not enough permissions to access: partnerApiPostsExternal.CREATE.20251101",
                serviceErrorCode=100,
                code="ACCESS_DENIED",
            )
        content = body.get("content") or {}
        media = content.get("media") or {}
        if str(media.get("id", "")).startswith("urn:li:document:"):
            if api.state["documents"].get(media["id"]) is None:
                return error(422, f"ERROR :: /content/media :: document {media['id']} is not uploaded")
            if not media.get("title"):
                return error(422, "ERROR :: /content/media/title :: a document post requires a title")
        else:
            images = [media] if media else (content.get("multiImage") or {}).get("images", [])
            missing = [i.get("id") for i in images if api.state["images"].get(i.get("id")) is None]
            if missing:
                return error(422, f"ERROR :: /content :: images {missing} are not uploaded")
        rendered = render_little(body["commentary"])
        for urn, post in api.state["posts"].items():
            if post["author"] == author and post["rendered"] == rendered:
                return error(422, f"Content is a duplicate of {urn}")
        urn = f"urn:li:share:{next(ids)}"
        api.state["posts"][urn] = {**body, "rendered": rendered}
        return Response(201, raw=b"", headers={"x-restli-id": urn, "x-linkedin-id": urn})

    def initialize_image_upload(request: Request) -> Response:
        if request.query.get("action") != ["initializeUpload"]:
            return error(400, "Unsupported action")
        owner = ((request.json() or {}).get("initializeUploadRequest") or {}).get("owner")
        if owner not in api.state["authors"]:
            return error(403, "Not enough permissions to access: images.ACTION.20251101", code="ACCESS_DENIED")
        number = next(ids)
        urn = f"urn:li:image:D4E10AQ{number}"
        api.state["images"][urn] = None
        value = {"uploadUrlExpiresAt": 1_900_000_000_000, "uploadUrl": f"{api.url}/dms-uploads/{number}", "image": urn}
        return Response(200, {"value": value})

    def initialize_document_upload(request: Request) -> Response:
        if request.query.get("action") != ["initializeUpload"]:
            return error(400, "Unsupported action")
        owner = ((request.json() or {}).get("initializeUploadRequest") or {}).get("owner")
        if owner not in api.state["authors"]:
            return error(403, "Not enough permissions to access: documents.ACTION.20251101", code="ACCESS_DENIED")
        number = next(ids)
        urn = f"urn:li:document:D4D10AQ{number}"
        api.state["documents"][urn] = None
        value = {"uploadUrlExpiresAt": 1_900_000_000_000, "uploadUrl": f"{api.url}/dms-docs/{number}", "document": urn}
        return Response(200, {"value": value})

    def upload_document(request: Request, fake: FakeApi) -> Response:
        if not authorized(request):
            return unauthorized()
        urn = f"urn:li:document:D4D10AQ{request.path.rsplit('/', 1)[-1]}"
        if urn not in api.state["documents"]:
            return error(404, "Upload URL not found")
        api.state["documents"][urn] = request.body
        return Response(201, raw=b"")

    def upload_image(request: Request, fake: FakeApi) -> Response:
        if not authorized(request):
            return unauthorized()
        urn = f"urn:li:image:D4E10AQ{request.path.rsplit('/', 1)[-1]}"
        if urn not in api.state["images"]:
            return error(404, "Upload URL not found")
        api.state["images"][urn] = request.body
        return Response(201, raw=b"")

    def organization(request: Request) -> Response:
        found = api.state["organizations"].get(request.path.rsplit("/", 1)[-1])
        return Response(200, dict(found)) if found else error(404, "Not Found", serviceErrorCode=0)

    def share_statistics(request: Request) -> Response:
        if request.query.get("q") != ["organizationalEntity"]:
            return error(400, "Invalid finder: q must be organizationalEntity", code="ILLEGAL_ARGUMENT")
        organization = (request.query.get("organizationalEntity") or [""])[0]
        if not organization.startswith("urn:li:organization:"):
            message = f"Invalid value for param: organizationalEntity [{organization}]"
            return error(400, message, code="ILLEGAL_ARGUMENT")
        if organization not in api.state["authors"]:
            return error(
                403,
                "Not enough permissions to access: organizationalEntityShareStatistics.FINDER-organizationalEntity"
                ".20251101",
                serviceErrorCode=100,
                code="ACCESS_DENIED",
            )
        wanted: list[str] = []
        for name, prefix in (("shares", "urn:li:share:"), ("ugcPosts", "urn:li:ugcPost:")):
            try:
                urns = rest_li_list(request.raw_query, name) or []
            except ValueError as exc:
                return error(400, f"Malformed parameter '{name}': {exc}", code="ILLEGAL_ARGUMENT")
            if any(not urn.startswith(prefix) for urn in urns):
                return error(400, f"Invalid value for param: {name}", code="ILLEGAL_ARGUMENT")
            wanted.extend(urns)
        if not wanted:  # no posts named: the organization's aggregate lifetime statistics
            aggregate = {"totalShareStatistics": default_statistics(), "organizationalEntity": organization}
            return Response(200, {"paging": {"count": 10, "start": 0, "links": []}, "elements": [aggregate]})
        elements = []
        for urn in wanted:
            post = api.state["posts"].get(urn)
            if post is None or post.get("author") != organization:
                continue
            key = "share" if urn.startswith("urn:li:share:") else "ugcPost"
            stats = api.state["statistics"].get(urn) or default_statistics()
            elements.append({"totalShareStatistics": stats, key: urn, "organizationalEntity": organization})
        return Response(200, {"paging": {"count": 10, "start": 0, "links": []}, "elements": elements})

    def find_posts(request: Request) -> Response:
        query = {name: values[0] for name, values in request.query.items()}
        if query.get("q") != "author":
            return error(400, f"Invalid finder: q must be author, not {query.get('q')}", code="ILLEGAL_ARGUMENT")
        author = query.get("author", "")
        if "author=urn%3Ali%3A" not in request.raw_query:
            return error(400, f"Invalid value for param: author [{author}]", code="ILLEGAL_ARGUMENT")
        if author not in api.state["authors"]:
            return error(403, "Not enough permissions to access: partnerApiPostsExternal.FINDER-author.20251101")
        count = query.get("count", "10")
        if not count.isdigit() or not 1 <= int(count) <= 100:
            return error(400, f"Invalid value for param: count [{count}]", code="ILLEGAL_ARGUMENT")
        found = [{"id": urn, **post} for urn, post in api.state["posts"].items() if post.get("author") == author]
        found = sorted(reversed(found), key=lambda p: -p.get("createdAt", 0))[: int(count)]
        elements = [{k: v for k, v in post.items() if k != "rendered"} for post in found]
        return Response(200, {"paging": {"start": 0, "count": int(count), "links": []}, "elements": elements})

    def post_comments(request: Request) -> Response:
        raw = request.path.removeprefix("/rest/socialActions/")
        encoded, _, edge = raw.partition("/")
        if edge != "comments" or ":" in encoded or not unquote(encoded).startswith("urn:li:"):
            return error(400, f"Malformed URN in path: {encoded}", code="ILLEGAL_ARGUMENT")
        urn = unquote(encoded)
        post = api.state["posts"].get(urn)
        if post is None:
            return error(404, f"Not found: {urn}", serviceErrorCode=0)
        if post.get("author") not in api.state["authors"]:
            return error(403, "Not enough permissions to access: socialActions.comments.GET_ALL.20251101")
        count = int((request.query.get("count") or ["10"])[0])
        elements = sorted(api.state["comments"].get(urn, []), key=lambda c: -c.get("created", {}).get("time", 0))
        paging = {"start": 0, "count": count, "total": len(elements), "links": []}
        return Response(200, {"paging": paging, "elements": elements[:count]})

    def find_comment(urn: str) -> dict[str, Any] | None:
        return next((c for found in api.state["comments"].values() for c in found if c.get("commentUrn") == urn), None)

    def create_comment(request: Request) -> Response:
        raw = request.path.removeprefix("/rest/socialActions/")
        encoded, _, edge = raw.partition("/")
        if edge != "comments" or any(c in encoded for c in ":(),") or not unquote(encoded).startswith("urn:li:"):
            return error(400, f"Malformed URN in path: {encoded}", code="ILLEGAL_ARGUMENT")
        target = unquote(encoded)
        body: dict[str, Any] = request.json() or {}
        for field in ("actor", "object", "message"):
            if field not in body:
                return error(422, f"ERROR :: /{field} :: field is required but not found and has no default value")
        text = (body["message"] or {}).get("text") if isinstance(body["message"], dict) else None
        if not isinstance(text, str) or not text:
            return error(422, "ERROR :: /message/text :: field is required but not found and has no default value")
        if body["actor"] not in api.state["authors"]:
            return error(403, "Not enough permissions to access: socialActions.comments.CREATE.20251101")
        if target.startswith("urn:li:comment:"):
            parent = find_comment(target)
            if parent is None:
                return error(404, f"Not found: {target}", serviceErrorCode=0)
            inner = target.removeprefix("urn:li:comment:(").rsplit(",", 1)[0]
            if body.get("parentComment") != target or body["object"] != inner:
                message = f"parentComment must be {target} and object {inner} for a comment on a comment"
                return error(400, message, code="ILLEGAL_ARGUMENT")
        elif target not in api.state["posts"]:
            return error(404, f"Not found: {target}", serviceErrorCode=0)
        elif body["object"] != target or "parentComment" in body:
            return error(400, f"object must be {target} for a comment on it", code="ILLEGAL_ARGUMENT")
        number = str(next(ids))
        urn = f"urn:li:comment:({body['object']},{number})"
        element = {
            **body,
            "id": number,
            "commentUrn": urn,
            "created": {"actor": body["actor"], "time": 1_767_268_800_000},
            "lastModified": {"actor": body["actor"], "time": 1_767_268_800_000},
        }
        api.state["comments"].setdefault(target, []).append(element)
        return Response(201, element, headers={"x-restli-id": number})

    def userinfo(request: Request, fake: FakeApi) -> Response:
        if not authorized(request):
            return unauthorized()
        return Response(200, dict(api.state["userinfo"]))

    def access_token(request: Request, fake: FakeApi) -> Response:
        form = request.form()
        if form.get("grant_type") != "refresh_token":
            return Response(400, {"error": "unsupported_grant_type", "error_description": "Unsupported grant type"})
        client_id = form.get("client_id", "")
        if not form.get("client_secret") or api.state["clients"].get(client_id) != form.get("client_secret"):
            return Response(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
        if api.state["refresh_tokens"].get(form.get("refresh_token")) != client_id:
            description = "The provided authorization grant or refresh token is invalid, expired or revoked"
            return Response(400, {"error": "invalid_request", "error_description": description})
        access = f"li-access-{secrets.token_hex(4)}"
        api.state["tokens"].add(access)
        # LinkedIn keeps the refresh token (its lifetime is not renewed) and answers with the time it has left.
        body = {
            "access_token": access,
            "expires_in": 5_183_999,
            "refresh_token": form["refresh_token"],
            "refresh_token_expires_in": 31_000_000,
        }
        return Response(200, body)

    api.route("POST", "/rest/posts", versioned(create_post))
    api.route("GET", "/rest/posts", versioned(find_posts))
    api.route("GET", "/rest/socialActions/", versioned(post_comments))
    api.route("POST", "/rest/socialActions/", versioned(create_comment))
    api.route("POST", "/rest/images", versioned(initialize_image_upload))
    api.route("PUT", "/dms-uploads/", upload_image)
    api.route("POST", "/rest/documents", versioned(initialize_document_upload))
    api.route("PUT", "/dms-docs/", upload_document)
    api.route("GET", "/rest/organizations/", versioned(organization))
    api.route("GET", "/rest/organizationalEntityShareStatistics", versioned(share_statistics))
    api.route("GET", "/v2/userinfo", userinfo)
    api.route("POST", "/oauth/v2/accessToken", access_token)
    return api
