"""One input file → a checked selection: `.sel` through resolution, `.json` through the reader,
then the policies of `selang.checks.engine`.

This is the library entry for `check`, `compile` and `apply`; it never prints or exits. An invalid
configuration raises `selang.core.errors.ConfigError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from selang.app.paths import expand_paths
from selang.checks.config import NONE, Overrides
from selang.core.diagnostics import Diagnostic, Span, error, has_errors

__all__ = ["LoadResult", "expand_paths", "load_selection", "load_selections"]

# The parser, resolver and policies are imported where they are used: with `--jobs`, worker
# processes are forked first and import them side by side with this one.
if TYPE_CHECKING:
    from selang.checks.engine import Session
    from selang.semantic.imports import SourceReader
    from selang.semantic.model import Selection
    from selang.syntax.parser import Comment, ParseResult


@attrs.frozen
class LoadResult:
    path: str
    selection: Selection | None
    diagnostics: tuple[Diagnostic, ...]
    # True when the input could not be read at all (missing, a folder, permissions): exit 2.
    unreadable: bool = False
    # Reading errors that configuration ignored or downgraded: what they point at was left out
    # of `selection`, so it must never be sent even though `check` may pass.
    overridden: tuple[Diagnostic, ...] = ()
    # The files the result depends on: the input and all it imports or tried to import.
    files: tuple[str, ...] = attrs.field(default=(), eq=False)

    @property
    def ok(self) -> bool:
        return not self.unreadable and not has_errors(self.diagnostics) and not self.overridden


def load_selection(
    path: str,
    shared: dict[str, ParseResult | None] | None = None,
    given: Mapping[str, bytes] | None = None,
    top: str | None = None,
) -> LoadResult:
    """Read, resolve and check one `.sel` or `.json` file."""
    return load_selections([path], shared, given=given, top=top)[0]


def load_selections(
    paths: Iterable[str],
    shared: dict[str, ParseResult | None] | None = None,
    jobs: int = 1,
    keep_selections: bool = True,
    consulted: set[str] | None = None,
    overrides: Overrides = NONE,
    given: Mapping[str, bytes] | None = None,
    top: str | None = None,
) -> list[LoadResult]:
    """Read, resolve and check several files as one run (shared parses, settings, suppressions).

    With `jobs` > 1 and enough files, contiguous slices of `paths` are checked in worker
    processes; the results, in input order, are the same as with one process. A caller that
    only wants diagnostics passes `keep_selections=False`, which spares sending every
    selection back from the workers. `consulted`, when given, receives every file the results
    depend on (inputs, imports, configuration files looked for). `overrides` are settings
    from the command line, over those of each file's settings file. `given` holds files by
    their bytes instead of on disk (standard input under its name), for inputs and imports.
    `top` counts as a project's top for the imports (files copied out of their project, see
    `selang.semantic.project`).
    """
    given = dict(given or {})
    paths = list(paths)
    jobs = min(jobs, len(paths) // MIN_FILES_PER_JOB)
    if jobs > 1:
        parts = _in_workers(paths, jobs, keep_selections, overrides, given, top)
    else:
        parts = [_load_part(paths, shared, True, overrides, given, top)]
    from selang.checks.engine import Session

    session = Session(overrides)
    results: list[LoadResult] = []
    for part_results, part_session in parts:
        results.extend(part_results)
        session.absorb(part_session)
    unused = session.finish()
    if consulted is not None:
        consulted.update(session.finder.consulted)
        consulted.update(f for r in results for f in r.files)
    return [
        attrs.evolve(r, diagnostics=r.diagnostics + unused[r.path]) if r.path in unused else r
        for r in results
    ]


# Below this many files per worker, starting processes costs more than it saves.
MIN_FILES_PER_JOB = 16


def _load_part(
    paths: list[str],
    shared: dict[str, ParseResult | None] | None,
    report_failures: bool,
    overrides: Overrides,
    given: dict[str, bytes],
    top: str | None = None,
) -> tuple[list[LoadResult], Session]:
    from selang.checks.engine import Session
    from selang.syntax.source import given_first, read_source

    read = given_first(given) if given else read_source
    session = Session(overrides, report_failures=report_failures, read=read)
    shared = {} if shared is None else shared
    results = []
    for path in paths:
        result, comments = _read(path, shared, read, given, top)
        if result.unreadable:
            results.append(result)
            continue
        outcome = session.run(path, result.selection, result.diagnostics, comments)
        results.append(
            attrs.evolve(result, diagnostics=outcome.diagnostics, overridden=outcome.overridden)
        )
    return results, session


_Slice = tuple[list[str], bool, bool, Overrides, dict[str, bytes], str | None]


def _work(args: _Slice) -> tuple[list[LoadResult], Session]:
    paths, report_failures, keep_selections, overrides, given, top = args
    results, session = _load_part(paths, None, report_failures, overrides, given, top)
    if not keep_selections:
        results = [attrs.evolve(r, selection=None) for r in results]
    return results, session


def _in_workers(
    paths: list[str],
    jobs: int,
    keep_selections: bool,
    overrides: Overrides,
    given: dict[str, bytes],
    top: str | None,
) -> list[tuple[list[LoadResult], Session]]:
    from selang.app.workers import map_slices

    size = -(-len(paths) // jobs)
    # Contiguous slices keep files that share a library in one worker, parsing it once. This
    # process checks the first slice itself: one process fewer to start, and one slice of
    # results that never needs sending back.
    slices: list[_Slice] = [
        (paths[i : i + size], i == 0, keep_selections, overrides, given, top)
        for i in range(0, len(paths), size)
    ]
    return map_slices(_work, slices)


def _read(
    path: str,
    shared: dict[str, ParseResult | None],
    read: SourceReader,
    given: Mapping[str, bytes],
    top: str | None = None,
) -> tuple[LoadResult, dict[str, tuple[Comment, ...]]]:
    if path not in given:
        problem = _unreadable(path)
        if problem is not None:
            return LoadResult(path, None, (problem,), unreadable=True, files=(path,)), {}
    if path.endswith(".json"):
        from selang.targets.cxone import read_text

        text, unread = read(path)
        if text is None:
            assert unread is not None
            return LoadResult(path, None, (unread,), files=(path,)), {}
        selection, diagnostics = read_text(text, path)
        return LoadResult(path, selection, tuple(diagnostics), files=(path,)), {}
    from selang.semantic.resolve import resolve

    program = resolve(path, shared=shared, read=read, top=top)
    result = LoadResult(path, program.selection, program.diagnostics, files=program.files)
    return result, program.comments


def _unreadable(path: str) -> Diagnostic | None:
    """Why the file at `path` cannot be read at all (exit 2), or None."""
    if not os.path.isfile(path):
        why = "is not a regular file" if os.path.exists(path) else "no such file"
        if os.path.isdir(path):
            empty = list(expand_paths([path])) == [path]
            why = "folder holds no `.sel` files" if empty else "is a folder"
        return error("SEL002", why, Span.point(path))
    if not os.access(path, os.R_OK):
        return error("SEL002", "permission denied", Span.point(path))
    return None
