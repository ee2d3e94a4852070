"""Purpose-built servers for the remote tests: a CXone-compatible fake with scripted faults and a
CRM webhook receiver, both real HTTP servers on 127.0.0.1.

They cover faults the sandbox may not offer (dropping a connection after applying a PATCH, a 401
for every token, answers that stall past the read timeout).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

import attrs


@attrs.define
class Fault:
    method: str
    path: str  # substring of the request path
    status: int | None = None
    headers: dict[str, str] = attrs.Factory(dict)
    body: Any = None
    action: str | None = None  # "drop", "drop_after", "delay"
    delay: float = 0.0
    times: int = 1
    before: Callable[[], None] | None = None  # runs before the request is handled


@attrs.frozen
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int | None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and left is part of the script, not a server bug


class FakeCxone:
    """Campaigns, tokens and webhooks as CONTRACT §5 describes them, plus a fault script."""

    def __init__(
        self,
        client_id: str = "client-1",
        client_secret: str = "s3cret",
        token_ttl: int = 3600,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        self.campaigns: dict[str, dict[str, Any]] = {}
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, float] = {}
        self.faults: list[Fault] = []
        self.log: list[Seen] = []
        self.lock = threading.RLock()
        self.applied_patches = 0
        self.reject_all_tokens = False
        self._httpd = _Server(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> FakeCxone:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # scripting

    def add_campaign(
        self, cid: str, selection: dict[str, Any] | None = None, **fields: Any
    ) -> None:
        with self.lock:
            self.campaigns[cid] = {
                "id": cid,
                "name": fields.pop("name", f"campaign {cid}"),
                "version": fields.pop("version", 1),
                **fields,
                "contactSelection": selection
                or {
                    "targetListIds": [],
                    "exclusionListIds": [],
                    "filterRules": [],
                    "priorityOrder": [],
                },
            }

    def edit(self, cid: str, **fields: Any) -> None:
        """An out-of-band edit, as another tool or person would make it."""
        with self.lock:
            doc = self.campaigns[cid]
            doc.update(fields)
            doc["version"] += 1

    def fault(self, method: str, path: str = "", **kw: Any) -> Fault:
        f = Fault(method, path, **kw)
        with self.lock:
            self.faults.append(f)
        return f

    def revoke_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()

    def count(self, method: str, path: str = "") -> int:
        return sum(1 for s in self.log if s.method == method and path in s.path)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for f in self.faults:
                if f.times > 0 and f.method == method and f.path in path:
                    f.times -= 1
                    return f
        return None

    # behaviour

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple:
        if path == "/api/v2/oauth/token" and method == "POST":
            return self._token(headers, body)
        auth = headers.get("authorization", "")
        with self.lock:
            token = auth.removeprefix("Bearer ")
            valid = (
                auth.startswith("Bearer ")
                and token in self.tokens
                and self.tokens[token] > time.monotonic()
                and not self.reject_all_tokens
            )
        if not valid:
            return 401, {}, {"message": "invalid or expired token"}
        if path.startswith("/api/v2/outbound/campaigns/"):
            cid = unquote(path.removeprefix("/api/v2/outbound/campaigns/"))
            return self._campaign(method, cid, headers, body)
        if path == "/api/v2/webhooks":
            if method == "GET":
                return 200, {}, list(self.webhooks.values())
            if method == "POST":
                doc = json.loads(body)
                wid = f"wh_{len(self.webhooks) + 1}"
                self.webhooks[wid] = {"id": wid, "url": doc["url"], "events": doc["events"]}
                return 201, {}, self.webhooks[wid]
        if path.startswith("/api/v2/webhooks/") and method == "DELETE":
            wid = path.rsplit("/", 1)[1]
            if self.webhooks.pop(wid, None) is None:
                return 404, {}, {"message": f"webhook {wid} not found"}
            return 204, {}, None
        return 404, {}, {"message": "no such resource"}

    def _token(self, headers: dict[str, str], body: bytes) -> tuple:
        form = parse_qs(body.decode("ascii"), strict_parsing=True, keep_blank_values=True)
        cid = form.get("client_id", [None])[0]
        secret = form.get("client_secret", [None])[0]
        basic = headers.get("authorization", "")
        if basic.startswith("Basic "):
            cid, _, secret = base64.b64decode(basic[6:]).decode("utf-8").partition(":")
        if form.get("grant_type") != ["client_credentials"]:
            return 400, {}, {"message": "unsupported grant_type"}
        if cid != self.client_id or secret != self.client_secret:
            return 401, {}, {"error": "invalid_client"}
        token = secrets.token_urlsafe(16)
        with self.lock:
            self.tokens[token] = time.monotonic() + self.token_ttl
        return (
            200,
            {},
            {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl},
        )

    def _campaign(self, method: str, cid: str, headers: dict[str, str], body: bytes) -> tuple:
        with self.lock:
            doc = self.campaigns.get(cid)
            if doc is None:
                return 404, {}, {"message": f"campaign {cid} not found"}
            if method == "GET":
                return 200, {}, doc
            if method != "PATCH":
                return 405, {}, {"message": "method not allowed"}
            want = headers.get("if-match", "")
            new = json.loads(body, parse_float=Decimal)
            if want != f"version={doc['version']}" or new.get("version") != doc["version"]:
                return 409, {}, {"message": "version mismatch"}
            if not isinstance(new.get("contactSelection"), dict):
                return 400, {}, {"message": "contactSelection must be an object"}
            new["version"] = doc["version"] + 1
            self.campaigns[cid] = new
            self.applied_patches += 1
            return 200, {}, new


def _handler(server: FakeCxone) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            path = self.path
            fault = server._take_fault(self.command, path)
            status: int | None = None
            if fault and fault.before:
                fault.before()
            if fault and fault.action == "drop":
                server.log.append(Seen(self.command, path, headers, body, None))
                self.close_connection = True
                return
            if fault and fault.action == "delay":
                time.sleep(fault.delay)
            if fault and fault.status is not None:
                status, extra, payload = fault.status, fault.headers, fault.body
            else:
                status, extra, payload = server.handle(self.command, path, headers, body)
            server.log.append(Seen(self.command, path, headers, body, status))
            if fault and fault.action == "drop_after":
                self.close_connection = True  # applied, but the answer never leaves
                return
            data = b"" if payload is None else _dumps(payload).encode("utf-8")
            self.send_response(status)
            for k, v in extra.items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = _serve

    return Handler


def _dumps(value: Any) -> str:
    from selang.core import jsonio

    return jsonio.dumps(value)


class FakeCrm:
    """A CRM webhook receiver that can be taken down and brought back."""

    def __init__(self) -> None:
        self.received: list[Seen] = []
        self.down = False
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = 503 if outer.down else 204
                headers = {k.lower(): v for k, v in self.headers.items()}
                outer.received.append(Seen("POST", self.path, headers, body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/hooks/selang"

    @property
    def delivered(self) -> list[Seen]:
        return [s for s in self.received if s.status == 204]

    def __enter__(self) -> FakeCrm:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
