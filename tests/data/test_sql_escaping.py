"""No value or field name breaks out of its place in the SQL, in any dialect (Hypothesis)."""

from __future__ import annotations

import sqlglot
from contact_strategies import ContactData
from duckdb_support import runner_for
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from selang.core.diagnostics import Span
from selang.semantic.model import ListRef, Rule, Selection
from selang.targets.sql import DIALECTS, ContactsTable, select_contacts, to_sql

SPAN = Span.point("fuzz.sel")
# Every code point a UTF-8 string can hold: quotes, backslashes, `%`, `_`, NUL, above the BMP.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
TRICKY = st.sampled_from(["'", '"', "`", "\\", "%", "_", "\x00", "\U0001f600", "';--", "\\'"])
VALUES = st.lists(TRICKY | TEXT, min_size=1, max_size=3).map("".join)
NAMES = VALUES.filter(bool)
TEXT_OPERATORS = ("starts_with", "ends_with", "contains")


def _selection(field: str, value: str, lists: tuple[str, ...] = ("L1",)) -> Selection:
    rules = tuple(Rule(field, op, value, SPAN) for op in TEXT_OPERATORS)
    targets = tuple(ListRef(i, SPAN) for i in lists)
    return Selection("fuzz", targets, (), rules, (), SPAN)


@settings(max_examples=max(settings().max_examples // 3, 20))
@given(NAMES, VALUES, st.lists(VALUES.filter(bool), min_size=1, max_size=2))
def test_every_dialect_reparses_with_values_and_names_in_place(field, value, lists):
    """Each dialect's SQL parses back in that dialect, with the value as whole string literals
    and the field and list ids unchanged."""
    table = ContactsTable(types={field: "string"})
    for dialect in DIALECTS:
        sql = to_sql(select_contacts(_selection(field, value, tuple(lists)), table), dialect)
        parsed = sqlglot.parse_one(sql, read=dialect)
        strings = {lit.this for lit in parsed.find_all(exp.Literal) if lit.is_string}
        names = {i.this for i in parsed.find_all(exp.Identifier)}
        assert value in strings, (dialect, sql)
        assert set(lists) <= strings, (dialect, sql)
        assert field in names, (dialect, sql)


@settings(max_examples=max(settings().max_examples // 5, 20))
@given(NAMES, VALUES)
def test_duckdb_matches_the_value_literally(field, value):
    """A contact whose field holds exactly the value passes starts/ends with and contains it;
    one holding the value with a character changed does not (no wildcard, no escape)."""
    if field in ("list_id", "contact_id", "priority_tier"):
        field = field + "!"
    data = ContactData(
        {field: "string"},
        (
            {"list_id": "L1", "contact_id": "same", field: value},
            {"list_id": "L1", "contact_id": "other", field: _changed(value)},
        ),
    )
    with runner_for(data) as runner:
        table = ContactsTable(types={field: "string"}, data_types=runner.columns())
        rows = runner.rows(to_sql(select_contacts(_selection(field, value), table), "duckdb"))
    expected = {"same"} | ({"other"} if value == "" else set())
    assert {r[0] for r in rows} == expected


def _changed(value: str) -> str:
    """Same length, one character different: `%` and `_` would match it as wildcards."""
    if not value:
        return "x"
    last = value[-1]
    return value[:-1] + ("a" if last != "a" else "b")
