"""One input file → a checked selection: `.sel` through resolution, `.json` through the reader.

This is the library entry for `check`, `compile` and `apply`; it never prints or exits.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs

from selang.diagnostics import Diagnostic, Span, error, has_errors
from selang.model import Selection
from selang.parser import ParseResult


@attrs.frozen
class LoadResult:
    path: str
    selection: Selection | None
    diagnostics: tuple[Diagnostic, ...]
    # True when the input could not be read at all (missing, a folder, permissions): exit 2.
    unreadable: bool = False

    @property
    def ok(self) -> bool:
        return not self.unreadable and not has_errors(self.diagnostics)


def load_selection(path: str, shared: dict[str, ParseResult | None] | None = None) -> LoadResult:
    """Read, resolve and check one `.sel` or `.json` file."""
    if not os.path.isfile(path):
        why = "is not a regular file" if os.path.exists(path) else "no such file"
        if os.path.isdir(path):
            empty = list(expand_paths([path])) == [path]
            why = "folder holds no `.sel` files" if empty else "is a folder"
        return LoadResult(path, None, (error("SEL002", why, Span.point(path)),), unreadable=True)
    if not os.access(path, os.R_OK):
        problem = error("SEL002", "permission denied", Span.point(path))
        return LoadResult(path, None, (problem,), unreadable=True)
    if path.endswith(".json"):
        from selang.source import read_source
        from selang.targets.cxone import read_text

        text, problem = read_source(path)
        if text is None:
            assert problem is not None
            return LoadResult(path, None, (problem,))
        selection, diagnostics = read_text(text, path)
    else:
        from selang.resolve import resolve

        program = resolve(path, shared=shared)
        selection, diagnostics = program.selection, list(program.diagnostics)
    return LoadResult(path, selection, tuple(diagnostics))


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Files as given, and every `*.sel` under a folder (sorted, hidden folders skipped)."""
    for path in paths:
        if os.path.isdir(path):
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(os.path.join(root, f) for f in files if f.endswith(".sel"))
            # A folder with nothing to check is passed on, so that it is reported, not skipped.
            yield from sorted(found, key=lambda p: Path(p).parts) if found else [path]
        else:
            yield path
