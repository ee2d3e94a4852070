"""`selang check` and `selang compile`."""

from __future__ import annotations

import argparse
import sys

from selang.cli.options import (
    UsageError,
    codes,
    colour,
    given_texts,
    positive_int,
    quiet_option,
    read_stdin,
    stdin_option,
)
from selang.report import FORMATS

OK, ERRORS, USAGE = 0, 1, 2
# The formats a person reads; the others are for programs and never get colour.
COLOURED = ("text", "concise")


def register_check(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser(
        "check",
        help="check .sel and .json selections",
        description="Check .sel files, .json selection or campaign files, and folders "
        "(searched for *.sel); `-` reads stdin. Exit 0 when there is no error, 1 when there "
        "are errors, 2 when an input cannot be read.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument("--format", choices=sorted(FORMATS), default="text")
    check.add_argument(
        "--select",
        type=codes,
        action="extend",
        metavar="CODES",
        help="run only these rules: codes or prefixes, comma-separated (replaces `select` of "
        "the settings)",
    )
    check.add_argument(
        "--ignore",
        type=codes,
        action="extend",
        default=[],
        metavar="CODES",
        help="skip these rules: codes or prefixes, comma-separated (added to `ignore` of the "
        "settings); a syntax error (SEL001) is always reported",
    )
    check.add_argument(
        "--config",
        metavar="PATH",
        help="use this settings file (selang.toml, or a pyproject.toml with [tool.selang]) for "
        "every input instead of the nearest one",
    )
    check.add_argument(
        "--output-file", metavar="PATH", help="write the report to this file instead of stdout"
    )
    check.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when there are errors (2 still means an input could not be read)",
    )
    quiet_option(check)
    stdin_option(check)
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
        description="Print the CXone contactSelection JSON of the campaign in FILE (`-`: "
        "stdin); refuses (diagnostics on stderr, exit 1) when the checks find errors.",
    )
    compile_.add_argument("file", metavar="FILE")
    stdin_option(compile_)
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
    from selang.core.errors import ConfigError

    overrides = None
    if args.config is not None or args.select is not None or args.ignore:
        from selang.checks.config import Overrides

        try:
            overrides = Overrides.of(args.config, args.select, args.ignore)
        except ConfigError as exc:
            return _invalid_config(args, str(exc))
    try:
        paths, given = read_stdin(args.paths, args.stdin_filename)
    except UsageError as exc:
        sys.stderr.write(f"selang: {exc}\n")
        return USAGE
    run = check(
        paths, jobs=args.jobs, use_cache=not args.no_cache, overrides=overrides, given=given
    )
    if run.invalid_config is not None:
        return _invalid_config(args, run.invalid_config)
    coloured = args.format in COLOURED and args.output_file is None and colour(sys.stdout)
    context = render.Context(texts=given_texts(given), colour=coloured)
    if not _report(args, render.get(args.format).render(run.diagnostics, context)):
        return USAGE
    if args.format == "text" and not args.quiet:
        from selang.report.text import summary

        sys.stderr.write(summary(run.diagnostics, len(run.files)))
    if run.unreadable:
        return USAGE
    return OK if run.passed or args.exit_zero else ERRORS


def _invalid_config(args: argparse.Namespace, message: str) -> int:
    sys.stderr.write(f"selang: invalid configuration: {message}\n")
    if args.format == "sarif":
        from selang.report.sarif import failed_run

        _report(args, failed_run(f"invalid configuration: {message}"))
    return USAGE


def _report(args: argparse.Namespace, text: str) -> bool:
    """Print the report, or write it to `--output-file` in one step; False when it cannot be."""
    if args.output_file is None:
        sys.stdout.write(text)
        return True
    from selang.core.files import write_atomic

    try:
        # as stdout would take it (`selang.cli.main.run`)
        write_atomic(args.output_file, text.encode("utf-8", "backslashreplace"))
    except OSError as exc:
        sys.stderr.write(f"selang: cannot write `{args.output_file}`: {exc.strerror or exc}\n")
        return False
    return True


def run_compile(args: argparse.Namespace) -> int:
    from selang.app.compile import compile_file
    from selang.core.errors import ConfigError
    from selang.report import Context, text

    try:
        (path,), given = read_stdin([args.file], args.stdin_filename)
    except UsageError as exc:
        sys.stderr.write(f"selang: {exc}\n")
        return USAGE
    try:
        compiled = compile_file(path, "cxone" if args.target == "sql" else args.target, given)
    except ConfigError as exc:
        sys.stderr.write(f"selang: invalid configuration: {exc}\n")
        return USAGE
    context = Context(texts=given_texts(given))
    if compiled.output is None:
        sys.stderr.write(text.render(compiled.diagnostics, context))
        if compiled.refusal == "unreadable":
            return USAGE
        if compiled.refusal == "incomplete":
            sys.stderr.write(text.render(compiled.loaded.overridden, context))
            sys.stderr.write(
                f"selang: `{path}` could not be read completely; configuration hides "
                "these errors, but compiling would leave out what they point at\n"
            )
        elif compiled.refusal == "empty":
            sys.stderr.write(f"selang: `{path}` has no campaign to compile\n")
        return ERRORS
    if compiled.diagnostics:
        sys.stderr.write(text.render(compiled.diagnostics, context))
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
