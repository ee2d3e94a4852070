"""`--format json`: one JSON array of CONTRACT §3 diagnostic objects."""

from __future__ import annotations

from collections.abc import Sequence

from selang.core import jsonio
from selang.core.diagnostics import Diagnostic
from selang.report import PLAIN, Context


def render(diagnostics: Sequence[Diagnostic], context: Context = PLAIN) -> str:
    return jsonio.dumps([d.to_json() for d in diagnostics], indent=2) + "\n"
