"""The reference meaning of one rule on one value (CONTRACT §2)."""

from decimal import Decimal

import pytest
from analysis_support import R

from selang.analysis import evaluate
from selang.core.values import Date, DateTime

D = Date.parse
T = DateTime.parse


@pytest.mark.parametrize("op", ["eq", "neq", "gt", "lt", "in", "not_in", "starts_with"])
def test_null_fails_every_operator_but_is_null(op):
    """A null field fails every operator except `is_null`."""
    value = ("a",) if op in ("in", "not_in") else "a"
    assert not evaluate(R("f", op, value), None)
    assert evaluate(R("f", "is_null", True), None)
    assert not evaluate(R("f", "is_null", False), None)


def test_numbers_compare_exactly_across_int_and_decimal():
    """An integer and a decimal of the same value are equal, and order is exact."""
    assert evaluate(R("f", "eq", 1), Decimal("1.00"))
    assert evaluate(R("f", "gt", Decimal("0.1")), Decimal("0.10000000000000000001"))
    assert not evaluate(R("f", "gt", Decimal("0.1")), Decimal("0.1"))


def test_kinds_never_compare():
    """A number is never equal to, above or below a string, a boolean or a date."""
    assert not evaluate(R("f", "eq", 1), "1")
    assert not evaluate(R("f", "eq", 1), True)
    assert not evaluate(R("f", "gt", 0), "z")
    assert not evaluate(R("f", "lt", D("2030-01-01")), T("2020-01-01T00:00:00Z"))


def test_neq_holds_for_other_kinds_but_not_null():
    """`neq v` means non-null and not equal to v, so a string passes `neq 5`."""
    assert evaluate(R("f", "neq", 5), "x")
    assert evaluate(R("f", "not_in", (5, 6)), "x")
    assert not evaluate(R("f", "neq", 5), None)
    assert not evaluate(R("f", "neq", 5), Decimal("5.0"))


def test_booleans_have_no_order():
    """Ordering operators never hold for booleans."""
    assert not evaluate(R("f", "gt", False), True)
    assert not evaluate(R("f", "lte", True), True)
    assert evaluate(R("f", "in", (True,)), True)


def test_date_shaped_strings_in_rules_are_dates():
    """A rule constant shaped like an ISO date compares as that date, not as text."""
    assert evaluate(R("f", "gt", "2023-01-01"), D("2023-01-02"))
    assert not evaluate(R("f", "gt", "2023-01-01"), "2023-01-02")
    assert evaluate(R("f", "eq", "2023-01-01T01:00:00+01:00"), T("2023-01-01T00:00:00Z"))


def test_text_operators_take_the_constant_as_a_string():
    """`starts_with` and friends hold only for string values, never classifying the constant."""
    assert evaluate(R("f", "starts_with", "2023-01-01"), "2023-01-01x")
    assert not evaluate(R("f", "contains", "1"), 1)
    assert evaluate(R("f", "ends_with", ""), "")


def test_between_is_inclusive_and_kind_checked():
    """`between` includes both ends and never holds when its ends differ in kind."""
    assert evaluate(R("f", "between", (1, 2)), 2)
    assert not evaluate(R("f", "between", (1, "z")), 1)


def test_strings_order_by_code_point():
    """Strings compare by code point, so upper case sorts before lower case."""
    assert evaluate(R("f", "lt", "a"), "Z")
    assert evaluate(R("f", "gt", "a"), "a\x00")


def test_ill_formed_rules_exclude_nobody():
    """A rule with an invalid value shape holds for every value, as the analysis ignores it."""
    for rule in (R("f", "in", ()), R("f", "between", (1,)), R("f", "eq", [1]), R("f", "bogus", 1)):
        assert evaluate(rule, None)
        assert evaluate(rule, 3)
