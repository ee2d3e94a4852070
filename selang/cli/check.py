"""`selang check` and `selang compile`."""

from __future__ import annotations

import argparse
import sys

from selang.cli.options import positive_int
from selang.report import FORMATS

OK, ERRORS, USAGE = 0, 1, 2


def register_check(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def register_compile(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    from selang.app.check import check

    run = check(args.paths, jobs=args.jobs, use_cache=not args.no_cache)
    if run.invalid_config is not None:
        sys.stderr.write(f"selang: invalid configuration: {run.invalid_config}\n")
        if args.format == "sarif":
            from selang.report.sarif import failed_run

            sys.stdout.write(failed_run(f"invalid configuration: {run.invalid_config}"))
        return USAGE
    sys.stdout.write(render.get(args.format).render(run.diagnostics))
    if args.format == "text":
        from selang.report.text import summary

        sys.stderr.write(summary(run.diagnostics, len(run.files)))
    if run.unreadable:
        return USAGE
    return OK if run.passed else ERRORS


def run_compile(args: argparse.Namespace) -> int:
    from selang.app.compile import compile_file
    from selang.core.errors import ConfigError
    from selang.report import text

    try:
        compiled = compile_file(args.file, "cxone" if args.target == "sql" else args.target)
    except ConfigError as exc:
        sys.stderr.write(f"selang: invalid configuration: {exc}\n")
        return USAGE
    if compiled.output is None:
        sys.stderr.write(text.render(compiled.diagnostics))
        if compiled.refusal == "unreadable":
            return USAGE
        if compiled.refusal == "incomplete":
            sys.stderr.write(text.render(compiled.loaded.overridden))
            sys.stderr.write(
                f"selang: `{args.file}` could not be read completely; configuration hides "
                "these errors, but compiling would leave out what they point at\n"
            )
        elif compiled.refusal == "empty":
            sys.stderr.write(f"selang: `{args.file}` has no campaign to compile\n")
        return ERRORS
    if compiled.diagnostics:
        sys.stderr.write(text.render(compiled.diagnostics))
    if args.target == "sql":
        from selang.app.preview import compile_sql
        from selang.targets.sql import SQLTargetError

        assert compiled.loaded.selection is not None  # a refusal returned above
        try:
            sys.stdout.write(compile_sql(compiled.loaded.selection, args.dialect, args.table))
        except SQLTargetError as exc:
            sys.stderr.write(f"selang: {exc}\n")
            return USAGE
        return OK
    sys.stdout.write(compiled.output)
    return OK
