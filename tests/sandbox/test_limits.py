"""The sandbox stays bounded: bodies over the documented cap are refused with 413 whatever the
framing claims, and the request log keeps no more than its byte bound, so memory stays flat
under a stream of big requests (measured on a sandbox process of its own)."""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from selang.sandbox.inprocess import Sandbox
from selang.sandbox.requestlog import LOG_BYTES
from selang.sandbox.server import MAX_BODY

HOOKS = "/api/v2/webhooks"


def _exchange(sb: Sandbox, head: bytes, body: bytes = b"", wait: float = 5.0) -> bytes:
    """Send raw bytes on one connection; everything the server answers until it closes."""
    answer = b""
    with socket.create_connection(("127.0.0.1", sb.port), timeout=wait) as conn:
        # the server may answer and close before all is sent: what it answered is the point
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.sendall(head + body)
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_WR)
        with contextlib.suppress(ConnectionResetError):
            while chunk := conn.recv(65536):
                answer += chunk
    return answer


def _statuses(answer: bytes) -> list[int]:
    return [int(s) for s in re.findall(rb"HTTP/1\.[01] (\d{3}) ", answer)]


def test_body_up_to_the_cap_is_read_and_one_byte_more_is_413(sb: Sandbox) -> None:
    """A body of exactly MAX_BODY bytes is served (here: refused for want of a token, 401);
    one byte more is 413 with the cap in the message, and the connection is closed."""
    url = sb.url + HOOKS
    at_cap = requests.post(url, data=b" " * MAX_BODY, timeout=10)
    over = requests.post(url, data=b" " * (MAX_BODY + 1), timeout=10)
    assert at_cap.status_code == 401
    assert over.status_code == 413 and str(MAX_BODY) in over.json()["message"]
    assert over.headers["Connection"] == "close"


def test_declared_length_over_the_cap_is_refused_before_reading(sb: Sandbox) -> None:
    """A Content-Length over the cap is answered 413 at once, without waiting for the body
    (none is sent here) or keeping any of it."""
    head = f"POST {HOOKS} HTTP/1.1\r\nHost: x\r\nContent-Length: {10**12}\r\n\r\n".encode()
    started = time.monotonic()
    assert _statuses(_exchange(sb, head)) == [413]
    assert time.monotonic() - started < 2
    assert sb.requests() == []  # refused before it became a request


def test_lying_content_length_keeps_only_the_declared_bytes(sb: Sandbox) -> None:
    """A Content-Length of 2 followed by 4 MiB: the request has a 2-byte body; the rest is not
    a request (no method, too long a line) and ends the connection, so no more than the
    declared bytes reach the log."""
    head = f"POST {HOOKS} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n".encode()
    answer = _exchange(sb, head, b"{}" + b"x" * (4 * 1024 * 1024))
    first, *rest = _statuses(answer)
    assert first == 401 and rest and all(400 <= s < 500 for s in rest)
    assert [r.body for r in sb.requests()] == ["{}"]


@pytest.mark.parametrize(
    "framing",
    [b"Transfer-Encoding: chunked\r\n", b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"],
    ids=["chunked", "chunked-and-length"],
)
def test_chunked_bodies_are_not_accepted(sb: Sandbox, framing: bytes) -> None:
    """Chunked bodies (with or without a Content-Length beside them) get 411 and are never read,
    so no framing slips a body past the cap."""
    head = b"POST " + HOOKS.encode() + b" HTTP/1.1\r\nHost: x\r\n" + framing + b"\r\n"
    big_chunk = f"{MAX_BODY // 4:x}\r\n".encode() + b"x" * (MAX_BODY // 4) + b"\r\n0\r\n\r\n"
    assert _statuses(_exchange(sb, head, big_chunk))[0] == 411
    assert sb.requests() == []


def test_request_log_stays_under_its_byte_bound(sb: Sandbox) -> None:
    """After 50 requests of 1 MiB each (50 MiB, more than the bound) the log keeps the newest
    requests whole and its bodies and headers add up to no more than LOG_BYTES."""
    body = b'"' + b"x" * (MAX_BODY - 2) + b'"'
    with requests.Session() as session:
        for _ in range(50):
            assert session.post(sb.url + HOOKS, data=body, timeout=10).status_code == 401
    logged = sb.requests()
    assert 50 * len(body) > LOG_BYTES
    kept = sum(len(r.body) + sum(len(k) + len(v) for k, v in r.headers) for r in logged)
    assert kept <= LOG_BYTES
    newest = logged[-1]
    assert newest.seq == 50 and newest.body == body.decode() and newest.json == body[1:-1].decode()
    assert len(logged) < 50


@pytest.fixture
def own_process(tmp_path: Path) -> Iterator[tuple[int, str]]:
    """A sandbox in a process of its own: its pid and URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "selang", "sandbox", "--port", "0", "--state-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        found = re.search(r"http://127\.0\.0\.1:\d+", proc.stdout.readline())
        assert found is not None
        yield proc.pid, found[0]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert found is not None
    return int(found[1]) / 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_memory_stays_flat_under_big_requests(own_process: tuple[int, str]) -> None:
    """50 requests of 1 MiB JSON (250,000 decimals each, the costliest to keep parsed) grow
    the sandbox's resident memory by less than the log's bound plus 32 MiB; before the bound,
    the log kept each one parsed, about 30 MiB apiece. (Sent without a token, so the API
    refuses them unread and what stays is what the log keeps.)"""
    pid, url = own_process
    body = b"[" + b",".join([b"0.5"] * (MAX_BODY // 4 - 1)) + b"]"
    headers = {"Content-Type": "application/json"}
    with requests.Session() as session:
        assert session.post(url + HOOKS, data=body, headers=headers, timeout=30).status_code == 401
        before = _rss_mib(pid)  # after a first request: the server's own start-up is done
        for _ in range(50):
            assert (
                session.post(url + HOOKS, data=body, headers=headers, timeout=30).status_code == 401
            )
        grown = _rss_mib(pid) - before
    print(f"sandbox RSS grew {grown:.1f} MiB over 50 x 1 MiB requests (from {before:.1f} MiB)")
    assert grown < LOG_BYTES / 2**20 + 32
