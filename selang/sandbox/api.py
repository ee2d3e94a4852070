"""The CXone API the sandbox imitates: OAuth token, campaigns read/write, webhook management."""

from __future__ import annotations

import hmac
import math
import re
from urllib.parse import parse_qsl, unquote, urlsplit

from selang.sandbox import documents, validate
from selang.sandbox.core import SandboxCore
from selang.sandbox.store import Document, NotFound, VersionConflict
from selang.sandbox.tokens import (
    READ,
    WEBHOOKS,
    WRITE,
    Lookup,
    Token,
    parse_basic,
    parse_scope,
    scope_text,
)
from selang.sandbox.webhooks import EVENTS
from selang.sandbox.wire import HttpError, Request, Response, method_not_allowed

TOKEN_PATH = "/api/v2/oauth/token"
CAMPAIGN_PATH = re.compile(r"/api/v2/outbound/campaigns/([^/]+)")
WEBHOOKS_PATH = "/api/v2/webhooks"
WEBHOOK_PATH = re.compile(r"/api/v2/webhooks/([^/]+)")
IF_MATCH = re.compile(r'"?version=(\d+)"?')
CREDENTIAL_FIELDS = ("client_id", "client_secret")


def route(core: SandboxCore, request: Request) -> Response:
    path = request.path
    if path == TOKEN_PATH:
        if request.method != "POST":
            raise method_not_allowed("POST")
        return issue_token(core, request)
    if match := CAMPAIGN_PATH.fullmatch(path):
        campaign_id = unquote(match.group(1))
        if request.method == "GET":
            return get_campaign(core, request, campaign_id)
        if request.method == "PATCH":
            return patch_campaign(core, request, campaign_id)
        raise method_not_allowed("GET, PATCH")
    if path == WEBHOOKS_PATH:
        if request.method == "GET":
            authorize(core, request, WEBHOOKS)
            return Response(200, [s.to_json() for s in core.webhooks.all()])
        if request.method == "POST":
            return add_webhook(core, request)
        raise method_not_allowed("GET, POST")
    if match := WEBHOOK_PATH.fullmatch(path):
        return one_webhook(core, request, unquote(match.group(1)))
    raise HttpError(404, f"no such endpoint `{path}`")


# -- OAuth


def _oauth_error(status: int, code: str, message: str, basic: bool = False) -> HttpError:
    headers = (("WWW-Authenticate", 'Basic realm="cxone"'),) if basic else ()
    return HttpError(status, message, headers, {"error": code})


def issue_token(core: SandboxCore, request: Request) -> Response:
    query = request.query_pairs()
    if any(name in CREDENTIAL_FIELDS for name, _ in query):
        raise _oauth_error(400, "invalid_request", "client credentials must not be sent in the URL")
    if query:
        raise _oauth_error(
            400, "invalid_request", "the token endpoint takes its parameters in the form body"
        )
    if request.content_type() != "application/x-www-form-urlencoded":
        raise _oauth_error(
            400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded"
        )
    try:
        pairs = parse_qsl(
            request.body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(request.body)
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise _oauth_error(400, "invalid_request", "the form body is malformed") from exc
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise _oauth_error(400, "invalid_request", f"parameter `{name}` is given twice")
        form[name] = value
    grant = form.get("grant_type")
    if grant is None:
        raise _oauth_error(400, "invalid_request", "grant_type is required")
    if grant != "client_credentials":
        raise _oauth_error(400, "unsupported_grant_type", f"grant_type `{grant}` is not supported")
    client_id, secret = _client_credentials(request, form)
    if not (
        hmac.compare_digest(client_id.encode(), core.options.client_id.encode())
        and hmac.compare_digest(secret.encode(), core.options.client_secret.encode())
    ):
        raise _oauth_error(
            401, "invalid_client", "client authentication failed", basic=_has_basic(request)
        )
    try:
        scopes = parse_scope(form.get("scope"))
    except ValueError as exc:
        raise _oauth_error(400, "invalid_scope", str(exc)) from exc
    token = core.tokens.issue(scopes)
    body = {
        "access_token": token.value,
        "token_type": "Bearer",
        "expires_in": math.ceil(core.tokens.ttl),
        "scope": scope_text(scopes),
    }
    return Response(200, body, (("Cache-Control", "no-store"), ("Pragma", "no-cache")))


def _has_basic(request: Request) -> bool:
    return (request.header("Authorization") or "").strip().lower().startswith("basic")


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    header = request.header("Authorization")
    in_body = any(name in form for name in CREDENTIAL_FIELDS)
    if header is not None:
        if in_body:
            raise _oauth_error(
                400, "invalid_request", "send client credentials either in the body or by Basic"
            )
        try:
            return parse_basic(header)
        except ValueError as exc:
            raise _oauth_error(401, "invalid_client", str(exc), basic=True) from exc
    if "client_id" not in form or "client_secret" not in form:
        raise _oauth_error(
            401, "invalid_client", "client_id and client_secret are required", basic=True
        )
    return form["client_id"], form["client_secret"]


def authorize(core: SandboxCore, request: Request, scope: str) -> Token:
    header = (request.header("Authorization") or "").strip()
    scheme, _, value = header.partition(" ")
    if not header:
        raise HttpError(401, "a Bearer token is required", (("WWW-Authenticate", "Bearer"),))
    if scheme.lower() != "bearer" or not value.strip():
        raise HttpError(
            401,
            "Authorization must be `Bearer <token>`",
            (("WWW-Authenticate", 'Bearer error="invalid_request"'),),
        )
    state, token = core.tokens.lookup(value.strip())
    if state is not Lookup.VALID or token is None:
        why = "the token has expired" if state is Lookup.EXPIRED else "the token is not valid"
        raise HttpError(
            401,
            why,
            (("WWW-Authenticate", f'Bearer error="invalid_token", error_description="{why}"'),),
        )
    if scope not in token.scopes:
        raise HttpError(
            403,
            f"the token lacks the scope `{scope}`",
            (("WWW-Authenticate", f'Bearer error="insufficient_scope", scope="{scope}"'),),
        )
    return token


# -- campaigns


def _document(status: int, doc: Document) -> Response:
    return Response(status, doc, (("ETag", documents.etag(doc["version"])),))


def _missing(campaign_id: str) -> HttpError:
    return HttpError(404, f"campaign `{campaign_id}` not found")


def get_campaign(core: SandboxCore, request: Request, campaign_id: str) -> Response:
    authorize(core, request, READ)
    doc = core.campaigns.get(campaign_id)
    if doc is None:
        raise _missing(campaign_id)
    return _document(200, doc)


def patch_campaign(core: SandboxCore, request: Request, campaign_id: str) -> Response:
    authorize(core, request, WRITE)
    if core.campaigns.get(campaign_id) is None:
        raise _missing(campaign_id)
    if_match = request.header("If-Match")
    if if_match is None:
        raise HttpError(428, "If-Match: version=N is required to change a campaign")
    match = IF_MATCH.fullmatch(if_match.strip())
    if match is None:
        raise HttpError(400, f"If-Match `{if_match}` must be `version=N`")
    expected = int(match.group(1))
    body = request.json()
    try:
        validate.check_campaign(body, campaign_id)
    except validate.Invalid as exc:
        raise HttpError(400, str(exc)) from exc
    version = body.get("version")
    if version is None:
        raise HttpError(400, "version: required, and equal to the If-Match version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise HttpError(400, "version: expected an integer")
    if version != expected:
        raise HttpError(
            400, f"version: the body says {version} but If-Match says version={expected}"
        )
    try:
        doc = core.patch_campaign(campaign_id, expected, body)
    except NotFound as exc:
        raise _missing(campaign_id) from exc
    except VersionConflict as exc:
        raise HttpError(
            409,
            f"version conflict: campaign `{campaign_id}` is at version {exc.current}, "
            f"not {expected}; read it again",
            (("ETag", documents.etag(exc.current)),),
            {"currentVersion": exc.current},
        ) from exc
    if core.faults.drop_patch():
        return Response(200, doc, drop=True, fault="drop_patch")
    return _document(200, doc)


# -- webhooks

WEBHOOK_KEYS = ("url", "events", "campaignIds")


def add_webhook(core: SandboxCore, request: Request) -> Response:
    authorize(core, request, WEBHOOKS)
    body = request.json()
    if not isinstance(body, dict):
        raise HttpError(400, "body: expected a JSON object")
    for key in body:
        if key not in WEBHOOK_KEYS:
            raise HttpError(400, f"{key}: unknown key; expected url, events, campaignIds")
    url = body.get("url")
    parts = urlsplit(url if isinstance(url, str) else "")
    if not isinstance(url, str) or parts.scheme not in ("http", "https") or not parts.hostname:
        raise HttpError(400, "url: expected an absolute http or https URL")
    events = body.get("events")
    if not isinstance(events, list) or not events:
        raise HttpError(400, "events: expected a non-empty array of event names")
    for index, event in enumerate(events):
        if event not in EVENTS:
            raise HttpError(
                400, f"events[{index}]: unknown event `{event}`; known: {', '.join(EVENTS)}"
            )
    campaign_ids = body.get("campaignIds")
    if campaign_ids is not None and not (
        isinstance(campaign_ids, list) and all(isinstance(c, str) and c for c in campaign_ids)
    ):
        raise HttpError(400, "campaignIds: expected an array of campaign ids")
    sub = core.add_webhook(url, dict.fromkeys(events), campaign_ids)
    return Response(
        201, sub.to_json(with_secret=True), (("Location", f"{WEBHOOKS_PATH}/{sub.id}"),)
    )


def one_webhook(core: SandboxCore, request: Request, sub_id: str) -> Response:
    if request.method not in ("GET", "DELETE"):
        raise method_not_allowed("GET, DELETE")
    authorize(core, request, WEBHOOKS)
    if request.method == "GET":
        sub = core.webhooks.get(sub_id)
        if sub is None:
            raise HttpError(404, f"webhook `{sub_id}` not found")
        return Response(200, sub.to_json())
    if not core.webhooks.remove(sub_id):
        raise HttpError(404, f"webhook `{sub_id}` not found")
    return Response(204)
