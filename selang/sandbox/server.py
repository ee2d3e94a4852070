"""The HTTP server: stdlib `ThreadingHTTPServer`, JSON everywhere, faults and the request log
applied around the API routes (`api`) and the admin routes (`admin`)."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import attrs

from selang.core import jsonio
from selang.sandbox import admin, api
from selang.sandbox.core import SandboxCore
from selang.sandbox.requestlog import redact_body, redact_headers
from selang.sandbox.wire import HttpError, Request, Response

MAX_BODY = 1024 * 1024


def dispatch(core: SandboxCore, request: Request) -> Response:
    """Admin requests skip faults and the log; API requests go through both."""
    if request.path.startswith(admin.PREFIX):
        return _guarded(lambda: admin.route(core, request))
    latency = core.faults.latency()
    if latency:
        time.sleep(latency)
    injected = core.faults.before(request.method, request.path)
    if injected is not None and injected.delay:
        time.sleep(injected.delay)
    if injected is not None and injected.edit is not None:
        response = _guarded(lambda: _edit_first(core, request.path, injected.edit))
        if response.status >= 400:
            injected = None  # the path names no campaign: the request is served untouched
    if injected is None or injected.action in ("slow", "edit"):
        response = _guarded(lambda: api.route(core, request))
        if injected is not None:
            response = attrs.evolve(response, fault=injected.kind)
    elif injected.action == "drop":
        response = Response(injected.status, drop=True, fault=injected.kind)
    else:
        headers = (("Retry-After", injected.retry_after),) if injected.retry_after else ()
        response = Response(
            injected.status, {"message": injected.message}, headers, fault=injected.kind
        )
    _record(core, request, response)
    return response


def _edit_first(core: SandboxCore, path: str, changes: dict[str, object]) -> Response:
    """Another writer's edit of the campaign in `path`, landing just before the request."""
    from selang.sandbox import store, validate

    match = api.CAMPAIGN_PATH.fullmatch(path)
    if match is None:
        raise HttpError(404, "no campaign in the path")
    try:
        core.edit_campaign(unquote(match.group(1)), changes)
    except (store.NotFound, validate.Invalid) as exc:
        raise HttpError(404, str(exc)) from None
    return Response(200)


def _guarded(serve: Any) -> Response:
    try:
        return serve()
    except HttpError as exc:
        return exc.response()


def _record(core: SandboxCore, request: Request, response: Response) -> None:
    headers, scheme = redact_headers(list(request.headers.items()))
    body, json_body = redact_body(request.body, request.content_type())
    core.log.add(
        method=request.method,
        path=request.path,
        query=request.query,
        headers=headers,
        data=body,
        json_body=json_body,
        status=None if response.drop else response.status,
        dropped=response.drop,
        fault=response.fault,
        auth_scheme=scheme,
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "selang-sandbox/0.1"
    server: SandboxHTTPServer
    timeout = 60  # an idle keep-alive connection is closed after this many seconds
    # On a kept-alive connection, Nagle holding back the body until the client's delayed ACK
    # of the headers adds ~40 ms to every answer: buffer the answer (flushed whole by
    # `handle_one_request`) and send it at once.
    wbufsize = -1
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, add=False)

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

    def _serve(self) -> None:
        path, _, query = self.path.partition("?")
        try:
            body = self._read_body()
        except HttpError as exc:
            self.close_connection = True
            self._answer(exc.response())
            return
        request = Request(
            method=self.command,
            path=path,
            query=query,
            headers=self.headers,
            body=body,
            client_host=self.client_address[0],
        )
        try:
            response = dispatch(self.server.core, request)
        except Exception as exc:  # a sandbox bug must still answer in JSON, not hang the client
            print(f"selang sandbox: internal error: {exc!r}", file=sys.stderr)
            response = Response(500, {"message": "internal sandbox error"})
        if response.drop:
            self._drop()
            return
        self._answer(response)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise HttpError(411, "send a Content-Length; chunked bodies are not accepted")
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        if not length.strip().isdigit():
            raise HttpError(400, "Content-Length is not a number")
        size = int(length)
        if size > MAX_BODY:
            raise HttpError(413, f"body larger than {MAX_BODY} bytes")
        return self.rfile.read(size)

    def _answer(self, response: Response) -> None:
        payload = b""
        if response.body is not None and response.status not in (204, 304):
            payload = jsonio.dumps(response.body).encode("utf-8")
        self.send_response(response.status)
        if payload:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in response.headers:
            self.send_header(name, value)
        if response.status != 204:
            self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _drop(self) -> None:
        # The write is done; the client sees the connection die without an answer, like a
        # proxy timing out after the backend committed.
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Malformed request lines and unknown methods get JSON too, never the stock HTML page.
        self.close_connection = True
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "error"
        response = Response(code, {"message": (message or phrase).lower()})
        if code == 501:
            response = Response(405, {"message": "method not allowed"})
        self._answer(response)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.core.options.access_log:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The stock backlog of 5 drops the SYNs of a client opening many connections at once,
    # and each dropped one costs that client a 1 s retransmit.
    request_queue_size = 128

    def __init__(self, core: SandboxCore) -> None:
        host = core.options.host
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.core = core
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.accepted = 0  # connections ever accepted: shows whether clients keep them alive
        super().__init__((host, core.options.port), _Handler)

    def track(self, connection: socket.socket, add: bool) -> None:
        with self._connections_lock:
            if add:
                self._connections.add(connection)
                self.accepted += 1
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        # Idle keep-alive connections would otherwise keep serving after a stop.
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up mid-answer is routine here (and dropped PATCHes are deliberate).
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            return
        print(f"selang sandbox: error serving {client_address}: {exc!r}", file=sys.stderr)

    @property
    def url(self) -> str:
        raw, port = self.server_address[0], self.server_address[1]
        host = raw if isinstance(raw, str) else bytes(raw).decode("ascii")
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"


class Running:
    """A started server plus the thread that serves it; `stop()` is idempotent."""

    def __init__(self, core: SandboxCore, poll_interval: float = 0.02) -> None:
        # `stop()` waits up to one poll interval; tests start and stop a sandbox per test.
        self.core = core
        self.httpd = SandboxHTTPServer(core)
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": poll_interval}, daemon=True
        )
        self._stopped = False

    @property
    def url(self) -> str:
        return self.httpd.url

    def start(self) -> Running:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._thread.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()
        self.httpd.close_connections()
        self.core.close()
