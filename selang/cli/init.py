"""`selang init [FOLDER]`: write a commented starter `selang.toml`, never over an existing one."""

from __future__ import annotations

import argparse
import os
import sys

OK, USAGE = 0, 2

HEADER = """\
# selang settings for every .sel and .json file in this folder and below, unless a nearer
# selang.toml (or a pyproject.toml with [tool.selang]) holds its own.
#
# max-rules            filter rules allowed, counted after segments are expanded (SEL012)
# max-priority-depth   priority tiers allowed (SEL013)
# select, ignore       rule codes or prefixes to run or skip, e.g. ignore = ["SEL019"];
#                      the longest matching prefix wins; every code runs when select is unset
# required-exclusions  list ids every campaign must exclude, e.g. do-not-call lists (SEL021)
# [severity]           per-code severity: "error", "warning" or "info", e.g. SEL016 = "error"
# [fields]             contact fields and their types (string, number, boolean, date,
#                      datetime); once declared, SEL022 and SEL023 check every rule against it
# [options.NAME]       settings of a third-party policy, by its name
#
# `selang rule CODE` explains a code; `selang rule --all` lists them.

"""

FIELDS_EXAMPLE = """
# [fields]
# status = "string"
# age = "number"
# last_call_date = "date"
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = sub.add_parser(
        "init",
        help="write a starter selang.toml",
        description="Write a commented selang.toml with the default settings into FOLDER "
        "(the current folder by default). Refuses to overwrite an existing file.",
    )
    init.add_argument("folder", nargs="?", default=".", metavar="FOLDER")
    init.set_defaults(run=run_init)


def starter() -> str:
    import tomli_w

    from selang.checks.config import DEFAULT

    data = {
        "max-rules": DEFAULT.max_rules,
        "max-priority-depth": DEFAULT.max_priority_depth,
        "ignore": [],
        "required-exclusions": [],
        "severity": {},
    }
    return HEADER + tomli_w.dumps(data) + FIELDS_EXAMPLE


def run_init(args: argparse.Namespace) -> int:
    path = os.path.join(args.folder, "selang.toml")
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(starter())
    except FileExistsError:
        sys.stderr.write(f"selang: `{path}` already exists; not overwriting it\n")
        return USAGE
    except OSError as exc:
        sys.stderr.write(f"selang: cannot write `{path}`: {exc.strerror}\n")
        return USAGE
    sys.stderr.write(f"wrote `{path}`\n")
    return OK
