"""`selang fields infer SOURCE`: a `[tool.selang.fields]` table from a data file's schema."""

from __future__ import annotations

import argparse
import sys

USAGE = 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fields = sub.add_parser(
        "fields",
        help="field schemas from contact data",
        description="Work with the field schema of `[tool.selang.fields]`.",
    )
    actions = fields.add_subparsers(dest="action", metavar="ACTION", required=True)
    infer = actions.add_parser(
        "infer",
        help="print a [tool.selang.fields] table from a contacts source's columns",
        description="Print a `[tool.selang.fields]` table with the type of each column of "
        "SOURCE (a .csv, .parquet, .jsonl/.ndjson file, a glob of them, or a .duckdb database), "
        "so SEL022 and SEL023 check rules against the data.",
    )
    infer.add_argument("source", metavar="SOURCE")
    infer.add_argument("--table", metavar="NAME", help="the table in a database (contacts)")
    infer.set_defaults(run=run_infer)


def run_infer(args: argparse.Namespace) -> int:
    from selang.app.preview import infer_fields
    from selang.checks.config import ConfigError
    from selang.data import DataError

    try:
        sys.stdout.write(infer_fields(args.source, args.table))
    except (DataError, ConfigError) as exc:
        sys.stderr.write(f"selang: {exc}\n")
        return USAGE
    return 0
