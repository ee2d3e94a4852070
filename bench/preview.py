"""Preview: `selang preview` of the winback example campaign on 10 million contact rows.

DuckDB writes a Parquet contacts table (one row per list and contact, the winback campaign's
fields, a fifth of the contacts on two lists, do-not-call rows) in a temporary folder. Then,
each as a fresh process, alternating, medians of `--runs`:

- `selang preview --format json`, as a user runs it: the whole funnel and the tiers;
- one hand-written DuckDB query returning only the final count of selected contacts;
- the pandas code a user would write: `read_parquet`, boolean masks, `drop_duplicates`;
- for context, one DuckDB query counting the distinct contacts on the target lists: the
  de-duplication of every targeted contact that any exact funnel has to do (its `targeted`
  count), which the final-count query never does, since its filters leave a few percent of rows.

Targets: preview / DuckDB query <= 1.5x; pandas / preview >= 5x; the preview's peak memory
(maximum resident set, from `getrusage(RUSAGE_CHILDREN)` in a process that runs only it)
<= 1 GB. All three must agree on the number selected, or the benchmark stops.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PY, medians

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = ROOT / "examples" / "campaigns" / "winback.sel"

# Deterministic columns from hashes of the row number, so every run writes the same table.
GENERATE = """
COPY (
  WITH r AS (
    SELECT i, CAST(hash(i) >> 1 AS BIGINT) AS h, CAST(hash(i + 1000000007) >> 1 AS BIGINT) AS g
    FROM range({rows}) t(i)
  )
  SELECT
    CASE
      WHEN h % 100 < 4 THEN 'list_dnc_001'
      WHEN h % 100 < 5 THEN 'list_litigators_007'
      WHEN h % 100 < 52 THEN 'list_lapsed_2023'
      ELSE 'list_123abc'
    END AS list_id,
    '+1' || lpad(CAST(i % {contacts} AS VARCHAR), 10, '0') AS contact_id,
    ['lapsed', 'lapsed', 'lapsed', 'active', 'Lapsed', 'cancelled'][1 + g % 6] AS status,
    CASE WHEN g % 53 = 0 THEN NULL ELSE CAST(16 + g % 70 AS INTEGER) END AS age,
    ['CA', 'NY', 'TX', 'FL', 'WA', 'IL', 'NY', 'CA'][1 + (g // 7) % 8] AS state,
    CASE WHEN (g // 11) % 7 = 0 THEN NULL ELSE 'c' || i || '@example.com' END AS email,
    (g // 13) % 10 <> 0 AS phone_verified,
    ['mobile', 'mobile', 'landline', 'voip', 'blocked'][1 + (g // 17) % 5] AS line_type,
    (g // 19) % 8 <> 0 AS tcpa_consent,
    DATE '2020-06-01' + CAST((g // 23) % 1460 AS INTEGER) AS consent_date,
    DATE '2022-09-01' + CAST((g // 29) % 520 AS INTEGER) AS last_purchase_date,
    CAST(((g // 31) % 250000) / 100 AS DECIMAL(10, 2)) AS "Lifetime Value",
    ['high_value', 'recent_engagement', NULL, NULL][1 + (g // 37) % 4] AS priority_tier
  FROM r
) TO '{path}' (FORMAT parquet)
"""

HAND_WRITTEN = """
import duckdb, sys
path = sys.argv[1]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
print(con.execute(f'''
SELECT count(DISTINCT contact_id) FROM read_parquet('{path}')
WHERE list_id IN ('list_lapsed_2023', 'list_123abc')
  AND phone_verified = true AND line_type <> 'blocked'
  AND tcpa_consent = true AND consent_date >= DATE '2022-01-01'
  AND status = 'lapsed' AND age >= 18
  AND last_purchase_date BETWEEN DATE '2023-01-01' AND DATE '2023-12-31'
  AND state IN ('CA', 'NY', 'TX') AND "Lifetime Value" >= 250.00 AND email IS NOT NULL
  AND contact_id NOT IN (
    SELECT contact_id FROM read_parquet('{path}')
    WHERE list_id IN ('list_dnc_001', 'list_litigators_007'))
''').fetchone()[0])
"""

PANDAS = """
import datetime as dt, sys
from decimal import Decimal
import pandas as pd
df = pd.read_parquet(sys.argv[1])
excluded = df.loc[df.list_id.isin(["list_dnc_001", "list_litigators_007"]), "contact_id"]
mask = (
    df.list_id.isin(["list_lapsed_2023", "list_123abc"])
    & ~df.contact_id.isin(excluded)
    & (df.phone_verified == True) & (df.line_type != "blocked")
    & (df.tcpa_consent == True) & (df.consent_date >= dt.date(2022, 1, 1))
    & (df.status == "lapsed") & (df.age >= 18)
    & (df.last_purchase_date >= dt.date(2023, 1, 1))
    & (df.last_purchase_date <= dt.date(2023, 12, 31))
    & df.state.isin(["CA", "NY", "TX"]) & (df["Lifetime Value"] >= Decimal("250.00"))
    & df.email.notna()
)
print(len(df.loc[mask, ["contact_id"]].drop_duplicates()))
"""

DEDUPLICATION = """
import duckdb, sys
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
print(con.execute(f'''
SELECT count(DISTINCT contact_id) FROM read_parquet('{sys.argv[1]}')
WHERE list_id IN ('list_lapsed_2023', 'list_123abc')
''').fetchone()[0])
"""

# Runs one command as its only child and prints that child's peak resident set in bytes.
PEAK = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""


def generate(path: Path, rows: int) -> float:
    import duckdb

    start = time.perf_counter()
    duckdb.execute("SET enable_progress_bar = false")
    sql = GENERATE.format(rows=rows, contacts=rows * 4 // 5, path=str(path).replace("'", "''"))
    duckdb.sql(sql)
    return time.perf_counter() - start


def selected(argv: list[str], env: dict[str, str]) -> int:
    out = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if out.returncode not in (0, 1):
        raise SystemExit(f"{argv[:4]} failed ({out.returncode}): {out.stderr.strip()}")
    text = out.stdout.strip()
    return json.loads(text)[0]["selected"] if text.startswith("[") else int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="selang-bench-preview-"))
    try:
        data = tmp / "contacts.parquet"
        took = generate(data, args.rows)
        size = data.stat().st_size / 1e6
        print(f"contacts: {args.rows:,} rows, {size:.0f} MB Parquet, written in {took:.1f} s")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp / "cache")}
        # selang is timed as installed, byte-compiled (as pip leaves it): with this set, a
        # checkout would compile its own modules again in every run (0.2 s here).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        preview = [PY, "-m", "selang", "preview", "--contacts", str(data), str(CAMPAIGN)]
        preview += ["--format", "json"]
        hand = [PY, "-c", HAND_WRITTEN, str(data)]
        pandas = [PY, "-c", PANDAS, str(data)]
        dedupe = [PY, "-c", DEDUPLICATION, str(data)]

        runs = (("preview", preview), ("duckdb", hand), ("pandas", pandas))
        counts = {name: selected(argv, env) for name, argv in runs}
        if len(set(counts.values())) != 1:
            raise SystemExit(f"the three disagree on the number selected: {counts}")
        print(f"selected by all three: {counts['preview']:,}")

        targeted = selected(dedupe, env)
        every = [preview, hand, pandas, dedupe]
        t_preview, t_hand, t_pandas, t_dedupe = medians(every, args.runs, env=env)
        peak = subprocess.run(
            [PY, "-c", PEAK, *preview], capture_output=True, text=True, env=env, check=True
        )
        rss = int(peak.stdout.strip()) / 2**20
        ratio = t_preview / t_hand
        faster = t_pandas / t_preview
        print(f"hand-written DuckDB query (final count only): {t_hand:.2f} s")
        print(f"selang preview (funnel and tiers):            {t_preview:.2f} s")
        print(f"pandas (read_parquet, masks, drop_duplicates): {t_pandas:.2f} s")
        print(f"DuckDB distinct targeted contacts ({targeted:,}):  {t_dedupe:.2f} s")
        print(f"preview / DuckDB query: {ratio:.2f}x   (target <= 1.5x: {_met(ratio <= 1.5)})")
        print(f"pandas / preview: {faster:.1f}x faster   (target >= 5x: {_met(faster >= 5)})")
        print(f"preview / distinct targeted query: {t_preview / t_dedupe:.2f}x   (context)")
        print(f"distinct targeted / final-count query: {t_dedupe / t_hand:.2f}x   (context)")
        print(f"preview peak memory: {rss:.0f} MiB   (target <= 1024 MiB: {_met(rss <= 1024)})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.stdout.flush()


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


if __name__ == "__main__":
    main()
