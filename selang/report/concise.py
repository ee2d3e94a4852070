"""`--format concise`: one line per diagnostic, `path:line:col: CODE [severity] message`."""

from __future__ import annotations

from collections.abc import Sequence

from selang.core.diagnostics import Diagnostic


def render(diagnostics: Sequence[Diagnostic]) -> str:
    return "".join(
        f"{d.span.path}:{d.span.line}:{d.span.column}: {d.code} [{d.severity.value}] {d.message}\n"
        for d in diagnostics
    )
