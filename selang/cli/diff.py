"""`selang diff`: how the contacts one selection dials relate to another's (CONTRACT §7).

Exit codes as `diff(1)`: 0 the same contacts, 1 they differ, 2 usage or unreadable input.
"""

from __future__ import annotations

import argparse
import sys

SAME, DIFFER, USAGE = 0, 1, 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    diff = sub.add_parser(
        "diff",
        help="say exactly which contacts a change of selection gains and loses",
        description="Compare the contacts NEW selects with those OLD selects, over every possible "
        "contact, and show a contact each side selects that the other does not. With --git REV, "
        "compare each FILE (or every *.sel under a folder) with its version at REV. Exit 0 when "
        "the contacts are the same, 1 when they differ, 2 when an input cannot be read.",
    )
    diff.add_argument("files", nargs="+", metavar="FILE", help="OLD NEW, or files with --git")
    diff.add_argument("--git", metavar="REV", help="compare each FILE with its version at REV")
    diff.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="output format"
    )
    diff.add_argument(
        "--contacts",
        metavar="SOURCE",
        help="also count the gained and lost contacts in this data (CSV, Parquet or DuckDB file)",
    )
    diff.set_defaults(run=run_diff)


def run_diff(args: argparse.Namespace) -> int:
    from selang.app.diff import DiffError, count_on, diff_files, diff_git
    from selang.core.errors import ConfigError
    from selang.report import diff as shown
    from selang.report import text

    if args.git is None and len(args.files) != 2:
        sys.stderr.write("selang: give OLD and NEW, or FILE... with `--git REV`\n")
        return USAGE
    try:
        results = diff_git(args.git, args.files) if args.git else [diff_files(*args.files)]
        if args.contacts:
            results = count_on(results, args.contacts)
    except DiffError as exc:
        sys.stderr.write(text.render(exc.diagnostics))
        return USAGE
    except ConfigError as exc:
        sys.stderr.write(f"selang: {exc}\n")
        return USAGE
    if not results:
        sys.stderr.write("selang: no `.sel` files to compare\n")
        return USAGE
    headed = args.git is not None
    if args.format == "json":
        # The JSON is exactly §7's; the change policies' findings go to stderr.
        findings = [d for r in results for d in r.findings]
        if findings:
            sys.stderr.write(text.render(findings))
        sys.stdout.write(shown.json_text(results, single=not headed))
    elif args.format == "markdown":
        sys.stdout.write(shown.markdown(results))
    else:
        sys.stdout.write(shown.text(results, headed=headed))
    return SAME if all(r.same for r in results) else DIFFER
