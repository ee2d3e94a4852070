"""Shared helpers for the benchmarks: timing in fresh processes and realistic inputs."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

PY = sys.executable


def run_time(argv: Sequence[str], cwd: str | None = None, env: dict | None = None) -> float:
    """Wall time of one fresh process (output discarded)."""
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def medians(commands: Sequence[Sequence[str]], runs: int, **kw: object) -> list[float]:
    """Medians of `runs` rounds that run each command once in turn, so all see the same load."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for command, seen in zip(commands, times, strict=True):
            seen.append(run_time(command, **kw))  # type: ignore[arg-type]
    return [statistics.median(seen) for seen in times]


def median_pair(a: Sequence[str], b: Sequence[str], runs: int, **kw: object) -> tuple[float, float]:
    """Medians of `runs` alternating runs of two commands."""
    first, second = medians([a, b], runs, **kw)
    return first, second


def median_seconds(work: Callable[[], object], runs: int) -> float:
    """Median wall time of `runs` calls of `work` in this process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


FIELDS_STR = ["status", "state", "segment_code", "language", "channel", "email", "city", "tier"]
FIELDS_NUM = ["age", "balance", "score", "attempts", "days_overdue", "tenure_months"]
FIELDS_DATE = ["last_call_date", "signup_date", "due_date", "next_appointment"]


def realistic_campaign(rng: random.Random, index: int, rules: int) -> str:
    """A campaign of `rules` non-contradictory filter rules over many fields, like real ones."""
    lines = [
        'import "lists.sel"',
        "",
        f"# generated campaign {index}",
        f'campaign "campaign_{index:05d}" {{',
        f'  target spring_leads, "list_{index:05d}a"',
        '  exclude dnc_master, "list_dnc_state"',
    ]
    conds = ["active_adults"]
    for i in range(rules - 2):
        kind = i % 6
        if kind == 0:
            f = f"{rng.choice(FIELDS_STR)}_{i}"
            conds.append(f'{f} in ("CA", "NY", "TX", "WA")')
        elif kind == 1:
            f = f"{rng.choice(FIELDS_NUM)}_{i}"
            lo = rng.randint(0, 50)
            conds.append(f"{f} between {lo} and {lo + rng.randint(1, 50)}")
        elif kind == 2:
            f = f"{rng.choice(FIELDS_DATE)}_{i}"
            conds.append(f"{f} > 2023-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
        elif kind == 3:
            conds.append(f"{rng.choice(FIELDS_STR)}_{i} is not null")
        elif kind == 4:
            conds.append(f'{rng.choice(FIELDS_STR)}_{i} starts with "A{rng.randint(0, 9)}"')
        else:
            conds.append(f"{rng.choice(FIELDS_NUM)}_{i} >= {rng.randint(0, 99)}.5")
    lines.append("  where " + "\n    and ".join(conds))
    lines.append("  priority high_value, recent_engagement, default")
    lines.append("}")
    return "\n".join(lines) + "\n"


LIBRARY = """# shared lists and segments
list dnc_master   = "list_dnc_001"
list spring_leads = "list_123abc"

segment active_adults = status == "active" and age between 18 and 65
"""


def make_tree(
    folder: Path, files: int, seed: int = 7, rules: tuple[int, int] = (40, 50)
) -> list[Path]:
    """`files` campaigns of 40–50 rules each (or `rules` lo–hi), sharing one library."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lists.sel").write_text(LIBRARY)
    paths = []
    for i in range(files):
        path = folder / f"campaign_{i:05d}.sel"
        path.write_text(realistic_campaign(rng, i, rng.randint(*rules)))
        paths.append(path)
    return paths


def env_with_cache(tmp: str) -> dict[str, str]:
    """The environment for timed runs: a private grammar cache, and bytecode written as usual.

    Some shells set PYTHONDONTWRITEBYTECODE; then an editable install recompiles every module
    on every start while the baseline's installed packages have their bytecode, which is not
    what a user's installed selang does.
    """
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = tmp
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env
