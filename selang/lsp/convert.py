"""Our spans (1-based lines, code-point columns, end exclusive) ↔ LSP positions (0-based,
UTF-16 code units), and diagnostics in LSP's shape."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from pathlib import Path

from lsprotocol import types

from selang.core.diagnostics import Diagnostic, Severity, Span
from selang.syntax import ast

# Where a code's `codeDescription` points: docs/rules.md of a source checkout, else the
# package's page (the wheel carries no docs).
_CHECKOUT_RULES = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
PACKAGE_PAGE = "https://pypi.org/project/selang-cxone/"


@functools.cache
def rules_link(code: str) -> str:
    """The documentation of `code`: its heading's anchor in docs/rules.md."""
    if not _CHECKOUT_RULES.is_file():
        return PACKAGE_PAGE
    from selang.checks.registry import registry

    entry = registry().get(code)
    anchor = f"{code}-{entry.policy.name}".lower() if entry is not None else code.lower()
    return f"{_CHECKOUT_RULES.as_uri()}#{anchor}"


_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


class Lines:
    """A document's lines, for turning columns into UTF-16 offsets and back."""

    def __init__(self, text: str) -> None:
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def line(self, number: int) -> str:
        """Line `number` (1-based), "" beyond the end."""
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def position(self, line: int, column: int) -> types.Position:
        """A 1-based line and code-point column as an LSP position."""
        line = max(line, 1)
        text = self.line(line)
        prefix = text[: max(column - 1, 0)]
        units = len(prefix.encode("utf-16-le")) // 2 + max(column - 1 - len(text), 0)
        return types.Position(line=line - 1, character=units)

    def range(self, span: Span) -> types.Range:
        start = self.position(span.line, span.column)
        end = self.position(span.end_line, span.end_column)
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return types.Range(start=start, end=end)

    def column(self, position: types.Position) -> tuple[int, int]:
        """An LSP position as a 1-based line and code-point column (clamped to the line)."""
        line = position.line + 1
        text = self.line(line)
        units = 0
        for index, char in enumerate(text):
            if units >= position.character:
                return line, index + 1
            units += 2 if ord(char) > 0xFFFF else 1
        return line, len(text) + 1

    def offset(self, position: types.Position) -> int:
        """The index into the `\\n`-joined text of an LSP position."""
        line, column = self.column(position)
        line = min(line, len(self.lines))
        return sum(len(t) + 1 for t in self.lines[: line - 1]) + column - 1

    def whole(self) -> types.Range:
        last = len(self.lines)
        return types.Range(
            start=types.Position(line=0, character=0),
            end=self.position(last, len(self.line(last)) + 1),
        )


def contains(span: Span, line: int, column: int) -> bool:
    """Whether the 1-based point is inside `span` (its end counts, for a cursor after a word)."""
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)


def to_lsp(d: Diagnostic, lines: Lines, path: str, module: ast.Module | None) -> types.Diagnostic:
    """One diagnostic of a check of `path`; one found in an imported file is shown at its import."""
    message = d.message
    span = d.span
    if not _same(span.path, path):
        span = _import_leading_to(span.path, path, module) or Span.point(path)
        message = f"in `{_relative(d.span.path, path)}` line {d.span.line}: {d.message}"
    if d.help:
        message = f"{message}\nhelp: {d.help}"
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(
                uri=_uri(r.span.path), range=_range_elsewhere(r.span, lines, path)
            ),
            message=r.message,
        )
        for r in d.related
    ]
    code_url = rules_link(d.code)
    return types.Diagnostic(
        range=lines.range(span),
        message=message,
        severity=_SEVERITY[d.severity],
        code=d.code,
        code_description=types.CodeDescription(href=code_url),
        source="selang",
        related_information=related or None,
        data={"code": d.code, "line": d.span.line, "column": d.span.column}
        if _same(d.span.path, path)
        else None,
    )


def to_lsp_all(
    found: Iterable[Diagnostic], text: str, path: str, module: ast.Module | None
) -> list[types.Diagnostic]:
    lines = Lines(text)
    return [to_lsp(d, lines, path, module) for d in found]


def _range_elsewhere(span: Span, lines: Lines, path: str) -> types.Range:
    """A span in this document uses its text for UTF-16; one in another file is read from disk."""
    if _same(span.path, path):
        return lines.range(span)
    from selang.syntax.source import read_source

    text, _ = read_source(span.path)
    return Lines(text or "").range(span)


def _import_leading_to(target: str, path: str, module: ast.Module | None) -> Span | None:
    if module is None:
        return None
    imports = [d for d in module.decls if isinstance(d, ast.ImportDecl)]
    for decl in imports:
        if "\0" not in decl.path and _same(os.path.join(os.path.dirname(path), decl.path), target):
            return decl.span
    return imports[0].span if imports else None


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    if "\0" in a or "\0" in b or a.startswith("<") or b.startswith("<"):
        return False
    return os.path.realpath(a) == os.path.realpath(b)


def _relative(target: str, path: str) -> str:
    if target.startswith("<"):
        return target
    return os.path.relpath(target, os.path.dirname(os.path.abspath(path)))


def _uri(path: str) -> str:
    from selang.lsp.workspace import path_to_uri

    return path if path.startswith("<") else path_to_uri(path)
