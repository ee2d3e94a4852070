"""`check`: every file's diagnostics for one run, replayed from the check cache when nothing it
read has changed (and then without importing the parser, the resolver or the settings)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from selang.app import checkcache
from selang.app.paths import expand_paths
from selang.core.diagnostics import Diagnostic, has_errors

if TYPE_CHECKING:
    from selang.checks.config import Overrides


@attrs.frozen
class CheckRun:
    files: tuple[str, ...]
    # De-duplicated and sorted by position.
    diagnostics: tuple[Diagnostic, ...]
    # Some input could not be read at all (missing, a folder, permissions).
    unreadable: bool
    # Why the settings (`selang.toml`, `[tool.selang]`) are invalid; then nothing was checked.
    invalid_config: str | None = None

    @property
    def passed(self) -> bool:
        return not has_errors(self.diagnostics)


def check(
    paths: Sequence[str],
    jobs: int = 0,
    use_cache: bool = True,
    overrides: Overrides | None = None,
    given: Mapping[str, bytes] | None = None,
) -> CheckRun:
    """Check `paths` (files, or folders searched for `*.sel`) with `jobs` worker processes
    (0: one per usable core); `use_cache` is also turned off by `SELANG_NO_CACHE=1`.
    `overrides` are the command line's settings (`--config`, `--select`, `--ignore`); `given`
    holds files by their bytes instead of on disk (standard input under its name), never
    cached."""
    given = given or {}
    files = list(expand_paths(paths, given))
    use_cache = use_cache and not given and checkcache.enabled()
    settings = overrides.key() if overrides is not None else []
    cached = checkcache.lookup(files, settings) if use_cache else None
    if cached is not None:
        diagnostics, unreadable = cached
        return CheckRun(tuple(files), tuple(diagnostics), unreadable)
    from selang.app.loader import load_selections
    from selang.checks.config import NONE
    from selang.core.errors import ConfigError

    consulted: set[str] = set()
    try:
        if overrides is not None:
            from selang.checks.engine import known_codes

            overrides.check_codes(known_codes())
        results = load_selections(
            files,
            jobs=jobs or usable_cores(),
            keep_selections=False,
            consulted=consulted,
            overrides=overrides or NONE,
            given=given,
        )
    except ConfigError as exc:
        return CheckRun(tuple(files), (), False, invalid_config=str(exc))
    seen = set()
    found = []
    for result in results:
        for d in result.diagnostics:
            if d not in seen:
                seen.add(d)
                found.append(d)
    found.sort(key=lambda d: d.sort_key())
    unreadable = any(r.unreadable for r in results)
    if use_cache:
        checkcache.store(files, consulted, found, unreadable, settings)
    return CheckRun(tuple(files), tuple(found), unreadable)


def usable_cores() -> int:
    """The cores this process may run on: its affinity mask (set by `taskset`, or a container's
    cpuset) where the platform has one, else every core of the machine."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1
