"""`selang preview`: each campaign's funnel on real contact data, as a table or §6's JSON."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selang.data.preview import Preview

USAGE = 2
# A rule that leaves fewer than this share of what reached it "removes almost everyone".
ALMOST_ALL = 0.95


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    preview = sub.add_parser(
        "preview",
        help="count what each campaign selects on contact data",
        description="Run each campaign on a contacts source and print its funnel: targeted, "
        "excluded, the contacts left after each rule, selected, and the priority tiers. Exit 0 "
        "when every campaign selects someone, 1 when one selects no one (SEL030), 2 when the "
        "source or a column cannot be used.",
    )
    preview.add_argument("paths", nargs="+", metavar="FILE")
    preview.add_argument(
        "--contacts",
        required=True,
        metavar="SOURCE",
        help="a .csv, .parquet, .jsonl/.ndjson file or a glob of them, or a .duckdb database",
    )
    preview.add_argument("--table", metavar="NAME", help="the table in a database (contacts)")
    preview.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    preview.add_argument("--format", choices=["text", "json"], default="text")
    preview.set_defaults(run=run_preview)


def run_preview(args: argparse.Namespace) -> int:
    from selang.app.preview import preview_files
    from selang.checks.config import ConfigError
    from selang.report import text

    try:
        run = preview_files(args.paths, args.contacts, args.table, args.engine)
    except ConfigError as exc:
        sys.stderr.write(f"selang: invalid configuration: {exc}\n")
        return USAGE
    if run.diagnostics:
        sys.stderr.write(text.render(sorted(run.diagnostics, key=lambda d: d.sort_key())))
    if run.problem:
        sys.stderr.write(f"selang: {run.problem}\n")
    if args.format == "json":
        from selang.targets.cxone import dumps

        sys.stdout.write(dumps([p.to_json() for p in run.previews]))
    else:
        sys.stdout.write("\n".join(render_text(p) for p in run.previews))
    return run.code


def render_text(result: Preview) -> str:
    """The funnel as a table: each step's contacts and how many it removed."""
    from selang.policies._text import rule_text

    name = result.campaign or "(no id)"
    rows: list[tuple[str, int, str, str]] = [("targeted", result.targeted, "", "")]
    left = result.targeted - result.excluded
    rows.append(("after exclusions", left, _n(result.excluded), ""))
    for count in result.rules:
        removed = left - count.remaining
        rows.append(
            (rule_text(count.rule), count.remaining, _n(removed), _note(left, count.remaining))
        )
        left = count.remaining
    rows.append(("selected", result.selected, "", ""))
    width = max(len(r[0]) for r in rows)
    numbers = max(len(_n(r[1])) for r in rows)
    lines = [f"{name}  {result.path}  ({result.engine})"]
    lines.append(f"  {'step':<{width}}  {'contacts':>{max(numbers, 8)}}  removed")
    for label, n, removed, note in rows:
        line = f"  {label:<{width}}  {_n(n):>{max(numbers, 8)}}  {removed:>7}"
        lines.append((line + ("  " + note if note else "")).rstrip())
    if result.tiers:
        tiers = ", ".join(f"{t} {_n(n)}" for t, n in result.tiers)
        lines.append(f"  tiers: {tiers}; unranked {_n(result.unranked)}")
    return "\n".join(lines) + "\n"


def _n(value: int) -> str:
    return f"{value:,}"


def _note(before: int, after: int) -> str:
    if before == 0:
        return ""
    if after == before:
        return "removes nobody"
    if after == 0:
        return "removes everyone"
    if after <= before * (1 - ALMOST_ALL):
        return "removes almost everyone"
    return ""
