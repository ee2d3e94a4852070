"""Spark running the spark-dialect SQL agrees with DuckDB and with selang's own evaluator.

One local Spark session serves the whole module (starting one costs seconds). Each generated
case is written to Parquet by DuckDB and read by the Spark runner as a user's file would be.
The tests marked `spark` need Java; the others check what happens before Spark starts.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from contact_strategies import contact_cases, expected_funnel, expected_keys, numbers, widened
from duckdb_support import runner_for, write_file
from hypothesis import given, note, settings
from hypothesis import strategies as st

from selang.cli.main import main
from selang.data.preview import preview, table_for
from selang.targets.sql import select_contacts, to_sql

ROOT = Path(__file__).resolve().parents[2]
CAMPAIGNS = sorted(str(p) for p in (ROOT / "examples" / "campaigns").glob("*.sel"))
CONTACTS = str(ROOT / "examples" / "contacts.parquet")

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java 17")
_names = itertools.count()


@pytest.fixture(scope="module")
def spark():
    """One small local session, started as `selang preview` starts one, with whatever reached
    this process's stdout and stderr meanwhile; tuned for tiny tables: one shuffle partition,
    no adaptive re-planning."""
    pytest.importorskip("pyspark", reason="the `spark` extra (pyspark) is not installed")
    from selang.data.spark import start_session

    with tempfile.TemporaryFile("w+") as seen:
        saved = [os.dup(1), os.dup(2)]
        os.dup2(seen.fileno(), 1)
        os.dup2(seen.fileno(), 2)
        try:
            words = io.StringIO()
            with contextlib.redirect_stdout(words), contextlib.redirect_stderr(words):
                session, log, _ = start_session("local[2]")
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
        seen.seek(0)
        printed = seen.read() + words.getvalue()
    session.conf.set("spark.sql.shuffle.partitions", "1")
    session.conf.set("spark.sql.adaptive.enabled", "false")
    yield session, printed
    session.stop()
    if log:
        os.unlink(log)


@pytest.mark.spark
@needs_java
def test_starting_spark_prints_nothing(spark):
    """The JVM's banner, warnings and progress bars go to a log file, not the terminal."""
    assert spark[1] == ""


# Each case is a Spark read and two Spark queries, which cost far more than DuckDB's.
@pytest.mark.spark
@needs_java
@settings(max_examples=max(settings().max_examples // 25, 6))
@given(case=contact_cases(), width=st.sampled_from((0, 0, 64)))
def test_spark_agrees_with_duckdb_and_the_evaluator(spark, case, width):
    """The keys Spark selects are DuckDB's and the evaluator's, and every funnel count Spark
    gives equals DuckDB's and the brute-force count (also for a funnel two words wide)."""
    from selang.data.spark import SparkRunner

    case = widened(case, width)

    with runner_for(case.data) as duck:
        duck_table = table_for(duck)
        duck_keys = {r[0] for r in duck.rows(to_sql(select_contacts(case.selection, duck_table)))}
        duck_counts = numbers(preview(case.selection, duck, duck_table))
    path = write_file(case.data, f"spark-{next(_names)}.parquet")
    runner = SparkRunner(path, session=spark[0])
    try:
        table = table_for(runner)
        sql = to_sql(select_contacts(case.selection, table), "spark")
        note(sql)
        keys = {row[0] for row in runner.rows(sql)}
        counts = numbers(preview(case.selection, runner, table))
    finally:
        runner.close()
    assert keys == duck_keys == expected_keys(case.selection, case.data)
    assert counts == duck_counts == expected_funnel(case.selection, case.data)


@pytest.mark.spark
@needs_java
def test_preview_engine_spark_on_the_examples(spark, capfd):
    """`selang preview --engine spark` prints the funnels DuckDB prints, exits 0, and says
    nothing on stderr (it uses the session this process already runs)."""
    argv = ["preview", "--contacts", CONTACTS, *CAMPAIGNS, "--format", "json"]
    assert main([*argv, "--engine", "spark"]) == 0
    on_spark = capfd.readouterr()
    assert main(argv) == 0
    duck_runs = json.loads(capfd.readouterr().out)
    assert on_spark.err == ""
    spark_runs = json.loads(on_spark.out)
    assert {r["engine"] for r in spark_runs} == {"spark"}
    for run in duck_runs:
        run["engine"] = "spark"
    assert spark_runs == duck_runs
    assert all(r["selected"] > 0 for r in spark_runs)
    assert spark[0].getActiveSession() is not None  # not stopped: it was not the command's


def test_spark_missing_source_is_a_message(capsys):
    """A contacts path that does not exist is exit 2 and one line, before any JVM starts."""
    code = main(["preview", "--engine", "spark", "--contacts", "no/such.parquet", *CAMPAIGNS])
    err = capsys.readouterr().err
    assert code == 2
    assert "no such file or folder `no/such.parquet`" in err
    assert "Traceback" not in err


def test_spark_without_pyspark_names_the_extra(monkeypatch, capsys):
    """Without pyspark, `--engine spark` says to install the `spark` extra and exits 2."""
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    code = main(["preview", "--engine", "spark", "--contacts", CONTACTS, *CAMPAIGNS])
    err = capsys.readouterr().err
    assert code == 2
    assert "pip install 'selang-cxone[spark]'" in err


def test_spark_master_needs_the_spark_engine(capsys):
    """`--spark-master` with the DuckDB engine is a usage error, not silently ignored."""
    code = main(["preview", "--spark-master", "local[1]", "--contacts", CONTACTS, *CAMPAIGNS])
    assert code == 2
    assert "--spark-master needs --engine spark" in capsys.readouterr().err


def test_source_format_by_extension_folder_or_catalogue(tmp_path):
    """Paths are read by their extension (a glob's too), a local folder by its files' format,
    a lake URI as Parquet, and a bare dotted name is a catalogue table; a local file of
    another format is refused."""
    from selang.data import DataError
    from selang.data.spark import source_format

    (tmp_path / "part-0.csv").write_text("list_id,contact_id\n")
    assert source_format("a/b/contacts.parquet") == "parquet"
    assert source_format("lake/*.ndjson") == "json"
    assert source_format("data.CSV") == "csv"
    assert source_format(str(tmp_path)) == "csv"
    assert source_format("s3a://bucket/contacts/") == "parquet"
    assert source_format("crm.contacts") is None
    (tmp_path / "crm.duckdb").write_bytes(b"")
    with pytest.raises(DataError, match="not a contacts file spark reads"):
        source_format(str(tmp_path / "crm.duckdb"))
    (tmp_path / "part-1.parquet").write_bytes(b"")
    with pytest.raises(DataError, match="holds no single one"):
        source_format(str(tmp_path))
