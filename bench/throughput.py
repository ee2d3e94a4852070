"""Throughput: `selang check DIR` over 400 realistic files against a bare Lark LALR parse.

The baseline is a fresh process that builds `Lark(grammar, parser="lalr")` and parses every
file (what any tool on this grammar must at least do). selang runs with `--no-cache`, so every
file is parsed, resolved and checked by every policy; a last line shows a repeated run over the
unchanged tree, which reuses the previous results. Prints medians and ratios.
Targets: single process <= 1.3x the baseline; `--jobs 2` >= 1.6x faster than `--jobs 1`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import PY, env_with_cache, make_tree, median_pair, medians, run_time

BASELINE = """
import sys, pathlib, lark
grammar = pathlib.Path(sys.argv[1]).read_text()
parser = lark.Lark(grammar, parser="lalr")
for path in sorted(pathlib.Path(sys.argv[2]).glob("*.sel")):
    parser.parse(path.read_text())
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=400)
    args = parser.parse_args()
    grammar = Path(__file__).resolve().parent.parent / "grammar" / "selang.lark"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        make_tree(src, args.files)
        env = env_with_cache(tmp)
        check = [PY, "-m", "selang", "check", str(src), "--no-cache"]
        run_time([*check, "--jobs", "1"], env=env)  # warm the entry-point index and bytecode
        base, single, double = medians(
            [
                [PY, "-c", BASELINE, str(grammar), str(src)],
                [*check, "--jobs", "1"],
                [*check, "--jobs", "2"],
            ],
            args.runs,
            env=env,
        )
        time.sleep(2.1)  # results that depend on a file changed in the last 2 s are not kept
        again = check[:-1]
        run_time(again, env=env)
        _, unchanged = median_pair([PY, "-c", "pass"], again, args.runs, env=env)
    print(f"throughput  files                         {args.files}")
    print(f"throughput  baseline(bare lark parse)     {base * 1000:8.1f} ms")
    print(f"throughput  selang check --jobs 1         {single * 1000:8.1f} ms")
    print(f"throughput  selang check --jobs 2         {double * 1000:8.1f} ms")
    print(f"throughput  ratio check/baseline          {single / base:8.2f}x  (target <= 1.30)")
    print(f"throughput  speed-up jobs 2 over jobs 1   {single / double:8.2f}x  (target >= 1.60)")
    print(f"throughput  unchanged tree, checked again {unchanged * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
