"""`--format github`: GitHub Actions workflow commands, one annotation per diagnostic."""

from __future__ import annotations

from collections.abc import Sequence

from selang.core.diagnostics import Diagnostic, Severity
from selang.report import PLAIN, Context, relative_path

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_one(d: Diagnostic) -> str:
    span = d.span
    props = {
        "file": relative_path(span.path),
        "line": span.line,
        "col": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
        "title": d.code,
    }
    joined = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
    message = d.message + (f"\nhelp: {d.help}" if d.help else "")
    return f"::{_COMMAND[d.severity]} {joined}::{escape_data(message)}\n"


def render(diagnostics: Sequence[Diagnostic], context: Context = PLAIN) -> str:
    return "".join(render_one(d) for d in diagnostics)
