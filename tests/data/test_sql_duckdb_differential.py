"""DuckDB running the SQL target agrees with selang's own evaluator applied as §6 says."""

from __future__ import annotations

from contact_strategies import contact_cases, expected_funnel, expected_keys
from duckdb_support import runner_for
from hypothesis import given, note, settings

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
        counted = preview(case.selection, runner, table)
    assert keys == expected_keys(case.selection, case.data)
    got = {
        "targeted": counted.targeted,
        "excluded": counted.excluded,
        "remaining": [c.remaining for c in counted.rules],
        "selected": counted.selected,
        "tiers": list(counted.tiers),
        "unranked": counted.unranked,
    }
    assert got == expected_funnel(case.selection, case.data)
