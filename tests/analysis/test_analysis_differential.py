"""The analysis against a brute-force oracle over small value pools (Hypothesis)."""

from decimal import Decimal

import pytest
from analysis_support import (
    R,
    brute_satisfiable,
    brute_values,
    by_field,
    check_contradiction,
    satisfied,
)
from hypothesis import given, note
from hypothesis import strategies as st

from selang.analysis import Contradiction, Satisfiable, analyse, evaluate, implies
from selang.analysis.solver import UNSAT, counterexample
from selang.core.values import Date, DateTime
from selang.semantic.model import OPERATORS

T = DateTime.parse
# Constants are kept short (strings of length ≤ 2) so the oracle's candidates stay few.
POOLS = {
    "number": [*range(-2, 3), *(Decimal(d) for d in ("0.5", "0.25", "0.75", "-1.5", "2.0"))],
    "string": ["", "a", "b", "\x00", "aa", "ab", "ba", "bb", "a\x00", "\x00a", "\x00\x00", "b\x00"],
    "date": [Date.parse(f"2023-01-0{d}") for d in range(1, 5)] + ["2023-01-02"],
    "datetime": [
        T("2023-01-01T00:00:00Z"),
        T("2023-01-01T00:00:00.000001Z"),
        T("2023-01-01T00:00:00.000002Z"),
        T("2023-01-01T01:00:00+01:00"),
        "2023-01-01T00:00:01Z",
    ],
    "boolean": [True, False],
}
FAMILIES = sorted(POOLS)
TEXT_OPERATORS = ("starts_with", "ends_with", "contains")


@st.composite
def rules_on(draw: st.DrawFn, fields: list[str], family: dict[str, str]) -> R:
    field = draw(st.sampled_from(fields))
    # Mostly one kind per field, sometimes another, so kind clashes come up too.
    kind = family[field] if draw(st.integers(0, 7)) else draw(st.sampled_from(FAMILIES))
    op = draw(st.sampled_from(OPERATORS))
    values = st.sampled_from(POOLS[kind])
    if op == "is_null":
        value = draw(st.booleans())
    elif op in TEXT_OPERATORS:
        value = draw(st.sampled_from(POOLS["string"]))
    elif op in ("in", "not_in"):
        value = tuple(draw(st.lists(values, min_size=1, max_size=3)))
    elif op == "between":
        value = (draw(values), draw(values))
    else:
        value = draw(values)
    return R(field, op, value)


@st.composite
def selections(draw: st.DrawFn, max_rules: int = 6) -> list[R]:
    fields = ["a", "b", "c"][: draw(st.integers(1, 3))]
    family = {f: draw(st.sampled_from(FAMILIES)) for f in fields}
    return draw(st.lists(rules_on(fields, family), min_size=1, max_size=max_rules))


@given(selections())
def test_analyse_agrees_with_brute_force(rules):
    """`analyse` is satisfiable exactly when the oracle finds a contact, with a valid witness."""
    verdict = analyse(rules)
    note(repr(verdict))
    assert isinstance(verdict, Satisfiable) == brute_satisfiable(rules)
    if isinstance(verdict, Satisfiable):
        assert satisfied(rules, verdict.example)
    else:
        check_contradiction(rules)
        assert not brute_satisfiable(list(verdict.core))


@given(selections(max_rules=4), st.data())
def test_implies_agrees_with_brute_force(premises, data):
    """`implies` holds exactly when no candidate contact passes the premises but not the goal."""
    fields = sorted({r.field for r in premises})
    family = {f: data.draw(st.sampled_from(FAMILIES)) for f in fields}
    goal = data.draw(rules_on(fields, family))
    result = implies(premises, goal)
    found = counterexample(premises, goal)
    if found is not UNSAT:
        assert not result
        assert all(evaluate(r, found) for r in premises if r.field == goal.field)
        assert not evaluate(goal, found)
    groups = by_field(premises)
    if not brute_satisfiable(premises):
        assert result  # nobody passes the premises
        return
    passing = brute_values(groups.get(goal.field, []), extra=goal)
    refuted = any(not evaluate(goal, v) for v in passing)
    if refuted:
        assert not result
    elif goal.operator != "contains":
        # Negated `contains` is the one rule the candidate argument does not cover.
        assert result


@given(selections(max_rules=8))
def test_every_rule_is_implied_by_the_selection_containing_it(rules):
    """A satisfiable selection implies each of its own rules; a contradiction implies anything."""
    verdict = analyse(rules)
    for rule in rules:
        assert implies(rules, rule)
    if isinstance(verdict, Contradiction):
        assert implies(rules, R("zz", "eq", 1))


ORDER_OPERATORS = ("eq", "neq", "in", "not_in", "gt", "gte", "lt", "lte", "between")
# A rule that forces the kind without narrowing it, so a value of another kind cannot
# stand in for a wrong answer on this one.
FORCE_KIND = {
    "number": R("f", "between", (-1000, 1000)),
    "string": R("f", "gte", ""),
    "date": R("f", "between", (Date.parse("2000-01-01"), Date.parse("2100-01-01"))),
    "datetime": R("f", "gt", T("2000-01-01T00:00:00Z")),
    "boolean": R("f", "in", (True, False)),
}


@st.composite
def one_kind_rules(draw: st.DrawFn, kind: str) -> list[R]:
    operators = ORDER_OPERATORS + (TEXT_OPERATORS if kind == "string" else ())
    values = st.sampled_from(POOLS[kind])
    rules = [FORCE_KIND[kind]]
    for op in draw(st.lists(st.sampled_from(operators), min_size=1, max_size=6)):
        if op in ("in", "not_in"):
            value = tuple(draw(st.lists(values, min_size=1, max_size=3)))
        elif op == "between":
            value = (draw(values), draw(values))
        else:
            value = draw(values)
        rules.append(R("f", op, value))
    return rules


@pytest.mark.parametrize("kind", FAMILIES)
@given(data=st.data())
def test_one_kind_agrees_with_brute_force(kind, data):
    """Within one kind, bounds, sets, patterns and exclusions are decided exactly."""
    rules = data.draw(one_kind_rules(kind))
    verdict = analyse(rules)
    note(repr(verdict))
    assert isinstance(verdict, Satisfiable) == brute_satisfiable(rules)
    if isinstance(verdict, Satisfiable):
        assert satisfied(rules, verdict.example)
    else:
        check_contradiction(rules)
