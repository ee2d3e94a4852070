"""`--format text`: compiler-style diagnostics with the source line and a caret underline."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from selang.core.diagnostics import Diagnostic, Span
from selang.core.escape import printable, printable_columns


def _lines(path: str) -> tuple[str, ...]:
    from selang.core.cachedir import stamp

    # Keyed by the file's stamp too, so a long-lived process never shows an edited file's old text.
    return _lines_of(path, tuple(stamp(path) or ()))


@functools.lru_cache(maxsize=64)
def _lines_of(path: str, _stamp: tuple[int, ...]) -> tuple[str, ...]:
    from selang.syntax.source import read_source

    text, _ = read_source(path)
    return tuple(text.split("\n")) if text is not None else ()


WIDTH = 100  # longest source excerpt shown; a longer line is cut around the span
SOURCES = (".sel", ".json")
"""The files an excerpt is shown from: selang's own inputs, never another file a path named."""


def _excerpt(span: Span, gutter: int) -> list[str]:
    if not span.path.endswith(SOURCES):
        return []
    lines = _lines(span.path)
    if not 1 <= span.line <= len(lines):
        return []
    raw = lines[span.line - 1].replace("\t", " ")
    end = span.end_column if span.end_line == span.line else len(raw) + 1
    # A control or bidirectional character in the line is shown escaped; the carets follow.
    source, column = printable_columns(raw)
    first = min(span.column - 1, len(raw))
    start = column[first]
    width = max(1, min(column[min(max(end - 1, first), len(raw))] - start, WIDTH))
    if len(source) > WIDTH:
        # Show a window of the line around the span, marking what was cut with `...`.
        left = max(0, min(start - 20, len(source) - WIDTH))
        right = left + WIDTH
        shown = source[left:right]
        prefix = "..." if left else ""
        suffix = "..." if right < len(source) else ""
        source = prefix + shown + suffix
        start = start - left + len(prefix)
        width = max(1, min(width, len(prefix) + WIDTH - start))
    pad = " " * gutter
    return [
        f"{pad} |",
        f"{str(span.line).rjust(gutter)} | {source}",
        f"{pad} | {' ' * start}{'^' * width}",
    ]


def render_one(d: Diagnostic) -> str:
    gutter = len(str(max([d.span.line, *(r.span.line for r in d.related)])))
    pad = " " * gutter
    out = [f"{d.severity.value}[{d.code}]: {printable(d.message)}"]
    out.append(f"{pad}--> {printable(d.span.path)}:{d.span.line}:{d.span.column}")
    out.extend(_excerpt(d.span, gutter))
    for rel in d.related:
        where = f"{printable(rel.span.path)}:{rel.span.line}:{rel.span.column}"
        out.append(f"{pad} = note: {printable(rel.message)}: {where}")
    if d.help:
        out.append(f"{pad} = help: {printable(d.help)}")
    return "\n".join(out) + "\n"


def render(diagnostics: Sequence[Diagnostic]) -> str:
    return "\n".join(render_one(d) for d in diagnostics)


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    counts: dict[str, int] = {}
    for d in diagnostics:
        counts[d.severity.value] = counts.get(d.severity.value, 0) + 1
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    if not counts:
        return f"all checks passed ({checked})\n"
    parts = [f"{n} {sev}{'s' if n != 1 else ''}" for sev, n in counts.items()]
    return f"found {', '.join(parts)} ({checked})\n"
