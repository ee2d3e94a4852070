"""`compare` on the hand-picked edges of CONTRACT §2: bounds, calendar days, nulls, kinds, lists."""

from decimal import Decimal

from analysis_support import R
from compare_support import sel, valid_witness

from selang.analysis import compare
from selang.core.values import Date, DateTime


def test_strict_and_closed_bounds_differ_on_a_fraction():
    """`age > 17` is broader than `age >= 18`: numbers are reals, and 17.5 passes only one."""
    old, new = sel([R("age", "gt", 17)]), sel([R("age", "gte", 18)])
    result = compare(old, new)
    assert result.verdict == "narrower"
    assert result.gained is None
    assert result.lost is not None and result.lost.values() == {"age": Decimal("17.5")}
    assert valid_witness(result.lost, old, new)


def test_dates_are_calendar_days():
    """`d > 2023-01-01` and `d >= 2023-01-02` select the same contacts: no day lies between."""
    old = sel([R("d", "gt", Date.parse("2023-01-01"))])
    new = sel([R("d", "gte", Date.parse("2023-01-02"))])
    assert compare(old, new).verdict == "equivalent"


def test_date_times_are_instants():
    """Between two instants a microsecond apart there is none, but a later one differs."""
    t = DateTime.parse
    old = sel([R("at", "gt", t("2023-01-01T00:00:00Z"))])
    same = sel([R("at", "gte", t("2023-01-01T00:00:00.000001Z"))])
    later = sel([R("at", "gte", t("2023-01-01T00:00:01Z"))])
    assert compare(old, same).verdict == "equivalent"
    assert compare(old, later).verdict == "narrower"


def test_not_equal_is_narrower_than_not_null():
    """`x != 5` drops the contacts holding 5 that `x is not null` keeps, and adds nobody."""
    old, new = sel([R("x", "is_null", False)]), sel([R("x", "neq", 5)])
    result = compare(old, new)
    assert result.verdict == "narrower"
    assert result.lost is not None and result.lost.values() == {"x": 5}


def test_a_negated_rule_includes_null_and_other_kinds():
    """Dropping `age >= 18` gains contacts with no age; dropping `age is not null` as well."""
    result = compare(sel([R("age", "gte", 18)]), sel([]))
    assert result.verdict == "broader"
    assert result.gained is not None and result.gained.values() == {"age": None}
    kinds = compare(sel([R("age", "gte", 18)]), sel([R("age", "is_null", False)]))
    assert kinds.gained is not None and kinds.gained.values()["age"] is not None


def test_the_witness_passes_the_other_sides_remaining_rules():
    """The witness differs from what the other side selects only in the field that must."""
    old = sel([R("age", "gte", 17), R("state", "in", ("CA", "NY"))])
    new = sel([R("age", "gte", 18), R("state", "in", ("CA", "NY"))])
    result = compare(old, new)
    assert result.verdict == "narrower"
    assert result.lost is not None
    assert result.lost.lists == ("list_a",)
    assert result.lost.values() == {"age": 17, "state": "CA"}


def test_a_removed_exclusion_gains_its_members():
    """Dropping an exclusion list gains a contact in a target list and in the dropped one."""
    old = sel([R("age", "gte", 18)], exclusions=["list_dnc"])
    new = sel([R("age", "gte", 18)])
    result = compare(old, new)
    assert result.verdict == "broader"
    assert result.exclusion_removed == ("list_dnc",)
    assert result.gained is not None and result.gained.lists == ("list_a", "list_dnc")
    assert valid_witness(result.gained, new, old)


def test_a_new_target_list_gains_its_members():
    """A newly targeted list gains a contact that is only in it."""
    old, new = sel(targets=["list_a"]), sel(targets=["list_a", "list_b"])
    result = compare(old, new)
    assert result.verdict == "broader"
    assert result.target_added == ("list_b",)
    assert result.gained is not None and result.gained.lists == ("list_b",)


def test_a_target_list_also_excluded_selects_nobody_through_it():
    """A list both targeted and excluded gains nobody, and loses members of both lists."""
    old = sel(targets=["list_a"])
    new = sel(targets=["list_a", "list_b"], exclusions=["list_b"])
    result = compare(old, new)
    assert result.verdict == "narrower"
    assert result.lost is not None and result.lost.lists == ("list_a", "list_b")
    nobody = sel(targets=["list_b"], exclusions=["list_b"])
    assert compare(nobody, sel([R("x", "lt", 1), R("x", "gt", 2)])).same


def test_two_empty_selections_are_equivalent():
    """Contradictory rules on both sides select nobody either way, whatever the lists."""
    old = sel([R("x", "gt", 5), R("x", "lt", 1)], targets=["list_a"])
    new = sel([R("y", "eq", "a"), R("y", "eq", "b")], targets=["list_b"])
    assert compare(old, new).verdict == "equivalent"
    assert compare(old, sel()).verdict == "broader"


def test_a_priority_only_change_is_equivalent_with_priority_changed():
    """Reordering priority tiers changes no contact but is reported."""
    old = sel([R("x", "eq", 1)], priority=["high", "low"])
    new = sel([R("x", "eq", 1)], priority=["low", "high"])
    result = compare(old, new)
    assert result.verdict == "equivalent"
    assert result.priority_changed
    assert not compare(old, old).priority_changed


def test_reordered_and_rewritten_rules_are_equivalent():
    """Reordered sets and implied rules change nobody; `between` is broader than `in`."""
    old = sel([R("x", "in", (1, 2)), R("s", "starts_with", "ab")])
    new = sel([R("s", "starts_with", "a"), R("s", "starts_with", "ab"), R("x", "in", (2, 1))])
    assert compare(old, new).verdict == "equivalent"
    between = sel([R("x", "between", (1, 2)), R("s", "starts_with", "ab")])
    assert compare(old, between).verdict == "broader"


def test_ill_formed_rules_exclude_nobody():
    """A rule whose value shape is invalid is ignored on both sides, as `analyse` ignores it."""
    old = sel([R("x", "between", (1,))])
    assert compare(old, sel()).verdict == "equivalent"
