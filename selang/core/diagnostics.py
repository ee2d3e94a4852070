"""Spans and diagnostics: the one currency every phase pays its findings in."""

from __future__ import annotations

import enum
from typing import Any, NamedTuple

import attrs


class Span(NamedTuple):
    """A 1-based region of a file; the end column is exclusive.

    A named tuple rather than an attrs class: the parser makes one for every node and token,
    and a tuple is several times cheaper to build.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, path: str, line: int = 1, column: int = 1) -> Span:
        return cls(path, line, column, line, column + 1)

    def cover(self, other: Span) -> Span:
        """The smallest span holding both (same file)."""
        start = min((self.line, self.column), (other.line, other.column))
        end = max((self.end_line, self.end_column), (other.end_line, other.end_column))
        return Span(self.path, start[0], start[1], end[0], end[1])


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@attrs.frozen
class Related:
    """A secondary location that explains a diagnostic (the other half of an overlap)."""

    span: Span
    message: str


@attrs.frozen
class Diagnostic:
    code: str
    severity: Severity
    message: str
    span: Span
    help: str | None = None
    related: tuple[Related, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.path, self.span.line, self.span.column, self.code)

    def to_json(self) -> dict[str, object]:
        """The §3 object: fixed keys, `help` only when there is some."""
        out: dict[str, object] = {
            "path": self.span.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }
        if self.help:
            out["help"] = self.help
        if self.related:
            out["related"] = [
                {
                    "path": r.span.path,
                    "line": r.span.line,
                    "column": r.span.column,
                    "end_line": r.span.end_line,
                    "end_column": r.span.end_column,
                    "message": r.message,
                }
                for r in self.related
            ]
        return out

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Diagnostic:
        """The inverse of `to_json` (used to replay cached results)."""

        def span(o: dict[str, Any]) -> Span:
            return Span(o["path"], o["line"], o["column"], o["end_line"], o["end_column"])

        related = tuple(Related(span(r), r["message"]) for r in obj.get("related", ()))
        return cls(
            obj["code"],
            Severity(obj["severity"]),
            obj["message"],
            span(obj),
            obj.get("help"),
            related,
        )


def error(code: str, message: str, span: Span, help: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, span, help)


def has_errors(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> bool:
    return any(d.is_error for d in diagnostics)
