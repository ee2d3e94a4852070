"""`selang check` and `selang compile`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from selang.cli.options import positive_int
from selang.report import FORMATS

if TYPE_CHECKING:
    from selang.core.diagnostics import Diagnostic

OK, ERRORS, USAGE = 0, 1, 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser(
        "check",
        help="check .sel and .json selections",
        description="Check .sel files, .json selection or campaign files, and folders "
        "(searched for *.sel). Exit 0 when there is no error, 1 when there are errors, "
        "2 when an input cannot be read.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument("--format", choices=sorted(FORMATS), default="text")
    check.add_argument(
        "--jobs",
        type=positive_int,
        default=0,
        metavar="N",
        help="worker processes for large runs (default: one per core this process may use)",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="check everything again instead of reusing the results of an identical earlier "
        "run (also: SELANG_NO_CACHE=1)",
    )
    check.set_defaults(run=run_check)

    compile_ = sub.add_parser(
        "compile",
        help="print the CXone contactSelection JSON of a .sel file",
        description="Print the CXone contactSelection JSON of the campaign in FILE; refuses "
        "(diagnostics on stderr, exit 1) when the checks find errors.",
    )
    compile_.add_argument("file", metavar="FILE")
    compile_.add_argument("--target", choices=["cxone", "sql"], default="cxone")
    compile_.add_argument(
        "--dialect",
        choices=["duckdb", "spark", "trino", "bigquery", "snowflake", "postgres"],
        default="duckdb",
        help="the SQL dialect of `--target sql` (default: duckdb)",
    )
    compile_.add_argument(
        "--table", metavar="NAME", help="the contacts table of `--target sql` (default: contacts)"
    )
    compile_.set_defaults(run=run_compile)


def run_check(args: argparse.Namespace) -> int:
    from selang import report as render
    from selang.app import checkcache
    from selang.app.paths import expand_paths
    from selang.core.diagnostics import has_errors

    files = list(expand_paths(args.paths))
    use_cache = not args.no_cache and checkcache.enabled()
    cached = checkcache.lookup(files) if use_cache else None
    if cached is not None:
        diagnostics, unreadable = cached
    else:
        found = _check(files, args.jobs)
        if found is None:
            return USAGE
        diagnostics, unreadable, consulted = found
        if use_cache:
            checkcache.store(files, consulted, diagnostics, unreadable)
    sys.stdout.write(render.get(args.format).render(diagnostics))
    if args.format == "text":
        from selang.report.text import summary

        sys.stderr.write(summary(diagnostics, len(files)))
    if unreadable:
        return USAGE
    return ERRORS if has_errors(diagnostics) else OK


def _check(files: list[str], jobs: int) -> tuple[list[Diagnostic], bool, set[str]] | None:
    """Every file's diagnostics, de-duplicated and sorted; None when the settings are invalid."""
    from selang.app.loader import load_selections
    from selang.checks.config import ConfigError

    consulted: set[str] = set()
    try:
        results = load_selections(
            files, jobs=jobs or usable_cores(), keep_selections=False, consulted=consulted
        )
    except ConfigError as exc:
        sys.stderr.write(f"selang: invalid configuration: {exc}\n")
        return None
    seen = set()
    diagnostics = []
    for result in results:
        for d in result.diagnostics:
            if d not in seen:
                seen.add(d)
                diagnostics.append(d)
    diagnostics.sort(key=lambda d: d.sort_key())
    return diagnostics, any(r.unreadable for r in results), consulted


def usable_cores() -> int:
    """The cores this process may run on: its affinity mask (set by `taskset`, or a container's
    cpuset) where the platform has one, else every core of the machine."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def run_compile(args: argparse.Namespace) -> int:
    from selang import targets
    from selang.app.loader import load_selection
    from selang.checks.config import ConfigError
    from selang.report import text

    try:
        result = load_selection(args.file)
    except ConfigError as exc:
        sys.stderr.write(f"selang: invalid configuration: {exc}\n")
        return USAGE
    if not result.ok or result.selection is None:
        sys.stderr.write(text.render(result.diagnostics))
        if result.unreadable:
            return USAGE
        if result.overridden:
            sys.stderr.write(text.render(result.overridden))
            sys.stderr.write(
                f"selang: `{args.file}` could not be read completely; configuration hides "
                "these errors, but compiling would leave out what they point at\n"
            )
        elif result.selection is None and result.ok:
            sys.stderr.write(f"selang: `{args.file}` has no campaign to compile\n")
        return ERRORS
    if result.diagnostics:
        sys.stderr.write(text.render(result.diagnostics))
    if args.target == "sql":
        from selang.app.preview import compile_sql

        sys.stdout.write(compile_sql(result.selection, args.dialect, args.table))
        return OK
    sys.stdout.write(targets.get(args.target).render(result.selection))
    return OK
