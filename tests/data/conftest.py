"""Fixtures for the contact-data tests: campaign files, small contacts sources, the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from tests.policies.conftest import run, write  # noqa: F401  (the same fixtures, shared)

# 12 contacts: c1..c10 in list L1 (c9, c10 also in L2), c11 only in L2, c3 and c4 on the DNC list,
# every L2 contact on the OPT list.
ROWS = [
    ("L1", "c1", 34, "active", "high", "2023-05-01"),
    ("L1", "c2", 17, "active", None, "2023-05-02"),
    ("L1", "c3", 40, "active", "high", None),
    ("L1", "c4", 51, "Active", None, "2023-06-01"),
    ("L1", "c5", 29, "active", "low", "2023-07-01"),
    ("L1", "c6", None, "active", None, "2023-07-02"),
    ("L1", "c7", 65, "lapsed", None, "2023-08-01"),
    ("L1", "c8", 45, "active", "low", "2023-08-02"),
    ("L1", "c9", 38, "active", None, "2023-09-01"),
    ("L1", "c10", 22, "active", None, None),
    ("L2", "c9", 38, "active", "high", "2023-09-01"),
    ("L2", "c10", 16, "active", None, None),
    ("L2", "c11", 70, "active", None, None),
    ("DNC", "c3", None, None, None, None),
    ("DNC", "c4", None, None, None, None),
    ("OPT", "c9", None, None, None, None),
    ("OPT", "c10", None, None, None, None),
    ("OPT", "c11", None, None, None, None),
]
COLUMNS = "list_id, contact_id, age, status, priority_tier, last_call"


def make_table(con: duckdb.DuckDBPyConnection, name: str = "contacts") -> None:
    con.execute(
        f"CREATE TABLE {name} (list_id VARCHAR, contact_id VARCHAR, age INTEGER, "
        "status VARCHAR, priority_tier VARCHAR, last_call DATE)"
    )
    con.executemany(f"INSERT INTO {name} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", ROWS)


@pytest.fixture
def contacts(tmp_path: Path) -> Callable[[str], Path]:
    """`contacts("x.parquet")`: the ROWS as a file of that format (or a `.duckdb` database)."""

    def _make(name: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".duckdb"):
            con = duckdb.connect(str(path))
            make_table(con)
            con.close()
            return path
        con = duckdb.connect()
        make_table(con)
        fmt = {".csv": "CSV", ".parquet": "PARQUET"}.get(path.suffix, "JSON")
        con.execute(f"COPY contacts TO '{path}' (FORMAT {fmt})")
        con.close()
        return path

    return _make
