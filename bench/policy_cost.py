"""Policies: every built-in check over 400 realistic selections against a bare Lark parse of them.

Both are timed in this process on files already read and resolved, so the numbers are the
checks' own cost next to the cheapest thing any tool on this grammar must do (parse each file;
building the parser is left out). Run: python bench/policy_cost.py. Prints medians of 5 runs.
Target: all policies together <= 40 ms per 400 files.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import lark
from common import make_tree, median_seconds

from selang.checks import Context
from selang.checks.config import DEFAULT
from selang.checks.registry import registry
from selang.semantic.resolve import resolve
from selang.syntax.parser import grammar_path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = [str(p) for p in make_tree(Path(tmp) / "src", args.files)]
        texts = [Path(p).read_text() for p in paths]
        shared: dict = {}
        selections = [resolve(p, shared=shared).selection for p in paths]
    assert all(s is not None for s in selections)
    work = list(zip(paths, selections, strict=True))
    policies = [entry.policy for entry in registry().policies]
    bare = lark.Lark(grammar_path().read_text(), parser="lalr")

    def parse_all() -> None:
        for text in texts:
            bare.parse(text)

    def check_all() -> None:
        # One Context per file, shared by its policies, as `selang check` does.
        for path, selection in work:
            context = Context(path, DEFAULT)
            for policy in policies:
                list(policy.check(selection, context))

    check_all()  # import what the checks import lazily
    t_parse = median_seconds(parse_all, args.runs)
    t_check = median_seconds(check_all, args.runs)

    per: dict[str, list[float]] = {p.code: [] for p in policies}
    for _ in range(args.runs):
        spent = dict.fromkeys(per, 0.0)
        for path, selection in work:
            context = Context(path, DEFAULT)
            for policy in policies:
                start = time.perf_counter()
                list(policy.check(selection, context))
                spent[policy.code] += time.perf_counter() - start
        for code, seconds in spent.items():
            per[code].append(seconds)
    slowest = sorted(per.items(), key=lambda item: -statistics.median(item[1]))[:5]

    rules = sum(len(s.rules) for s in selections)  # type: ignore[union-attr]
    print(f"policies  files / rules                  {args.files} / {rules}")
    print(f"policies  bare lark parse                {t_parse * 1e3:8.1f} ms")
    print(f"policies  all policies                   {t_check * 1e3:8.1f} ms  (target <= 40)")
    print(f"policies  ratio policies/parse           {t_check / t_parse:8.2f}x")
    for code, seconds in slowest:
        median = statistics.median(seconds) * 1e3
        print(f"policies    {code:<36} {median:8.1f} ms")


if __name__ == "__main__":
    main()
