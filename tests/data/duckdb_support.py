"""Loading a generated contacts table into DuckDB, and a runner over it.

One in-memory connection serves a whole test module: opening one costs more than a case.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
from contact_strategies import SQL_TYPES, ContactData, columns, row_values
from sqlglot import exp

from selang.data.duckdb import DuckDBRunner

FOLDER = tempfile.mkdtemp(prefix="selang-contacts-")
_CONNECTION: list[duckdb.DuckDBPyConnection] = []


def connection() -> duckdb.DuckDBPyConnection:
    if not _CONNECTION:
        _CONNECTION.append(duckdb.connect())
    return _CONNECTION[0]


def load(con: duckdb.DuckDBPyConnection, data: ContactData, table: str = "contacts") -> None:
    """Replace `table` by the generated rows, its columns typed as `SQL_TYPES` says."""
    cols = columns(data)
    schema = exp.Schema(
        this=exp.to_table(table),
        expressions=[
            exp.ColumnDef(
                this=exp.to_identifier(n, quoted=True), kind=exp.DataType.build(SQL_TYPES[k])
            )
            for n, k in cols
        ],
    )
    con.execute(exp.Create(this=schema, kind="TABLE", replace=True).sql(dialect="duckdb"))
    rows = row_values(data)
    if rows:
        one = "(" + ", ".join("?" for _ in cols) + ")"
        params = [value for row in rows for value in row]
        con.execute(f"INSERT INTO {table} VALUES " + ", ".join(one for _ in rows), params)


@contextmanager
def runner_for(data: ContactData) -> Iterator[DuckDBRunner]:
    con = connection()
    load(con, data)
    yield DuckDBRunner.of_connection(con)


def write_file(data: ContactData, name: str, fmt: str = "PARQUET") -> str:
    """The table as a file in FOLDER (`fmt` is DuckDB's COPY format: PARQUET, CSV, JSON)."""
    path = os.path.join(FOLDER, name)
    con = connection()
    load(con, data, "to_write")
    copy = exp.Copy(
        this=exp.to_table("to_write"),
        files=[exp.Literal.string(path)],
        params=[exp.CopyParameter(this=exp.var("FORMAT"), expression=exp.var(fmt))],
    )
    con.execute(copy.sql(dialect="duckdb"))
    return path
