"""The Spark runner: the contacts table on Apache Spark, for data in a lake or a warehouse.

It runs the spark-dialect SQL that `selang.targets.sql` prints, as the DuckDB runner runs the
duckdb dialect, so the preview's meaning is the same on both. pyspark is the optional `spark`
extra and is imported only here. Local mode (`local[*]`) by default; a master URL or Spark
Connect (`sc://…`, or the usual `SPARK_REMOTE`) for a cluster. The JVM's banner, warnings and
progress bars go to a log file, never to the user's terminal.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from typing import Any

from . import DataError

INSTALL_HINT = "pip install 'selang-cxone[spark]'"
FORMATS = {
    ".parquet": "parquet",
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
}
# Spark type names (`DataType.typeName()`) → the kinds selang compares values as.
KINDS = {
    "string": "string",
    "varchar": "string",
    "char": "string",
    "byte": "number",
    "short": "number",
    "integer": "number",
    "long": "number",
    "float": "number",
    "double": "number",
    "decimal": "number",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "datetime",
    "timestamp_ntz": "datetime",
}
# Settings of a session this runner starts itself; a cluster's own settings are left alone.
LOCAL_SETTINGS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}
ZONE = "spark.sql.session.timeZone"
GLOB_CHARS = frozenset("*?[{")


class SparkMissing(DataError):
    """pyspark is not installed: the message names the extra to install."""


class SparkRunner:
    """One contacts source on Spark, registered as the temporary view `table`.

    Give it a `session` to share one; without one it uses the session already active in this
    process (a notebook's), else starts one on `master` (or as `SPARK_REMOTE` says). `close`
    stops only a session it started.
    """

    dialect = "spark"

    def __init__(
        self,
        source: str,
        table: str = "contacts",
        *,
        master: str | None = None,
        session: Any = None,
    ) -> None:
        check_local_path(source)
        self.source = source
        self.table = table
        self._owned = False
        self._log: str | None = None
        if session is None:
            session, self._log, self._owned = start_session(master)
        self.session = session
        try:
            # A date-time without an offset is UTC (CONTRACT §2), whatever the session's zone;
            # a session this runner did not start gets its own zone back on `close`.
            self._zone = session.conf.get(ZONE)
            session.conf.set(ZONE, "UTC")
            self._frame = read(session, source)
            self._frame.createOrReplaceTempView(table)
        except DataError:
            self._stop()
            raise
        except Exception as exc:  # pyspark raises its own classes, one per cause
            self._stop()
            raise DataError(f"spark cannot read `{source}`: {first_line(exc)}") from None

    def columns(self) -> dict[str, str]:
        """Each column's kind (`string`, `number`, …), or Spark's type name for any other."""
        return {f.name: kind_of(f.dataType) for f in self._frame.schema.fields}

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return [tuple(row) for row in self.session.sql(sql).collect()]
        except Exception as exc:
            raise DataError(f"spark could not run the query: {first_line(exc)}") from None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.session.catalog.dropTempView(self.table)
            self.session.conf.set(ZONE, self._zone)
        self._stop()

    def _stop(self) -> None:
        if not self._owned:
            return
        with contextlib.suppress(Exception):
            self.session.stop()
        if self._log is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._log)


def kind_of(data_type: Any) -> str:
    name = data_type.typeName()
    return KINDS.get(name, name)


def source_format(source: str) -> str | None:
    """The reader for a path, from its extension (or a local folder's files); None for a name
    that is not a path, which is then a catalogue table."""
    ext = os.path.splitext(source.rstrip("/"))[1]
    if ext.lower() in FORMATS:
        return FORMATS[ext.lower()]
    if os.path.isfile(source):
        known = ", ".join(sorted(FORMATS))
        raise DataError(f"`{source}` is not a contacts file spark reads here ({known})")
    if os.path.isdir(source):
        names = os.listdir(source)
        found = {FORMATS.get(os.path.splitext(n)[1].lower()) for n in names}
        found.discard(None)
        if not found and any(os.path.isdir(os.path.join(source, n)) for n in names):
            return "parquet"  # a partitioned dataset: `state=CA/part-0.parquet`, …
        if len(found) != 1:
            raise DataError(f"folder `{source}` holds no single one of .parquet, .csv, .json")
        return found.pop()
    if "://" in source or os.sep in source or "/" in source:
        return "parquet"  # a lake folder, e.g. s3a://bucket/contacts/
    return None


def check_local_path(source: str) -> None:
    """Fails before Spark starts (which takes seconds) when a local path cannot be read."""
    if "://" in source or source_format(source) is None:
        return
    if GLOB_CHARS & set(source):
        if not glob.glob(source):
            raise DataError(f"`{source}` matches no file")
    elif not os.path.exists(source):
        raise DataError(f"no such file or folder `{source}`")


def read(session: Any, source: str) -> Any:
    fmt = source_format(source)
    if fmt is None:
        return session.table(source)
    reader = session.read
    if fmt == "csv":
        reader = reader.option("header", "true").option("inferSchema", "true")
    if "://" not in source and not os.path.isabs(source):
        source = os.path.abspath(source)  # a local session resolves paths from its own cwd
    return reader.format(fmt).load(source)


def start_session(master: str | None) -> tuple[Any, str | None, bool]:
    """A session: Spark Connect for `sc://` or `SPARK_REMOTE`; else the one active in this
    process if any; else a new driver in this process on `master` (`local[*]` by default),
    whose JVM writes to a log file. Returns the session, that file's path, whether it is new."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyspark warns about the pandas version on import
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise SparkMissing(
                f"the spark engine needs pyspark, which is not installed: {INSTALL_HINT}"
            ) from None
    _quiet_python_loggers()
    builder = SparkSession.builder.appName("selang preview")
    remote = master if master and master.startswith("sc://") else None
    if remote is None and master is None and os.environ.get("SPARK_REMOTE"):
        remote = os.environ["SPARK_REMOTE"]
    # A session this process already runs (a notebook's, a test module's) is used as it is:
    # `getOrCreate` would hand it back anyway, and it is not ours to stop.
    active = SparkSession.getActiveSession() if remote is None else None
    if active is not None:
        return active, None, False
    try:
        if remote is not None:
            return builder.remote(remote).getOrCreate(), None, True
        for key, value in LOCAL_SETTINGS.items():
            builder = builder.config(key, value)
        master = master or "local[*]"
        if master.startswith("local"):
            # One machine: a few shuffle partitions, not the cluster default of 200, each of
            # which costs a task even when it holds nothing.
            builder = builder.config("spark.sql.shuffle.partitions", str(os.cpu_count() or 2))
        fd, log = tempfile.mkstemp(prefix="selang-spark-", suffix=".log")
        with os.fdopen(fd, "w"), _output_to(log):
            session = builder.master(master).getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        return session, log, True
    except ImportError as exc:  # Spark Connect needs grpcio and friends: the extra has them
        missing = exc.name or "its client packages"
        raise SparkMissing(
            f"spark connect needs `{missing}`, which is not installed: "
            "pip install 'pyspark[connect]'"
        ) from None
    except Exception as exc:
        where = remote or master or "local[*]"
        raise DataError(
            f"spark could not start a session on `{where}`: {first_line(exc)}"
        ) from None


def _quiet_python_loggers() -> None:
    # pyspark 4 also logs each failed query, as JSON on stderr; the error itself is reported.
    try:
        from pyspark.logger import PySparkLogger
    except ImportError:  # pyspark 3.5 has no such loggers
        return
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).setLevel(logging.CRITICAL + 1)


@contextlib.contextmanager
def _output_to(path: str) -> Iterator[None]:
    """Points this process's stdout and stderr at `path` while the JVM starts: the JVM keeps
    them as its own, so its log lines never reach the terminal. Restored afterwards."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved = [os.dup(1), os.dup(2)]
    target = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.dup2(target, 1)
        os.dup2(target, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, target):
            os.close(fd)


def first_line(exc: BaseException) -> str:
    """The useful line of a JVM error: no Java stack trace, no `JVM stacktrace:` tail."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].strip()
