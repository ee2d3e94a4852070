"""Hypothesis strategies for contact data and selections, and the brute-force meaning of §6.

Shared by every engine's differential tests: `contact_cases()` draws a contacts table (typed
columns, several rows per contact, nulls, wildcard characters, text above the BMP) and a
selection over it; `expected_keys` and `expected_funnel` apply selang's own evaluator
(`selang.analysis.evaluate`) row by row, exactly as CONTRACT §6 words it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from selang.analysis import evaluate
from selang.core.diagnostics import Span
from selang.core.values import Date, DateTime, Scalar
from selang.semantic.model import OPERATORS, ListRef, Rule, Selection, Tier

SPAN = Span.point("case.sel")
LIST_COLUMN, KEY_COLUMN, TIER_COLUMN = "list_id", "contact_id", "priority_tier"
LISTS = ("L1", "L2", "L3", "DNC1", "DNC2")
KEYS = tuple(f"k{i}" for i in range(6))
TIERS = ("high", "low", "mid", "default")
TEXT_OPERATORS = ("starts_with", "ends_with", "contains")


def _day(text: str) -> Date:
    return Date.parse(text)


# Values a column of each kind holds, and the pool rule constants come from: equal bounds,
# wildcard characters, NUL, code points on both sides of the BMP's edge.
POOLS: dict[str, list[Any]] = {
    "number": [-2, 0, 1, 2, 10, Decimal("0.5"), Decimal("1.25"), Decimal("-1.5"), Decimal("2.0")],
    "string": [
        "", "a", "A", "ab", "b", "%", "_", "\\", "a%", "a_b", "%a", "x\\y", "\x00", "é",
        "\uffff", "\U0001f600", "a\U0001f600", "it's", '"q"',
    ],
    "date": [_day("2023-01-01"), _day("2023-01-02"), _day("2023-06-30"), _day("1999-12-31")],
    "datetime": [
        DateTime.parse("2023-01-01T00:00:00Z"),
        DateTime.parse("2023-01-01T00:00:00.000001Z"),
        DateTime.parse("2023-01-01T01:00:00+01:00"),
        DateTime.parse("2023-01-01T12:30:00Z"),
    ],
    "boolean": [True, False],
}  # fmt: skip
KINDS = sorted(POOLS)
# Column names as a back-quoted field may spell them.
FIELD_NAMES = ("a", "Last Name", 'q"uo`te', "100%_\\", "\U0001f600")


@attrs.frozen
class ContactData:
    """A contacts table: column kinds (special columns excluded) and rows as scalars or None."""

    kinds: Mapping[str, str]
    rows: tuple[Mapping[str, Any], ...]


@attrs.frozen
class Case:
    data: ContactData
    selection: Selection


@st.composite
def rules_for(draw: st.DrawFn, kinds: Mapping[str, str]) -> Rule:
    field = draw(st.sampled_from(sorted(kinds)))
    # Mostly the column's kind, sometimes another, so kind clashes come up too.
    kind = kinds[field] if draw(st.integers(0, 4)) else draw(st.sampled_from(KINDS))
    op = draw(st.sampled_from(OPERATORS))
    values = st.sampled_from(POOLS[kind])
    if op == "is_null":
        value: Any = draw(st.booleans())
    elif op in TEXT_OPERATORS:
        value = draw(st.sampled_from(POOLS["string"]))
    elif op in ("in", "not_in"):
        value = tuple(draw(st.lists(values, min_size=1, max_size=3)))
    elif op == "between":
        low = draw(values)
        value = (low, low) if draw(st.integers(0, 3)) == 0 else (low, draw(values))
    else:
        value = draw(values)
    if isinstance(value, Date | DateTime) and draw(st.booleans()):
        value = value.text  # as the JSON reader holds it: a string shaped like a date
    return Rule(field, op, value, SPAN)


@st.composite
def contact_data(draw: st.DrawFn, max_rows: int = 14) -> ContactData:
    names = draw(st.lists(st.sampled_from(FIELD_NAMES), min_size=1, max_size=3, unique=True))
    kinds = {n: draw(st.sampled_from(KINDS)) for n in names}
    row = st.fixed_dictionaries(
        {
            LIST_COLUMN: st.sampled_from(LISTS),
            KEY_COLUMN: st.sampled_from(KEYS),
            TIER_COLUMN: st.none() | st.sampled_from(TIERS),
            **{n: st.none() | st.sampled_from(POOLS[k]) for n, k in kinds.items()},
        }
    )
    rows = draw(st.lists(row, max_size=max_rows))
    return ContactData(kinds, tuple(rows))


@st.composite
def contact_cases(draw: st.DrawFn, max_rules: int = 4) -> Case:
    data = draw(contact_data())
    lists = st.lists(st.sampled_from(LISTS), max_size=3)
    targets = draw(lists.filter(bool))
    exclusions = draw(lists)
    rules = draw(st.lists(rules_for(data.kinds), max_size=max_rules))
    priority = draw(st.lists(st.sampled_from(TIERS), max_size=3))
    selection = Selection(
        "case",
        tuple(ListRef(i, SPAN) for i in targets),
        tuple(ListRef(i, SPAN) for i in exclusions),
        tuple(rules),
        tuple(Tier(t, SPAN) for t in priority),
        SPAN,
    )
    return Case(data, selection)


def widened(case: Case, width: int) -> Case:
    """The case with its rules repeated to `width` rules: a funnel whose bits fill more than
    one word (repeating a rule keeps the counts meaningful: each step is counted anew)."""
    if not case.selection.rules or width <= len(case.selection.rules):
        return case
    rules = tuple(itertools.islice(itertools.cycle(case.selection.rules), width))
    return attrs.evolve(case, selection=attrs.evolve(case.selection, rules=rules))


# --- §6 by brute force ----------------------------------------------------------------------


def _passes(rules: Sequence[Rule], row: Mapping[str, Any]) -> bool:
    return all(evaluate(rule, row.get(rule.field)) for rule in rules)


def _keys(selection: Selection, data: ContactData) -> tuple[set[str], set[str]]:
    targets = {r.id for r in selection.targets}
    exclusions = {r.id for r in selection.exclusions}
    targeted = {row[KEY_COLUMN] for row in data.rows if row[LIST_COLUMN] in targets}
    excluded = {row[KEY_COLUMN] for row in data.rows if row[LIST_COLUMN] in exclusions}
    return targeted, excluded


def _selecting(selection: Selection, data: ContactData, upto: int | None = None) -> dict:
    """Contact → its rows in a target list that pass the first `upto` rules (all by default)."""
    targets = {r.id for r in selection.targets}
    rules = selection.rules if upto is None else selection.rules[:upto]
    found: dict[str, list[Mapping[str, Any]]] = {}
    for row in data.rows:
        if row[LIST_COLUMN] in targets and _passes(rules, row):
            found.setdefault(row[KEY_COLUMN], []).append(row)
    return found


def expected_keys(selection: Selection, data: ContactData) -> set[str]:
    """The contacts §6 selects."""
    _, excluded = _keys(selection, data)
    return set(_selecting(selection, data)) - excluded


def expected_funnel(selection: Selection, data: ContactData) -> dict[str, Any]:
    """§6's numbers, counted one contact at a time (the JSON object's counting keys)."""
    targeted, excluded = _keys(selection, data)
    remaining = []
    for i in range(1, len(selection.rules) + 1):
        remaining.append(len(set(_selecting(selection, data, i)) - excluded))
    chosen = _selecting(selection, data)
    selected = set(chosen) - excluded
    order = [t.name for t in selection.priority]
    tiers = [0] * len(order)
    unranked = 0
    for key in selected:
        named = {row[TIER_COLUMN] for row in chosen[key]}
        place = next(
            (j for j, t in enumerate(order) if t == "default" or t in named),
            None,
        )
        if place is None:
            unranked += 1
        else:
            tiers[place] += 1
    return {
        "targeted": len(targeted),
        "excluded": len(targeted & excluded),
        "remaining": remaining,
        "selected": len(selected),
        "tiers": list(zip(order, tiers, strict=True)),
        "unranked": unranked,
    }


def numbers(result: Any) -> dict[str, Any]:
    """A `Preview`'s counts, keyed as `expected_funnel` keys them."""
    return {
        "targeted": result.targeted,
        "excluded": result.excluded,
        "remaining": [c.remaining for c in result.rules],
        "selected": result.selected,
        "tiers": list(result.tiers),
        "unranked": result.unranked,
    }


# --- loading a case into an engine ------------------------------------------------------------

SQL_TYPES = {
    "number": "DECIMAL(18, 4)",
    "string": "VARCHAR",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMPTZ",
}


def plain(value: Scalar | None) -> object:
    """A scalar as a database driver takes it: dates and instants as `datetime` objects."""
    if isinstance(value, Date | DateTime):
        return value.value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def columns(data: ContactData) -> list[tuple[str, str]]:
    """(column, kind) of every column, the three special ones first (all strings)."""
    special = [(LIST_COLUMN, "string"), (KEY_COLUMN, "string"), (TIER_COLUMN, "string")]
    return special + sorted(data.kinds.items())


def row_values(data: ContactData) -> list[tuple[object, ...]]:
    names = [name for name, _ in columns(data)]
    return [tuple(plain(row.get(n)) for n in names) for row in data.rows]


__all__ = [
    "KINDS",
    "POOLS",
    "SQL_TYPES",
    "Case",
    "ContactData",
    "columns",
    "contact_cases",
    "contact_data",
    "expected_funnel",
    "expected_keys",
    "numbers",
    "plain",
    "row_values",
    "rules_for",
    "widened",
]


# --- every rule on every value --------------------------------------------------------------


def every_rule(field: str) -> list[Rule]:
    """Each operator with each pool constant (as written and, for dates, as JSON text), `in`
    and `not_in` with one constant and with two of different kinds, `between` with every pair
    of one kind and some of two: every kind clash, bound and wildcard is in it."""
    constants: list[Any] = [v for kind in KINDS for v in POOLS[kind]]
    constants += [v.text for v in constants if isinstance(v, Date | DateTime)]
    rules = [Rule(field, "is_null", flag, SPAN) for flag in (True, False)]
    for op in ("eq", "neq", "gt", "gte", "lt", "lte"):
        rules += [Rule(field, op, c, SPAN) for c in constants]
    for op in ("in", "not_in"):
        rules += [Rule(field, op, (c,), SPAN) for c in constants]
        rules += [
            Rule(field, op, (a, b), SPAN) for a, b in zip(constants, constants[7:], strict=False)
        ]
    rules += [Rule(field, "between", (a, b), SPAN) for a in constants for b in constants]
    for op in TEXT_OPERATORS:
        rules += [Rule(field, op, s, SPAN) for s in POOLS["string"]]
    return rules
