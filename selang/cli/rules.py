"""`selang rule CODE` and `selang rule --all [--markdown]`: the documentation of the policies."""

from __future__ import annotations

import argparse
import sys

OK, USAGE = 0, 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rule = sub.add_parser(
        "rule",
        help="explain a rule code",
        description="Print the documentation of a rule (What it does, Why, Example, Use instead), "
        "or of every installed rule with --all.",
    )
    rule.add_argument("code", nargs="?", metavar="CODE", help="e.g. SEL014")
    rule.add_argument("--all", action="store_true", help="every installed rule")
    rule.add_argument("--markdown", action="store_true", help="as a Markdown page")
    rule.set_defaults(run=run_rule)


def run_rule(args: argparse.Namespace) -> int:
    from selang.checks import docs
    from selang.checks.registry import registry

    reg = registry()
    if args.all == bool(args.code):
        sys.stderr.write("selang: give one rule code, or --all\n")
        return USAGE
    if args.all:
        entries = list(reg.policies)
    else:
        found = reg.get(args.code)
        if found is None:
            known = ", ".join(p.code for p in reg.policies)
            sys.stderr.write(f"selang: unknown rule `{args.code}` (known: {known})\n")
            return USAGE
        entries = [found]
    if args.markdown:
        sys.stdout.write(docs.markdown_page(entries) if args.all else docs.markdown(entries[0]))
    else:
        sys.stdout.write("\n".join(docs.text(e) for e in entries))
    return OK
