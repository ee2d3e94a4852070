"""Every rule's SQL predicate, on every value of every kind, against the evaluator (DuckDB).

Each column holds each value of its kind's pool and a null; thousands of predicates run as
the columns of a few queries, so this covers every operator, constant and kind clash at once.
"""

from __future__ import annotations

import itertools

import pytest
from contact_strategies import KINDS, POOLS, SQL_TYPES, every_rule, plain
from duckdb_support import connection
from sqlglot import exp

from selang.analysis import evaluate
from selang.data.duckdb import DuckDBRunner
from selang.targets.sql import ContactsTable, rule_predicate

BATCH = 400


@pytest.fixture(scope="module")
def values():
    """Table `kind_values`: one row per (kind, value) with only that kind's column filled."""
    con = connection()
    columns = ", ".join(f'"{k}" {SQL_TYPES[k]}' for k in KINDS)
    con.execute(f"CREATE OR REPLACE TABLE kind_values (id INTEGER, {columns})")
    rows = []
    for kind in KINDS:
        for value in [*POOLS[kind], None]:
            rows.append((len(rows), kind, value))
    for i, kind, value in rows:
        con.execute(f'INSERT INTO kind_values (id, "{kind}") VALUES (?, ?)', [i, plain(value)])
    DuckDBRunner.of_connection(con, "kind_values")  # the runner's session settings
    return con, rows


@pytest.mark.parametrize("kind", KINDS)
def test_every_predicate_matches_the_evaluator(values, kind):
    """For a column of this kind, each rule's SQL is TRUE exactly where `evaluate` is."""
    con, rows = values
    mine = [(i, value) for i, of, value in rows if of == kind]
    table = ContactsTable(name="kind_values", types={kind: kind})
    rules = every_rule(kind)
    wrong = []
    for start in range(0, len(rules), BATCH):
        batch = rules[start : start + BATCH]
        query = (
            exp.select(
                exp.column("id"),
                *(exp.alias_(rule_predicate(r, table), f"p{j}") for j, r in enumerate(batch)),
            )
            .from_("kind_values")
            .where(exp.column("id").isin(*(i for i, _ in mine)))
        )
        sql = query.sql(dialect="duckdb", copy=False)  # a fresh tree: no need to copy it
        got = {row[0]: row[1:] for row in con.execute(sql).fetchall()}
        for (i, value), (j, rule) in itertools.product(mine, enumerate(batch)):
            if got[i][j] is not evaluate(rule, value):
                wrong.append((rule.operator, rule.value, value, got[i][j]))
    assert not wrong, wrong[:20]
