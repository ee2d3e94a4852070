"""A bounded log of the API requests clients sent, with credentials redacted, for tests."""

from __future__ import annotations

import collections
import datetime as dt
import re
import threading
from typing import Any

import attrs

from selang.core import jsonio

_SECRET_FIELD = re.compile(r"(?<![^&])(client_secret=)[^&]*")


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
    body: str
    json: Any
    status: int | None
    dropped: bool
    fault: str | None
    auth_scheme: str | None

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
            body=data["body"],
            json=data["json"],
            status=data["status"],
            dropped=data["dropped"],
            fault=data["fault"],
            auth_scheme=data["auth_scheme"],
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


def redact_body(body: bytes, content_type: str) -> tuple[str, Any]:
    text = body.decode("utf-8", errors="replace")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _SECRET_FIELD.sub(r"\1[redacted]", text), None
    try:
        parsed = jsonio.loads(body) if body else None
    except ValueError:
        parsed = None
    return text, parsed


class RequestLog:
    def __init__(self, size: int) -> None:
        self._lock = threading.Lock()
        self._entries: collections.deque[LoggedRequest] = collections.deque(maxlen=size)
        self._seq = 0

    def add(self, **fields: Any) -> LoggedRequest:
        with self._lock:
            self._seq += 1
            at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            entry = LoggedRequest(seq=self._seq, at=at, **fields)
            self._entries.append(entry)
            return entry

    def entries(self, since: int = 0) -> list[LoggedRequest]:
        with self._lock:
            return [e for e in self._entries if e.seq > since]

    def clear(self) -> None:
        # Sequence numbers keep counting so `since` stays meaningful across a clear.
        with self._lock:
            self._entries.clear()
