"""Hostile HTTP peers on 127.0.0.1 for the time-bound tests: each misbehaves in one way, and
every loop in them is bounded so a test that fails cannot leave one running for long."""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from collections.abc import Callable

TOKEN = json.dumps({"access_token": "t", "token_type": "Bearer", "expires_in": 3600}).encode()
MAX_SECONDS = 20.0  # no hostile answer lasts longer than this


def read_request(conn: socket.socket) -> bytes:
    """The request line, headers and any body (by Content-Length); b"" if the peer left."""
    data = b""
    conn.settimeout(MAX_SECONDS)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head


def answer(conn: socket.socket, body: bytes, status: str = "200 OK") -> None:
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
    head += f"Content-Length: {len(body)}\r\n\r\n"
    conn.sendall(head.encode() + body)


def trickle(conn: socket.socket, every: float = 0.05) -> None:
    """Headers promising a large body, then one byte every `every` seconds."""
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
    )
    ends = time.monotonic() + MAX_SECONDS
    while time.monotonic() < ends:
        try:
            conn.sendall(b" ")
        except OSError:
            return
        time.sleep(every)


def silence(conn: socket.socket) -> None:
    """Keep the connection open and say nothing, until the peer leaves or time is up."""
    conn.settimeout(0.1)
    ends = time.monotonic() + MAX_SECONDS
    while time.monotonic() < ends:
        try:
            if conn.recv(1) == b"":
                return
        except TimeoutError:
            continue
        except OSError:
            return


class Hostile(socketserver.ThreadingTCPServer):
    """`behave(head, conn)` answers each request; `heads` keeps every request line seen."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, behave: Callable[[bytes, socket.socket], None]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behave = behave
        self.heads: list[bytes] = []
        self.first_at: float | None = None  # time.monotonic() of the first request
        self._lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def seen(self, head: bytes) -> None:
        with self._lock:
            self.heads.append(head.split(b"\r\n", 1)[0])
            if self.first_at is None:
                self.first_at = time.monotonic()

    def since_first(self) -> float:
        """Seconds from the first request to now: what the run spent on the network, without
        the start-up of the command (slow on a loaded machine)."""
        assert self.first_at is not None
        return time.monotonic() - self.first_at

    def __enter__(self) -> Hostile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


class _Handler(socketserver.BaseRequestHandler):
    server: Hostile

    def handle(self) -> None:
        while True:
            try:
                head = read_request(self.request)
            except OSError:
                return
            if not head:
                return
            self.server.seen(head)
            self.server.behave(head, self.request)
