"""The `/_sandbox/` admin endpoints: faults, tokens, campaigns, request log, deliveries, reset.

No token is needed, but only loopback clients are served. See docs/sandbox.md.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import unquote

from selang.sandbox import validate
from selang.sandbox.core import SandboxCore
from selang.sandbox.faults import SETTABLE, FaultError
from selang.sandbox.options import FailRule
from selang.sandbox.store import NotFound
from selang.sandbox.wire import HttpError, Request, Response, method_not_allowed

PREFIX = "/_sandbox/"
CAMPAIGN = re.compile(r"campaigns/([^/]+)")


def is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def route(core: SandboxCore, request: Request) -> Response:
    if not is_loopback(request.client_host):
        raise HttpError(403, "the admin endpoints answer loopback clients only")
    name = request.path.removeprefix(PREFIX).rstrip("/")
    method = request.method
    if name == "health":
        return Response(200, {"ok": True, "campaigns": len(core.campaigns.ids())})
    if name == "faults":
        if method == "GET":
            return Response(200, core.faults.to_json())
        if method in ("POST", "PATCH"):
            return set_faults(core, _object(request))
        if method == "DELETE":
            core.faults.clear()
            return Response(200, core.faults.to_json())
        raise method_not_allowed("GET, POST, PATCH, DELETE")
    if name == "faults/fail-next":
        _only(method, "POST")
        return add_fail_rule(core, _object(request))
    if name == "faults/drop-next-patch":
        _only(method, "POST")
        body = _object(request)
        count = _int(body.get("count", 1), "count")
        _fault(lambda: core.faults.drop_next_patches(count))
        return Response(200, core.faults.to_json())
    if name == "tokens/revoke":
        _only(method, "POST")
        return Response(200, {"revoked": core.tokens.revoke_all()})
    if name == "reset":
        _only(method, "POST")
        body = _object(request) if request.body.strip() else {}
        core.reset(seed=bool(body.get("seed", True)))
        return Response(200, {"campaigns": core.campaigns.ids()})
    if name == "campaigns":
        if method == "GET":
            return Response(200, core.campaigns.all())
        _only(method, "POST")
        return seed_campaign(core, request)
    if match := CAMPAIGN.fullmatch(name):
        return one_campaign(core, request, unquote(match.group(1)))
    if name == "requests":
        if method == "GET":
            since = _since(request)
            return Response(200, [e.to_json() for e in core.log.entries(since)])
        _only(method, "DELETE")
        core.log.clear()
        return Response(204)
    if name == "deliveries":
        if method == "GET":
            return Response(200, [a.to_json() for a in core.deliverer.log()])
        _only(method, "DELETE")
        core.deliverer.clear()
        return Response(204)
    raise HttpError(404, f"no such admin endpoint `{request.path}`")


def set_faults(core: SandboxCore, body: dict[str, Any]) -> Response:
    changes: dict[str, Any] = {}
    for key, value in body.items():
        kind = SETTABLE.get(key)
        if kind is None:
            raise HttpError(400, f"{key}: unknown fault; known: {', '.join(SETTABLE)}")
        changes[key] = _coerce(key, value, kind)
    _fault(lambda: core.faults.update(**changes))
    return Response(200, core.faults.to_json())


def _coerce(key: str, value: Any, kind: type) -> Any:
    nullable = key in ("rate_limit", "seed")
    if value is None and nullable:
        return None
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind is float and _is_decimal(value):
        return float(value)
    if kind is int:
        return _int(value, key)
    if kind is str and isinstance(value, str):
        return value
    if kind is tuple and isinstance(value, list):
        return tuple(_int(v, f"{key}[]") for v in value)
    wanted = {int: "an integer", float: "a number", str: "a string", tuple: "an array"}[kind]
    raise HttpError(400, f"{key}: expected {wanted}{' or null' if nullable else ''}")


def _is_decimal(value: Any) -> bool:
    from decimal import Decimal

    return isinstance(value, Decimal)


def add_fail_rule(core: SandboxCore, body: dict[str, Any]) -> Response:
    unknown = set(body) - {
        "method", "path", "status", "count", "retry_after", "message", "action", "delay_ms", "edit",
    }  # fmt: skip
    if unknown:
        raise HttpError(400, f"{sorted(unknown)[0]}: unknown key")
    method = body.get("method", "*")
    path = body.get("path", "*")
    if not isinstance(method, str) or not isinstance(path, str):
        raise HttpError(400, "method and path must be strings")
    retry_after = body.get("retry_after")
    message, action = body.get("message"), body.get("action", "answer")
    if message is not None and not isinstance(message, str):
        raise HttpError(400, "message must be a string or null")
    if not isinstance(action, str):
        raise HttpError(400, "action must be a string")
    changes = body.get("edit")
    if changes is not None and not isinstance(changes, dict):
        raise HttpError(400, "edit must be an object of fields")
    rule = FailRule(
        method=method.upper(),
        path=path,
        status=_int(body.get("status", 503), "status"),
        count=_int(body.get("count", 1), "count"),
        retry_after=None if retry_after is None else _int(retry_after, "retry_after"),
        message=message,
        action=action,  # type: ignore[arg-type]  # checked by the fault layer
        delay_ms=_int(body.get("delay_ms", 0), "delay_ms"),
        edit=changes,
    )
    _fault(lambda: core.faults.fail_next(rule))
    return Response(200, core.faults.to_json())


def seed_campaign(core: SandboxCore, request: Request) -> Response:
    body = _object(request)
    given: str | dict[str, Any] = body["id"] if set(body) == {"id"} else body
    try:
        doc = core.seed_campaign(given)
    except validate.Invalid as exc:
        raise HttpError(400, str(exc)) from exc
    return Response(201, doc)


def one_campaign(core: SandboxCore, request: Request, campaign_id: str) -> Response:
    if request.method == "GET":
        doc = core.campaigns.get(campaign_id)
        if doc is None:
            raise HttpError(404, f"campaign `{campaign_id}` not found")
        return Response(200, doc)
    _only(request.method, "PATCH")
    try:
        return Response(200, core.edit_campaign(campaign_id, _object(request)))
    except NotFound as exc:
        raise HttpError(404, f"campaign `{campaign_id}` not found") from exc
    except validate.Invalid as exc:
        raise HttpError(400, str(exc)) from exc


def _object(request: Request) -> dict[str, Any]:
    body = request.json()
    if not isinstance(body, dict):
        raise HttpError(400, "body: expected a JSON object")
    return body


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise HttpError(400, f"{name}: expected an integer")
    return value


def _since(request: Request) -> int:
    for key, value in request.query_pairs():
        if key == "since":
            if not value.isdigit():
                raise HttpError(400, "since: expected a non-negative integer")
            return int(value)
    return 0


def _only(method: str, allowed: str) -> None:
    if method != allowed:
        raise method_not_allowed(allowed)


def _fault(change: Any) -> None:
    try:
        change()
    except (FaultError, TypeError) as exc:
        raise HttpError(400, str(exc)) from exc
