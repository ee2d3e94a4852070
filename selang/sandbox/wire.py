"""The HTTP request and answer as the route functions see them, and the errors they raise."""

from __future__ import annotations

from email.message import Message
from typing import Any
from urllib.parse import parse_qsl

import attrs

from selang.core import jsonio


@attrs.frozen
class Request:
    method: str
    path: str
    query: str
    headers: Message = attrs.field(eq=False)
    body: bytes
    client_host: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def content_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def query_pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    def json(self) -> Any:
        """The body as JSON; HttpError 415/400 when it is not."""
        if self.content_type() != "application/json":
            raise HttpError(415, "Content-Type must be application/json")
        if not self.body.strip():
            raise HttpError(400, "body: expected a JSON document, got nothing")
        try:
            return jsonio.loads(self.body)
        except jsonio.JsonError as exc:
            raise HttpError(400, f"body: {exc}") from exc


@attrs.frozen
class Response:
    status: int
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()
    drop: bool = False  # close the connection without answering (the write already happened)
    fault: str | None = None


class HttpError(Exception):
    """Answered as `{"message": ...}` (plus `extra` keys) with the given status and headers."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: tuple[tuple[str, str], ...] = (),
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers
        self.extra = extra or {}

    def response(self) -> Response:
        return Response(self.status, {"message": self.message, **self.extra}, self.headers)


def method_not_allowed(allowed: str) -> HttpError:
    return HttpError(405, f"method not allowed; use {allowed}", (("Allow", allowed),))
