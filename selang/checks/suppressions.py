"""`# selang: ignore[SEL016]` comments: which diagnostics they silence, which do nothing.

A suppression covers its own line; written alone on a line, it also covers the line below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from selang.core.diagnostics import Diagnostic, Span
from selang.syntax.parser import Comment

_PATTERN = re.compile(r"selang:\s*ignore\[([^\]]*)\]")
_CODE = re.compile(r"[A-Z]+[0-9]+")


@attrs.frozen
class Suppression:
    """One code named in one suppression comment; `span` covers the code inside the comment."""

    code: str
    span: Span
    lines: tuple[int, ...]


def parse(path: str, comments: Iterable[Comment], text: str | None) -> list[Suppression]:
    """The suppressions among a file's comments; `text` tells standalone comments apart."""
    lines = text.split("\n") if text is not None else []
    out: list[Suppression] = []
    for comment in comments:
        match = _PATTERN.search(comment.text)
        if match is None:
            continue
        before = lines[comment.line - 1][: comment.column - 1] if comment.line <= len(lines) else ""
        covers = (comment.line, comment.line + 1) if not before.strip() else (comment.line,)
        offset = comment.column - 1 + match.start(1)
        for code in _CODE.finditer(match.group(1)):
            start = offset + code.start() + 1
            span = Span(path, comment.line, start, comment.line, start + len(code.group()))
            out.append(Suppression(code.group(), span, covers))
    return out


def covering(diagnostic: Diagnostic, suppressions: Iterable[Suppression]) -> Suppression | None:
    """The suppression that silences `diagnostic`, if any (same file, code and line)."""
    for item in suppressions:
        if item.code == diagnostic.code and diagnostic.span.line in item.lines:
            return item
    return None
