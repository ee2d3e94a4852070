"""Start-up: `selang check one.sel` against `python -c "import lark, attrs"` on one interpreter.

Prints the median wall time of each over alternating fresh processes and their ratio.
Target: ratio <= 1.2 (nothing beyond what checking needs is imported; the grammar is cached).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import PY, env_with_cache, make_tree, median_pair, run_time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (one,) = make_tree(Path(tmp) / "src", 1)
        env = env_with_cache(tmp)
        run_time([PY, "-m", "selang", "check", str(one)], env=env)  # warm the grammar cache
        base, check = median_pair(
            [PY, "-c", "import lark, attrs"],
            [PY, "-m", "selang", "check", str(one)],
            args.runs,
            env=env,
        )
    print(f"startup  baseline(import lark, attrs) {base * 1000:7.1f} ms")
    print(f"startup  selang check one.sel         {check * 1000:7.1f} ms")
    print(f"startup  ratio                         {check / base:7.2f}x  (target <= 1.20)")


if __name__ == "__main__":
    main()
