"""`--format concise`: one line per diagnostic, `path:line:col: CODE [severity] message`."""

from __future__ import annotations

from collections.abc import Sequence

from selang.core.diagnostics import Diagnostic
from selang.core.escape import printable
from selang.report import PLAIN, Context, paint


def render_one(d: Diagnostic, context: Context = PLAIN) -> str:
    path = printable(d.span.path)
    # A line starting `::` is a workflow command to a CI runner; `./` keeps the path the same.
    if path.startswith("::"):
        path = "./" + path
    where = f"{path}:{d.span.line}:{d.span.column}"
    code, severity = (paint(t, d.severity, context) for t in (d.code, d.severity.value))
    return f"{where}: {code} [{severity}] {printable(d.message)}\n"


def render(diagnostics: Sequence[Diagnostic], context: Context = PLAIN) -> str:
    return "".join(render_one(d, context) for d in diagnostics)
