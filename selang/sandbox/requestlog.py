"""A bounded log of the API requests clients sent, with credentials redacted, for tests.

Bounded twice: by count (`request_log_size`) and by the bytes its entries hold (`LOG_BYTES`),
oldest dropped first. An entry keeps the body's bytes only; its text and parsed JSON are made
when asked for, since the parsed form of a JSON body can take thirty times its size.
"""

from __future__ import annotations

import collections
import datetime as dt
import re
import threading
from typing import Any

import attrs

from selang.core import jsonio

# The most the log's entries hold, counting their bodies, headers, paths and queries: 32 request
# bodies of the largest size the server reads (`server.MAX_BODY`, 1 MiB).
LOG_BYTES = 32 * 1024 * 1024

_SECRET_FIELD = re.compile(rb"(?<![^&])(client_secret=)[^&]*")


@attrs.frozen
class LoggedRequest:
    """One request as received. `auth_scheme` says an Authorization header came, and which kind;
    its value in `headers` is redacted."""

    seq: int
    at: str
    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    data: bytes = attrs.field(repr=False)  # the body as received, credentials redacted
    status: int | None
    dropped: bool
    fault: str | None
    auth_scheme: str | None
    json_body: bool = True  # false for a form body, which is never read as JSON

    @property
    def body(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    @property
    def json(self) -> Any:
        """The parsed body, when it is JSON; None otherwise (parsed anew on each call)."""
        if not self.json_body or not self.data:
            return None
        try:
            return jsonio.loads(self.data)
        except ValueError:
            return None

    @property
    def size(self) -> int:
        """What this entry counts against the log's byte bound."""
        held = len(self.data) + len(self.method) + len(self.path) + len(self.query)
        return held + sum(len(name) + len(value) for name, value in self.headers)

    def header(self, name: str) -> str | None:
        """The header's value, matched without regard to case; None when it was not sent."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": dict(self.headers),
            "auth_scheme": self.auth_scheme,
            "body": self.body,
            "json": self.json,
            "status": self.status,
            "dropped": self.dropped,
            "fault": self.fault,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LoggedRequest:
        return cls(
            seq=data["seq"],
            at=data["at"],
            method=data["method"],
            path=data["path"],
            query=data["query"],
            headers=tuple(data["headers"].items()),
            data=data["body"].encode("utf-8"),
            status=data["status"],
            dropped=data["dropped"],
            fault=data["fault"],
            auth_scheme=data["auth_scheme"],
            json_body=data["json"] is not None,
        )


def redact_headers(
    headers: list[tuple[str, str]],
) -> tuple[tuple[tuple[str, str], ...], str | None]:
    scheme = None
    out = []
    for name, value in headers:
        if name.lower() == "authorization":
            scheme = value.strip().partition(" ")[0] or "?"
            value = f"{scheme} [redacted]"
        out.append((name, value))
    return tuple(out), scheme


def redact_body(body: bytes, content_type: str) -> tuple[bytes, bool]:
    """The body to log, and whether it may be read as JSON (a form body may not)."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _SECRET_FIELD.sub(rb"\1[redacted]", body), False
    return body, True


class RequestLog:
    """The newest requests: at most `size` of them, holding at most `max_bytes` (see
    `LoggedRequest.size`)."""

    def __init__(self, size: int, max_bytes: int = LOG_BYTES) -> None:
        self._lock = threading.Lock()
        self._entries: collections.deque[LoggedRequest] = collections.deque()
        self._size, self._max_bytes = size, max_bytes
        self._bytes = 0
        self._seq = 0

    def add(self, **fields: Any) -> LoggedRequest:
        with self._lock:
            self._seq += 1
            at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            entry = LoggedRequest(seq=self._seq, at=at, **fields)
            self._entries.append(entry)
            self._bytes += entry.size
            while self._entries and (
                len(self._entries) > self._size or self._bytes > self._max_bytes
            ):
                self._bytes -= self._entries.popleft().size
            return entry

    @property
    def bytes(self) -> int:
        """What the entries hold now, as counted against the bound."""
        with self._lock:
            return self._bytes

    def entries(self, since: int = 0) -> list[LoggedRequest]:
        with self._lock:
            return [e for e in self._entries if e.seq > since]

    def clear(self) -> None:
        # Sequence numbers keep counting so `since` stays meaningful across a clear.
        with self._lock:
            self._entries.clear()
            self._bytes = 0
