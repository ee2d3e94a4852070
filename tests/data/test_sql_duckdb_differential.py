"""DuckDB running the SQL target agrees with selang's own evaluator applied as §6 says."""

from __future__ import annotations

from contact_strategies import contact_cases, expected_funnel, expected_keys, numbers, widened
from duckdb_support import REWRITTEN, as_duckdb, runner_for
from hypothesis import given, note, settings
from hypothesis import strategies as st

from selang.data.preview import preview, table_for
from selang.targets.sql import select_contacts, to_sql


# Each case loads a table and runs two queries: a third of the profile's examples.
@settings(max_examples=max(settings().max_examples // 3, 20))
@given(contact_cases())
def test_duckdb_agrees_with_the_evaluator(case):
    """`select_contacts` returns exactly the keys the brute-force §6 selects, and every number
    of `preview` (one funnel query) is the brute-force count."""
    with runner_for(case.data) as runner:
        table = table_for(runner)
        sql = to_sql(select_contacts(case.selection, table), "duckdb")
        note(sql)
        keys = {row[0] for row in runner.rows(sql)}
        for dialect in REWRITTEN:  # their rewrites (collation, suffixes) mean the same
            query = as_duckdb(to_sql(select_contacts(case.selection, table), dialect), dialect)
            assert {row[0] for row in runner.rows(query)} == keys, dialect
        counted = preview(case.selection, runner, table)
    assert keys == expected_keys(case.selection, case.data)
    assert numbers(counted) == expected_funnel(case.selection, case.data)


@settings(max_examples=max(settings().max_examples // 5, 10))
@given(contact_cases(), st.integers(58, 70))
def test_a_funnel_wider_than_one_word_counts_the_same(case, width):
    """Sixty rules and more put the funnel's bits in two words; each count still is §6's."""
    case = widened(case, width)
    with runner_for(case.data) as runner:
        counted = preview(case.selection, runner, table_for(runner))
    assert numbers(counted) == expected_funnel(case.selection, case.data)
