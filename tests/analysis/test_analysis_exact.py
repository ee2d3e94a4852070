"""Exactness: numbers beyond float range, date-time offsets, the calendar's UTC ends."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from analysis_support import R, check_contradiction, check_satisfiable

from selang.analysis import implies
from selang.analysis.normalize import normalize
from selang.checks import Context
from selang.core.diagnostics import Span
from selang.core.values import DateTime, classify_string
from selang.policies.contradiction import ContradictoryFilters
from selang.policies.redundant_rule import RedundantRule
from selang.policies.tautology import RuleExcludesNobody
from selang.semantic.model import Rule, Selection

HUGE = Decimal("1e400")
LONG = Decimal("1" + "0" * 400 + ".5")  # 401 digits before the point, as `.sel` writes them


@pytest.mark.parametrize("big", [HUGE, LONG])
def test_decimals_beyond_float_range_are_numbers(big):
    """`lt 1e400` is a well-formed rule: it fails on null, so with `is null` nobody passes."""
    assert normalize(R("x", "lt", big)) is not None
    check_contradiction([R("x", "lt", big), R("x", "is_null", True)], [0, 1])


@pytest.mark.parametrize("big", [HUGE, LONG])
def test_decimals_beyond_float_range_compare_exactly(big):
    """`gt 2.5` does not imply `lt 1e400` (b = 1e401 passes one and fails the other), and
    `between 1 and 1e400` excludes someone."""
    assert not implies([R("x", "gt", Decimal("2.5"))], R("x", "lt", big))
    assert implies([R("x", "lt", Decimal("2.5"))], R("x", "lt", big))
    assert not implies([], R("x", "between", (1, big)))
    assert implies([R("x", "eq", big * 10)], R("x", "gt", big))


def test_huge_exponents_are_decided_without_expanding_them():
    """`1e999999999` is twelve characters of JSON: deciding it builds no billion-digit number."""
    a, b = Decimal("1e999999999"), Decimal("1.5e999999999")
    check_satisfiable([R("x", "gt", a), R("x", "lt", b), R("x", "neq", Decimal("1.25e999999999"))])
    check_satisfiable([R("x", "lt", Decimal("-1.5e999999999"))])
    check_satisfiable(
        [R("x", "gt", Decimal("1e-999999999")), R("x", "lt", Decimal("2e-999999999"))]
    )
    reason = check_contradiction([R("x", "gt", b), R("x", "lte", a)]).reason
    assert "`> 1.5E+999999999`" in reason and len(reason) < 200  # not written out in full
    assert implies([R("x", "gt", b)], R("x", "gt", a))
    assert not implies([R("x", "gt", a)], R("x", "gt", b))


def test_numbers_are_never_floats():
    """A float is no scalar of the selection model: the analysis refuses it, never reads it."""
    assert normalize(R("x", "eq", 1.5)) is None


def test_offsets_past_59_minutes_are_not_date_times():
    """`+05:60` is no offset: the text stays a string (as an impossible date does)."""
    assert classify_string("2023-01-01T00:00:00+05:60") == "2023-01-01T00:00:00+05:60"
    assert classify_string("2023-01-01T00:00:00+24:00") == "2023-01-01T00:00:00+24:00"
    assert isinstance(classify_string("2023-01-01T00:00:00+23:59"), DateTime)
    with pytest.raises(ValueError, match="offset `\\+05:60` is not a time zone"):
        DateTime.parse("2023-01-01T00:00:00+05:60")


def test_instants_past_the_calendars_utc_ends_are_held_by_no_contact():
    """`0001-01-01T00:00:00+01:00` is 0000-12-31T23:00Z: a value, but not one a contact holds,
    so `==` it is a contradiction while `<=` it still admits nobody and `>` everything."""
    before = DateTime.parse("0001-01-01T00:00:00+01:00")
    check_contradiction([R("t", "eq", before)], [0])
    check_contradiction([R("t", "lte", before)], [0])
    check_satisfiable([R("t", "gt", before)])
    assert implies([R("t", "is_null", False)], R("t", "neq", before))


def _checks(*rules: Rule) -> list[tuple[str, int]]:
    """(code, line) of what SEL014, SEL019 and SEL020 report on these rules, one per line."""
    rules = tuple(attrs.evolve(r, span=Span.point("c.json", i + 1)) for i, r in enumerate(rules))
    selection = Selection("c", (), (), rules, (), Span.point("c.json"))
    context = Context("c.json")
    found = []
    for policy in (ContradictoryFilters(), RedundantRule(), RuleExcludesNobody()):
        found += [(d.code, d.span.line) for d in policy.check(selection, context)]
    return found


def _rule(field: str, op: str, value: object) -> Rule:
    return Rule(field, op, value, Span.point("c.json"))  # type: ignore[arg-type]


@pytest.mark.parametrize("big", [HUGE, LONG])
def test_checks_on_decimals_beyond_float_range(big):
    """The issue's cases through the policies: SEL014 for `< 1e400` with `is null`, no SEL019
    for `> 2.5` with `< 1e400`, no SEL020 for `between 1 and 1e400`, and a real SEL019 for
    `< 1e400` beside `< 2.5`, naming `< 2.5`."""
    assert _checks(_rule("x", "lt", big), _rule("x", "is_null", True)) == [("SEL014", 1)]
    assert _checks(_rule("z", "gt", Decimal("2.5")), _rule("z", "lt", big)) == []
    assert _checks(_rule("y", "between", (1, big))) == []
    assert _checks(_rule("w", "lt", big), _rule("w", "lt", Decimal("2.5"))) == [("SEL019", 1)]


@pytest.mark.parametrize(
    "low, high",
    [
        ("1.00000000000000000000000000001", "1.00000000000000000000000000002"),
        ("1e-3000", "2e-3000"),
        ("1e-5000", "2e-5000"),
        ("-2e-3000", "-1e-3000"),
        ("9.9e4000", "1.01e4001"),  # one key expanded, the other kept as a decimal
        ("-1.01e4001", "-9.9e4000"),
    ],
)
def test_witnesses_between_close_decimals_are_exact(low, high):
    """The example between two close decimals is a number strictly between them, however many
    digits it takes (no rounding to a context's precision)."""
    check_satisfiable([R("x", "gt", Decimal(low)), R("x", "lt", Decimal(high))])
