"""Start-up: `selang check one.sel` against `python -c "import lark, attrs"` on one interpreter.

Prints the median wall time of each over alternating fresh processes and their ratio, twice:
cold (`--no-cache`: parse, resolve and every policy run) and warm (the file is unchanged since
the last check, so its results are reused, as in a pre-commit hook run again on the same files).
Target: ratio <= 1.2 (nothing beyond what checking needs is imported; the parse tables are a
committed module, so not even Lark).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import PY, env_with_cache, make_tree, median_pair, run_time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (one,) = make_tree(Path(tmp) / "src", 1)
        env = env_with_cache(tmp)
        check = [PY, "-m", "selang", "check", str(one)]
        time.sleep(2.1)  # results that depend on a file changed in the last 2 s are not kept
        run_time([*check, "--no-cache"], env=env)  # warm the entry-point index and bytecode
        run_time(check, env=env)  # keep this file's results
        base = [PY, "-c", "import lark, attrs"]
        base_cold, cold = median_pair(base, [*check, "--no-cache"], args.runs, env=env)
        base_warm, warm = median_pair(base, check, args.runs, env=env)
    print(f"startup  baseline(import lark, attrs)      {base_cold * 1000:7.1f} ms")
    print(f"startup  selang check one.sel --no-cache   {cold * 1000:7.1f} ms")
    print(f"startup  selang check one.sel (unchanged)  {warm * 1000:7.1f} ms")
    print(f"startup  ratio cold                        {cold / base_cold:7.2f}x  (target <= 1.20)")
    print(f"startup  ratio unchanged file              {warm / base_warm:7.2f}x  (target <= 1.20)")


if __name__ == "__main__":
    main()
