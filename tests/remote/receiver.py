"""A CRM webhook receiver for the remote tests: a real HTTP server on 127.0.0.1 that records
what it receives and can be taken down and brought back.

CXone itself is the sandbox (`selang.sandbox`); this is the other end of the CRM delivery,
which is not a CXone API, so it is purpose-built here.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs


@attrs.frozen
class Seen:
    """One request as the receiver saw it."""

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
