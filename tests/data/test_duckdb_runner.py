"""The DuckDB runner: the kinds it reads from a schema, and the session it runs in."""

from __future__ import annotations

import pytest

from selang.data.duckdb import DuckDBRunner, kind_of


@pytest.mark.parametrize(
    ("sql_type", "kind"),
    [
        ("VARCHAR", "string"),
        ("BIGINT", "number"),
        ("DECIMAL(18,4)", "number"),
        ("DOUBLE", "number"),
        ("BOOLEAN", "boolean"),
        ("DATE", "date"),
        ("TIMESTAMP", "datetime"),
        ("TIMESTAMP WITH TIME ZONE", "datetime"),
        ("INTEGER[]", "integer[]"),
        ("STRUCT(a INTEGER)", "struct(a integer)"),
    ],
)
def test_column_types_become_kinds(sql_type, kind):
    """Each DuckDB type is one of §2's kinds, or keeps its own name when rules cannot use it."""
    assert kind_of(sql_type) == kind


def test_the_session_reads_instants_in_utc_and_never_prints_a_bar(contacts):
    """Naive timestamps are UTC, and DuckDB's own progress bar (written to stdout) is off."""
    runner = DuckDBRunner(str(contacts("contacts.parquet")), progress=False)
    try:
        settings = runner.rows(
            "SELECT current_setting('TimeZone'), current_setting('enable_progress_bar_print')"
        )
        assert settings == [("UTC", False)]
        assert runner.columns() == {
            "list_id": "string",
            "contact_id": "string",
            "age": "number",
            "status": "string",
            "priority_tier": "string",
            "last_call": "date",
        }
    finally:
        runner.close()
