"""Nulls, booleans, mixed kinds and ill-formed rules."""

import pytest
from analysis_support import R, check_contradiction, check_satisfiable

from selang.analysis import Satisfiable, analyse


def test_null_and_not_null():
    """`is null` and `is not null` on one field contradict."""
    verdict = check_contradiction([R("email", "is_null", True), R("email", "is_null", False)])
    assert verdict.reason == "`email` must be null and not null"


@pytest.mark.parametrize(
    "rule", [R("f", "eq", 1), R("f", "neq", 1), R("f", "not_in", ("a",)), R("f", "contains", "")]
)
def test_null_conflicts_with_any_other_operator(rule):
    """Every operator but `is_null` is false on null, so it conflicts with `is null`."""
    verdict = check_contradiction([R("f", "is_null", True), rule])
    assert verdict.reason.startswith("`f` must be null but")


def test_null_is_a_witness():
    """A field that must be null is satisfied by null."""
    verdict = check_satisfiable([R("f", "is_null", True), R("f", "is_null", True)])
    assert verdict.example == {"f": None}


def test_booleans_have_two_values():
    """`in (true)` and `!= true` leave nothing; with `in (true, false)` false remains."""
    check_contradiction([R("b", "in", (True,)), R("b", "neq", True)])
    check_contradiction([R("b", "eq", True), R("b", "eq", False)])
    check_satisfiable([R("b", "in", (True, False)), R("b", "neq", True)])


def test_ordering_booleans_is_never_true():
    """`> false` holds for no value at all."""
    check_contradiction([R("b", "gt", False)], [0])
    check_contradiction([R("b", "between", (False, True))], [0])


def test_kind_clash():
    """A field cannot be a number and a string at once."""
    verdict = check_contradiction([R("f", "eq", 5), R("f", "starts_with", "a")])
    assert "a number" in verdict.reason and "a string" in verdict.reason


def test_negative_rules_force_no_kind():
    """`neq 5` and `not in` of numbers are met by a string, alongside `starts with`."""
    check_satisfiable([R("f", "neq", 5), R("f", "not_in", (1, 2)), R("f", "starts_with", "a")])
    check_satisfiable([R("f", "neq", 5), R("f", "is_null", False)])


def test_mixed_kind_sets_pick_the_kind_that_fits():
    """`in (1, "a")` with `starts with "a"` is met by the string."""
    verdict = check_satisfiable([R("f", "in", (1, "a")), R("f", "starts_with", "a")])
    assert verdict.example["f"] == "a"


def test_fields_are_independent():
    """A contradiction is found in its own field and the core stays there."""
    rules = [R("a", "gt", 1), R("b", "eq", 1), R("a", "lt", 5), R("b", "eq", 2)]
    verdict = check_contradiction(rules, [1, 3])
    assert verdict.field == "b"


@pytest.mark.parametrize(
    "rule",
    [
        R("f", "in", ()),
        R("f", "in", 5),
        R("f", "between", (1, 2, 3)),
        R("f", "eq", (1,)),
        R("f", "eq", None),
        R("f", "starts_with", 5),
        R("f", "is_null", "yes"),
        R("f", "unknown", 1),
        R(None, "eq", 1),
        R("f", "eq", float("nan")),
        object(),
    ],
)
def test_ill_formed_rules_are_ignored(rule):
    """A rule with an invalid shape is listed as ignored and never raises."""
    verdict = analyse([R("f", "eq", 1), rule])
    assert isinstance(verdict, Satisfiable)
    assert verdict.ignored == (rule,)
    assert verdict.example == {"f": 1}


def test_lists_are_accepted_for_tuples():
    """A JSON reader may hand over lists; they mean the same as tuples."""
    check_contradiction([R("f", "in", [1, 2]), R("f", "not_in", [1, 2])])
