"""Thousands of rules on one field: the analysis stays exact and reads each rule a bounded
number of times, so a raised rule limit does not turn `check` or `diff` quadratic."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from selang.analysis import Satisfiable, analyse, compare, constraints, evaluate
from selang.checks import Context
from selang.checks.config import Config
from selang.core.diagnostics import Diagnostic, Span
from selang.policies.contradiction import ContradictoryFilters
from selang.policies.redundant_rule import RedundantRule
from selang.semantic.model import ListRef, Rule, Selection

SPAN = Span.point("c.json")


def _rules(spec: list[tuple[str, str, object]]) -> tuple[Rule, ...]:
    # One line per rule, so a diagnostic's line names its rule.
    return tuple(
        Rule(f, op, v, Span.point("c.json", i + 1))  # type: ignore[arg-type]
        for i, (f, op, v) in enumerate(spec)
    )


def _selection(rules: tuple[Rule, ...]) -> Selection:
    return Selection("c", (ListRef("list_a", SPAN),), (), rules, (), SPAN)


def _check(rules: tuple[Rule, ...]) -> list[Diagnostic]:
    """What SEL014 and SEL019 report with the rule limit raised past these rules."""
    selection = _selection(rules)
    context = Context("c.json", Config(max_rules=len(rules) + 1))
    found: list[Diagnostic] = []
    for policy in (ContradictoryFilters(), RedundantRule()):
        found += policy.check(selection, context)
    return found


def _not_equal(n: int) -> list[tuple[str, str, object]]:
    return [("age", "neq", i) for i in range(n)]


def _windows(n: int) -> list[tuple[str, str, object]]:
    """`n` overlapping ranges: all but the first and the last are implied by those two."""
    return [("age", "between", (i, i + 10_000)) for i in range(n)]


@contextmanager
def _counting(function: Callable[..., object]) -> Iterator[list[int]]:
    """Counts the calls of `function`, however it was imported."""
    code = function.__code__  # type: ignore[attr-defined]
    calls = [0]

    def profile(frame, event, _arg):  # type: ignore[no-untyped-def]
        if event == "call" and frame.f_code is code:
            calls[0] += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(previous)


@pytest.mark.parametrize(
    "shape",
    [
        _not_equal,
        _windows,
        lambda n: [*_not_equal(n // 2), *(("d", "neq", f"v{i}") for i in range(n // 2))],
        lambda n: [
            r for pair in zip(_windows(n // 2), _not_equal(n // 2), strict=True) for r in pair
        ],
    ],
    ids=["not-equal", "between", "two-fields", "interleaved"],
)
def test_checks_read_each_rule_a_bounded_number_of_times(shape):
    """SEL014 and SEL019 on 1,000 rules restrict each rule to a kind a few dozen times in all,
    where asking the solver about each rule against all the others reads every rule a thousand
    times."""
    rules = _rules(shape(1000))
    with _counting(constraints.restrict) as calls:
        _check(rules)
    assert calls[0] <= 30 * len(rules)


def test_twenty_thousand_not_equal_rules_are_neither_contradictory_nor_redundant():
    """20,000 distinct `age != i` rules: no contradiction, none implied by the others, and the
    witness is a number no rule excludes."""
    rules = _rules(_not_equal(20_000))
    assert _check(rules) == []
    verdict = analyse(rules)
    assert isinstance(verdict, Satisfiable)
    assert verdict.example["age"] not in range(20_000)


def test_five_thousand_ranges_name_the_two_that_imply_the_rest():
    """Of 5,000 overlapping `between` rules, SEL019 reports every one but the first and the
    last, each implied by exactly those two."""
    n = 5000
    found = _check(_rules(_windows(n)))
    assert [d.span.line for d in found] == list(range(2, n))
    assert {d.code for d in found} == {"SEL019"}
    assert {tuple(r.span.line for r in d.related) for d in found} == {(1, n)}
    assert found[0].message == (
        "rule `age between 1 and 10001` is redundant: `age between 0 and 10000` and "
        f"`age between {n - 1} and {n - 1 + 10_000}` already imply it"
    )


def test_duplicates_among_thousands_are_found():
    """Among 10,000 `!=` rules with every tenth written twice, exactly the later copies are
    redundant, each implied by its earlier copy alone."""
    spec = _not_equal(10_000) + [("age", "neq", i) for i in range(0, 10_000, 10)]
    found = _check(_rules(spec))
    assert [d.span.line for d in found] == list(range(10_001, len(spec) + 1))
    assert [[r.span.line for r in d.related] for d in found] == [
        [i + 1] for i in range(0, 10_000, 10)
    ]


def test_a_contradiction_among_thousands_is_the_two_rules_that_clash():
    """A bound no value of which survives 2,000 ranges and 2,000 `!=` rules: SEL014 names the
    two rules that clash."""
    n = 2000
    spec = [*_windows(n), ("age", "lt", n - 1), *_not_equal(2000)]
    [d] = _check(_rules(spec))
    assert d.code == "SEL014"
    assert d.span.line == n
    assert [r.span.line for r in d.related] == [n + 1]


def test_diff_of_thousands_of_rules_on_one_field():
    """Narrowing 5,000 `!=` rules to a range, with 5,000 other `!=` rules, is exactly narrower:
    every old rule is implied by the range, and the range loses contacts."""
    n = 5000
    old = _selection(_rules([("age", "neq", 1000 + i) for i in range(n)]))
    new = _selection(
        _rules([("age", "between", (10, 20)), *(("age", "neq", 50_000 + i) for i in range(n))])
    )
    found = compare(old, new)
    assert found.verdict == "narrower"
    assert found.gained is None
    assert found.lost is not None
    lost = found.lost.values()["age"]
    assert all(evaluate(r, lost) for r in old.rules)
    assert not all(evaluate(r, lost) for r in new.rules)
