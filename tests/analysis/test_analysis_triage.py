"""The shortcut that settles lone rules without the solver, against the solver itself."""

from decimal import Decimal

import pytest
from analysis_support import R, check_contradiction, check_satisfiable
from hypothesis import given
from hypothesis import strategies as st

from selang.analysis import RuleSet, Satisfiable, analyse, implies, solver
from selang.analysis.constraints import Constraint
from selang.analysis.normalize import HOLDS_ALONE, normalize, triage
from selang.analysis.solver import UNSAT, witness
from selang.core.values import Date, DateTime
from selang.semantic.model import OPERATORS

D, T = Date.parse, DateTime.parse
# Values around every edge the shortcut reasons about: the calendar's ends (an offset can
# push an instant past them), the empty string, non-finite numbers, wrong shapes.
SCALARS = [
    0,
    -3,
    7,
    True,
    False,
    Decimal("2.5"),
    Decimal("NaN"),
    Decimal("Infinity"),
    1.5,
    float("inf"),
    "",
    "a",
    "2023-01-02",
    "2023-01-01T00:00:00Z",
    "9999-12-31",
    D("0001-01-01"),
    D("2023-01-01"),
    D("9999-12-31"),
    T("0001-01-01T00:00:00Z"),
    T("0001-01-01T00:00:00+01:00"),
    T("2023-01-01T00:00:00Z"),
    T("9999-12-31T23:59:59.999999Z"),
    T("9999-12-31T23:59:59.999999-01:00"),
    None,
    object(),
]
VALUES = st.one_of(
    st.sampled_from(SCALARS),
    st.lists(st.sampled_from(SCALARS), max_size=3).map(tuple),
    st.lists(st.sampled_from(SCALARS), max_size=3),
)
ANY_RULE = st.builds(
    R,
    st.sampled_from(["f", 1, None]),
    st.sampled_from([*OPERATORS, "like", None]),
    VALUES,
)


@given(ANY_RULE)
def test_triage_refuses_exactly_what_normalize_refuses(rule):
    """A rule is set aside by the shortcut exactly when `normalize` would refuse it."""
    assert (triage(rule) is None) == (normalize(rule) is None)


@given(ANY_RULE)
def test_a_rule_that_holds_alone_has_a_witness(rule):
    """When the shortcut says a lone rule holds for some value, the solver finds one."""
    found = triage(rule)
    if found is not None and found[1] == HOLDS_ALONE:
        atom = normalize(rule)
        assert atom is not None
        assert witness([Constraint(atom)]) is not UNSAT


@given(ANY_RULE)
def test_a_rule_excludes_nobody_exactly_when_it_is_ignored(rule):
    """`implies([], rule)` holds exactly for the rules a `RuleSet` sets aside (SEL020's basis)."""
    assert implies([], rule) == (RuleSet.of([rule]).ignored == (0,))


@pytest.mark.parametrize(
    "rule",
    [
        R("d", "gt", D("9999-12-31")),
        R("d", "lt", "0001-01-01"),
        R("t", "gt", T("9999-12-31T23:59:59.999999Z")),
        R("t", "gte", T("9999-12-31T23:59:59.999999-01:00")),
        R("t", "lte", T("0001-01-01T00:00:00+01:00")),
        R("s", "lt", ""),
        R("b", "gte", True),
        R("n", "between", (5, 1)),
        R("n", "between", (Decimal("1.5"), 1)),
        R("s", "between", ("b", "a")),
        R("d", "between", (D("2023-01-02"), "2023-01-01")),
        R("x", "between", (1, "a")),
        R("t", "eq", T("0001-01-01T00:00:00+01:00")),
        R("t", "eq", "9999-12-31T23:59:59.999999-01:00"),
        R("t", "in", (T("0001-01-01T00:00:00+01:00"), "9999-12-31T23:59:59.999999-01:00")),
    ],
)
def test_lone_rules_no_value_passes(rule):
    """A lone rule no value passes is still a contradiction, with itself as the core."""
    check_contradiction([rule], [0])


@pytest.mark.parametrize(
    "rule",
    [
        R("d", "gte", D("9999-12-31")),
        R("t", "lt", T("0001-01-01T00:00:00.000001Z")),
        R("t", "lte", T("9999-12-31T23:59:59.999999-01:00")),
        R("s", "lte", ""),
        R("n", "between", (Decimal("1.5"), Decimal("1.50"))),
        R("d", "between", ("2023-01-01", D("2023-01-01"))),
        R("f", "not_in", (True, False)),
        R("f", "neq", ""),
        R("t", "neq", T("0001-01-01T00:00:00+01:00")),
        R("t", "in", (T("0001-01-01T00:00:00+01:00"), 1)),
    ],
)
def test_lone_rules_at_the_edges_hold(rule):
    """Lone rules right at an edge are satisfiable, with a witness that passes them."""
    check_satisfiable([rule])


def test_example_is_found_on_first_use(monkeypatch):
    """Only fields the shortcut cannot settle are solved up front; the rest wait for `example`."""
    calls = []
    real = solver.witness
    monkeypatch.setattr(solver, "witness", lambda cs: calls.append(cs) or real(cs))
    verdict = analyse([R("a", "gt", 1), R("b", "starts_with", "x"), R("a", "lt", 3)])
    assert isinstance(verdict, Satisfiable)
    assert len(calls) == 1  # field `a`
    assert verdict.example == {"a": 2, "b": "x"}
    assert len(calls) == 2
    assert verdict.example is verdict.example
    assert verdict == Satisfiable({"a": 2, "b": "x"})
