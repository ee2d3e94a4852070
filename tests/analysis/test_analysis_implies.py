"""Implication between rules: the basis for redundant rules and selection implication."""

from decimal import Decimal

from analysis_support import R

from selang.analysis import implies
from selang.core.values import Date


def test_tighter_bound_implies_looser():
    """`> 5` implies `> 3` and `>= 5`, not `> 6`."""
    assert implies([R("a", "gt", 5)], R("a", "gt", 3))
    assert implies([R("a", "gt", 5)], R("a", "gte", 5))
    assert not implies([R("a", "gt", 5)], R("a", "gt", 6))


def test_any_other_rule_implies_not_null():
    """Every operator but `is null` already excludes null."""
    assert implies([R("a", "neq", 1)], R("a", "is_null", False))
    assert not implies([R("a", "is_null", True)], R("a", "is_null", False))
    assert not implies([], R("a", "is_null", False))


def test_kinds_matter():
    """`neq 5` does not imply `> 0`: a string passes the first and fails the second."""
    assert not implies([R("a", "neq", 5)], R("a", "gt", 0))
    assert implies([R("a", "gt", 5)], R("a", "neq", "x"))


def test_sets():
    """A subset implies membership in its superset, and exclusion of values outside it."""
    assert implies([R("s", "in", ("CA", "NY"))], R("s", "in", ("NY", "CA", "TX")))
    assert implies([R("s", "in", ("CA", "NY"))], R("s", "not_in", ("TX",)))
    assert not implies([R("s", "in", ("CA", "NY"))], R("s", "eq", "CA"))


def test_between_and_dates():
    """A date range inside another implies it; discrete days count."""
    inner = [R("d", "gt", Date.parse("2023-01-01")), R("d", "lt", Date.parse("2023-01-03"))]
    assert implies(inner, R("d", "eq", "2023-01-02"))
    assert implies([R("x", "between", (1, 2))], R("x", "between", (Decimal("0.5"), 2)))


def test_text_patterns():
    """`starts with "ab"` implies `contains "b"` and `>= "ab"`, not `ends with "b"`."""
    assert implies([R("s", "starts_with", "ab")], R("s", "contains", "b"))
    assert implies([R("s", "starts_with", "ab")], R("s", "gte", "ab"))
    assert not implies([R("s", "starts_with", "ab")], R("s", "ends_with", "b"))


def test_a_gap_character_can_be_the_counterexample():
    """Strings in ("\\0", "a") need not start with "\\0": a character between them exists."""
    premises = [R("s", "gt", "\x00"), R("s", "lt", "a")]
    assert not implies(premises, R("s", "starts_with", "\x00"))


def test_contradictory_premises_imply_anything():
    """No contact passes contradictory premises, so every conclusion holds vacuously."""
    assert implies([R("a", "gt", 1), R("a", "lt", 0)], R("b", "eq", 7))


def test_other_fields_do_not_matter():
    """Premises on other fields say nothing about the conclusion's field."""
    assert not implies([R("a", "eq", 1)], R("b", "eq", 1))
    assert implies([R("a", "eq", 1), R("b", "eq", 1)], R("b", "in", (1, 2)))


def test_ill_formed_conclusion_is_implied():
    """An ill-formed rule is ignored, so it excludes nobody and is implied by anything."""
    assert implies([], R("a", "in", ()))
