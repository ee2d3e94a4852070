"""The embedded engine: DuckDB in this process over CSV, Parquet, JSON lines or a `.duckdb` file.

Files (or a glob of them) become a view named as the contacts table; DuckDB streams them, so
no row is materialised in Python. Errors become `DataError` with a message for the user.
"""

from __future__ import annotations

import glob
import os
import sys
import threading
from typing import Any

from . import DataError

FILE_KINDS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "json",
    ".ndjson": "json",
}
DATABASE = ".duckdb"

_NUMBERS = (
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
    "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL",
)  # fmt: skip


def kind_of(sql_type: str) -> str:
    """A DuckDB column type as one of §2's kinds (or its own name in lower case)."""
    upper = sql_type.upper()
    base = upper.split("(", 1)[0].strip()
    if base == "VARCHAR":
        return "string"
    if base in _NUMBERS:
        return "number"
    if base == "BOOLEAN":
        return "boolean"
    if base == "DATE":
        return "date"
    if base.startswith("TIMESTAMP"):
        return "datetime"
    return sql_type.lower()


class DuckDBRunner:
    """A contacts source opened in DuckDB; `table` names the view (or the database's table)."""

    dialect = "duckdb"

    def __init__(self, source: str, table: str = "contacts", progress: bool | None = None) -> None:
        import duckdb

        self.source = source
        self.table = table
        self._duckdb = duckdb
        self.progress = sys.stderr.isatty() if progress is None else progress
        try:
            if source.endswith(DATABASE) and not glob.has_magic(source):
                self.con = self._database(source, table)
            else:
                self.con = duckdb.connect()
                self._files(source, table)
            self.con.execute("SET TimeZone = 'UTC'")
        except duckdb.Error as exc:
            raise DataError(f"cannot read `{source}`: {_first_line(exc)}") from None

    @classmethod
    def of_connection(cls, con: Any, table: str = "contacts") -> DuckDBRunner:
        """A runner over a table of an open connection (a caller that loads data itself)."""
        import duckdb

        runner = cls.__new__(cls)
        runner.source, runner.table, runner._duckdb = table, table, duckdb
        runner.progress = False
        runner.con = con
        con.execute("SET TimeZone = 'UTC'")
        return runner

    def _database(self, path: str, table: str) -> Any:
        if not os.path.isfile(path):
            raise DataError(f"no such database `{path}`")
        con = self._duckdb.connect(path, read_only=True)
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        views = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()]
        if table not in tables and table not in views:
            con.close()
            there = ", ".join(f"`{t}`" for t in sorted(tables)) or "none"
            raise DataError(f"`{path}` has no table `{table}` (tables: {there})")
        return con

    def _files(self, source: str, table: str) -> None:
        files = sorted(glob.glob(source)) if glob.has_magic(source) else [source]
        if not files:
            raise DataError(f"`{source}` matches no file")
        kinds = {FILE_KINDS.get(os.path.splitext(f)[1].lower()) for f in files}
        if None in kinds:
            odd = next(f for f in files if os.path.splitext(f)[1].lower() not in FILE_KINDS)
            known = ", ".join(sorted(set(FILE_KINDS) | {DATABASE}))
            raise DataError(f"`{odd}` is not a contacts file selang reads ({known})")
        if len(kinds) > 1:
            raise DataError(f"`{source}` mixes file formats; give files of one format")
        for f in files:
            if not os.path.isfile(f):
                raise DataError(f"no such file `{f}`")
            if not os.access(f, os.R_OK):
                raise DataError(f"cannot read `{f}`: permission denied")
        kind = kinds.pop()
        if kind == "csv":
            relation = self.con.read_csv(files)
        elif kind == "parquet":
            relation = self.con.read_parquet(files)
        else:
            relation = self.con.read_json(files, format="newline_delimited")
        relation.create_view(table)

    def columns(self) -> dict[str, str]:
        from sqlglot import exp

        query = exp.select(exp.Star()).from_(exp.table_(self.table, quoted=True)).limit(0)
        try:
            described = self.con.sql(query.sql(dialect="duckdb"))
        except self._duckdb.Error as exc:
            raise DataError(f"cannot read `{self.source}`: {_first_line(exc)}") from None
        pairs = zip(described.columns, described.types, strict=True)
        return {name: kind_of(str(t)) for name, t in pairs}

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        watcher = _Progress(self.con) if self.progress else None
        try:
            return self.con.execute(sql).fetchall()
        except self._duckdb.Error as exc:
            raise DataError(f"cannot read `{self.source}`: {_first_line(exc)}") from None
        finally:
            if watcher is not None:
                watcher.stop()

    def close(self) -> None:
        self.con.close()


class _Progress:
    """DuckDB's own percentage of a running query, on stderr, redrawn twice a second."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self.done = threading.Event()
        self.shown = False
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.done.wait(0.5):
            try:
                percent = self.con.query_progress()
            except Exception:  # the query finished between the wait and the call
                return
            if percent is not None and percent >= 0:
                sys.stderr.write(f"\rscanning contacts: {percent:5.1f}%")
                sys.stderr.flush()
                self.shown = True

    def stop(self) -> None:
        self.done.set()
        self.thread.join()
        if self.shown:
            sys.stderr.write("\r" + " " * 28 + "\r")
            sys.stderr.flush()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
