"""`--format text`: compiler-style diagnostics with the source line and a caret underline."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from selang.core.diagnostics import Diagnostic, Span
from selang.core.escape import printable, printable_columns
from selang.report import PLAIN, Context, paint


def _lines(path: str, context: Context) -> tuple[str, ...]:
    if path in context.texts:
        return tuple(context.texts[path].split("\n"))
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
"""The files an excerpt is shown from: selang's own inputs (and standard input, whatever its
name), never another file a path named."""


def _excerpt(span: Span, gutter: int, context: Context) -> list[str]:
    if not span.path.endswith(SOURCES) and span.path not in context.texts:
        return []
    lines = _lines(span.path, context)
    if not 1 <= span.line <= len(lines):
        return []
    line = lines[span.line - 1]
    end = span.end_column if span.end_line == span.line else len(line) + 1
    first = min(span.column - 1, len(line))
    last = min(max(end - 1, first), len(line))
    # Escaping only lengthens text, so WIDTH characters either side of the span's start are
    # all a window can show: a line of megabytes is never escaped whole.
    lo, hi = max(0, first - WIDTH), min(len(line), first + WIDTH + 1)
    cut_left, cut_right = lo > 0, hi < len(line)
    # A control or bidirectional character in the line is shown escaped; the carets follow.
    source, column = printable_columns(line[lo:hi].replace("\t", " "))
    start = column[first - lo]
    width = max(1, min(column[min(last, hi) - lo] - start, WIDTH))
    if cut_left or cut_right or len(source) > WIDTH:
        # Show a window of the line around the span, marking what was cut with `...`.
        left = max(0, min(start - 20, len(source) - WIDTH))
        right = left + WIDTH
        shown = source[left:right]
        prefix = "..." if left or cut_left else ""
        suffix = "..." if right < len(source) or cut_right else ""
        source = prefix + shown + suffix
        start = start - left + len(prefix)
        width = max(1, min(width, len(prefix) + WIDTH - start))
    pad = " " * gutter
    return [
        f"{pad} |",
        f"{str(span.line).rjust(gutter)} | {source}",
        f"{pad} | {' ' * start}{'^' * width}",
    ]


def render_one(d: Diagnostic, context: Context = PLAIN) -> str:
    gutter = len(str(max([d.span.line, *(r.span.line for r in d.related)])))
    pad = " " * gutter
    head = paint(f"{d.severity.value}[{d.code}]", d.severity, context)
    out = [f"{head}: {printable(d.message)}"]
    out.append(f"{pad}--> {printable(d.span.path)}:{d.span.line}:{d.span.column}")
    out.extend(_excerpt(d.span, gutter, context))
    for rel in d.related:
        where = f"{printable(rel.span.path)}:{rel.span.line}:{rel.span.column}"
        out.append(f"{pad} = note: {printable(rel.message)}: {where}")
    if d.help:
        out.append(f"{pad} = help: {printable(d.help)}")
    return "\n".join(out) + "\n"


def render(diagnostics: Sequence[Diagnostic], context: Context = PLAIN) -> str:
    return "\n".join(render_one(d, context) for d in diagnostics)


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    counts: dict[str, int] = {}
    for d in diagnostics:
        counts[d.severity.value] = counts.get(d.severity.value, 0) + 1
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    if not counts:
        return f"all checks passed ({checked})\n"
    parts = [f"{n} {sev}{'s' if n != 1 else ''}" for sev, n in counts.items()]
    return f"found {', '.join(parts)} ({checked})\n"
