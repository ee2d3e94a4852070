"""Contradictions and witnesses on numbers, dates and date-times."""

from decimal import Decimal

from analysis_support import R, check_contradiction, check_satisfiable

from selang.core.values import Date, DateTime

D = Date.parse
T = DateTime.parse


def test_disjoint_ranges_contradict():
    """`age > 65 and age < 18` is a contradiction explained by both bounds."""
    verdict = check_contradiction([R("age", "gt", 65), R("age", "lt", 18)], [0, 1])
    assert verdict.reason == "`age` cannot be both `> 65` and `< 18`"


def test_numbers_are_dense():
    """There is a number strictly between 1 and 2, and it is found exactly."""
    verdict = check_satisfiable([R("x", "gt", 1), R("x", "lt", 2)])
    assert verdict.example["x"] == Decimal("1.5")


def test_decimal_bounds_touching():
    """`x >= 0.5 and x <= 0.5` allows only 0.5, which `x != 0.5` then rules out."""
    check_satisfiable([R("x", "gte", Decimal("0.5")), R("x", "lte", Decimal("0.5"))])
    check_contradiction(
        [
            R("x", "gte", Decimal("0.5")),
            R("x", "lte", Decimal("0.50")),
            R("x", "neq", Decimal("0.5")),
        ]
    )
    check_contradiction([R("x", "gt", Decimal("0.5")), R("x", "lte", Decimal("0.5"))])


def test_excluded_points_do_not_empty_an_interval():
    """Removing finitely many points leaves an open interval satisfiable."""
    rules = [R("x", "gt", 0), R("x", "lt", 1), R("x", "not_in", (Decimal("0.5"), Decimal("0.25")))]
    check_satisfiable(rules)


def test_between_reversed_is_a_contradiction_on_its_own():
    """`between 5 and 1` admits nothing, so it is a core of one rule."""
    verdict = check_contradiction([R("x", "gt", 0), R("x", "between", (5, 1))], [1])
    assert verdict.reason == "no value of `x` satisfies `between 5 and 1`"


def test_equalities_and_sets():
    """Finite sets intersect exactly; the core names the conflicting pair."""
    check_satisfiable([R("x", "in", (1, 2, 3)), R("x", "in", (3, 4)), R("x", "neq", 1)])
    check_contradiction(
        [R("x", "in", (1, 2)), R("x", "gte", 0), R("x", "in", (2, 3)), R("x", "neq", 2)], [0, 2, 3]
    )
    check_contradiction([R("x", "eq", 1), R("x", "eq", Decimal("1.5"))])


def test_dates_are_whole_days():
    """No day lies strictly between two consecutive days."""
    check_contradiction([R("d", "gt", D("2023-01-01")), R("d", "lt", D("2023-01-02"))])
    verdict = check_satisfiable([R("d", "gt", D("2023-01-01")), R("d", "lt", D("2023-01-03"))])
    assert verdict.example["d"] == D("2023-01-02")


def test_dates_written_as_strings_are_dates():
    """A date-shaped string in a rule is the date, so it clashes with a numeric rule."""
    check_satisfiable([R("d", "gte", "2023-01-01"), R("d", "lte", D("2023-01-01"))])
    check_contradiction([R("d", "gt", "2023-01-01"), R("d", "lt", "2023-01-02")])
    check_contradiction([R("d", "gt", "2023-01-01"), R("d", "lt", 5)])


def test_dates_and_date_times_are_different_kinds():
    """A date never equals a date-time, even at midnight."""
    check_contradiction([R("d", "eq", D("2023-01-01")), R("d", "eq", T("2023-01-01T00:00:00Z"))])


def test_date_range_ends_at_the_calendar():
    """There is no day after 9999-12-31."""
    check_contradiction([R("d", "gt", D("9999-12-31"))])


def test_date_times_compare_as_instants():
    """Date-times with different offsets but the same instant are equal."""
    check_satisfiable(
        [R("t", "eq", T("2023-01-01T01:00:00+01:00")), R("t", "eq", T("2023-01-01T00:00:00Z"))]
    )
    verdict = check_satisfiable(
        [R("t", "gt", T("2023-01-01T00:00:00Z")), R("t", "lt", T("2023-01-01T00:00:01Z"))]
    )
    assert isinstance(verdict.example["t"], DateTime)


def test_date_times_resolve_to_microseconds():
    """Two instants one microsecond apart leave no instant strictly between them."""
    check_contradiction(
        [R("t", "gt", T("2023-01-01T00:00:00Z")), R("t", "lt", T("2023-01-01T00:00:00.000001Z"))]
    )
