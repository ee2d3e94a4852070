"""The analysis and the SEL014/SEL019/SEL020 checks against z3, a second and independent oracle.

The brute-force oracle needs a finite candidate set; these shapes (strings under patterns and
order, instants at the calendar's ends and under offsets, numbers beyond float range, mixed
kinds) are where z3 decides what a candidate set cannot cover.
"""

from __future__ import annotations

from decimal import Decimal

import z3_oracle
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

from selang.analysis import Contradiction, analyse, implies
from selang.checks import Context
from selang.core.diagnostics import Span
from selang.core.values import Date, DateTime, classify_string
from selang.policies.contradiction import ContradictoryFilters
from selang.policies.redundant_rule import RedundantRule
from selang.policies.tautology import RuleExcludesNobody
from selang.semantic.model import OPERATORS, Rule, Selection
from selang.semantic.rules import check_rule

BIG = 10**400
POOLS: dict[str, list[object]] = {
    "string": ["", "a", "b", "ab", "ba", "aa", "abc", "é", "a\x00", "\x00", "\uffff", "2023-01-01"],
    "number": [
        0,
        1,
        -1,
        Decimal("-0"),
        Decimal("0.0"),
        Decimal("2.5"),
        Decimal("1e400"),
        Decimal("-1E+400"),
        Decimal("1e-400"),
        Decimal("1e5000"),
        BIG,
        BIG + 1,
        -BIG,
    ],
    "date": ["0001-01-01", "9999-12-31", "2023-01-01", "2023-01-02", Date.parse("2023-01-03")],
    "datetime": [
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+01:00",
        "0001-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59.999999Z",
        "9999-12-31T23:59:59-01:00",
        "9999-12-31T23:59:59.999999-23:59",
        "2023-01-01T00:00:00Z",
        "2023-01-01T00:00:00.000001Z",
        "2023-01-01T05:30:00+05:30",
        DateTime.parse("2023-01-01T00:00:01Z"),
    ],
    "boolean": [True, False],
}
KINDS = sorted(POOLS)
TEXT = ("starts_with", "ends_with", "contains")


@st.composite
def rule_on(draw: st.DrawFn, fields: list[str], kinds: dict[str, str], line: int) -> Rule:
    field = draw(st.sampled_from(fields))
    kind = kinds[field] if draw(st.integers(0, 4)) else draw(st.sampled_from(KINDS))
    op = draw(st.sampled_from(OPERATORS))
    values = st.sampled_from(POOLS[kind])
    if op == "is_null":
        value: object = draw(st.booleans())
    elif op in TEXT:
        value = draw(st.sampled_from(POOLS["string"]))
    elif op in ("in", "not_in"):
        value = tuple(draw(st.lists(values, min_size=1, max_size=3)))
    elif op == "between":
        value = (draw(values), draw(values))
    else:
        value = draw(values)
    if op not in TEXT:  # what the readers hand over: date-shaped strings are dates
        value = _classified(value)
    return Rule(field, op, value, Span.point("z3.json", line))  # type: ignore[arg-type]


def _classified(value: object) -> object:
    if isinstance(value, tuple):
        return tuple(_classified(v) for v in value)
    return classify_string(value) if isinstance(value, str) else value


def shapes(only: str | None = None, max_rules: int = 5) -> st.SearchStrategy[list[Rule]]:
    """Selections over one to three fields; `only` fixes every field's usual kind."""

    @st.composite
    def build(draw: st.DrawFn) -> list[Rule]:
        fields = ["a", "b", "c"][: draw(st.integers(1, 3))]
        kinds = {f: only or draw(st.sampled_from(KINDS)) for f in fields}
        n = draw(st.integers(1, max_rules))
        return [draw(rule_on(fields, kinds, line)) for line in range(1, n + 1)]

    return build()


# z3 takes tens of milliseconds a question where the analysis takes microseconds: a third of the
# loaded profile's examples (50 under `ci`, 833 under `deep`, see tests/conftest.py).
Z3_EXAMPLES = settings(max_examples=max(25, settings.default.max_examples // 3))

ANY_SHAPE = st.one_of(shapes("string"), shapes("datetime"), shapes("number"), shapes())


def _z3(call, *args) -> bool:
    try:
        return call(*args)
    except z3_oracle.Undecided:
        assume(False)
        raise AssertionError("unreachable") from None


@Z3_EXAMPLES
@given(ANY_SHAPE)
def test_contradictions_agree_with_z3(rules):
    """`analyse` finds a contradiction exactly when z3 finds no contact, with a minimal core."""
    verdict = analyse(rules)
    note(repr(verdict))
    assert isinstance(verdict, Contradiction) != _z3(z3_oracle.satisfiable, rules)
    if isinstance(verdict, Contradiction):
        core = list(verdict.core)
        assert not _z3(z3_oracle.satisfiable, core)
        for i in range(len(core)):
            assert _z3(z3_oracle.satisfiable, core[:i] + core[i + 1 :]), f"not minimal: {i}"


@Z3_EXAMPLES
@given(ANY_SHAPE)
def test_implication_agrees_with_z3(rules):
    """`implies(others, rule)` and `implies([], rule)` are z3's answers for every rule."""
    *premises, conclusion = rules
    assert implies(premises, conclusion) == _z3(z3_oracle.implies, premises, conclusion)
    assert implies([], conclusion) == _z3(z3_oracle.valid, conclusion)


def _well_formed(rules: list[Rule]) -> list[Rule]:
    return [r for r in rules if check_rule(r.field, r.operator, r.value) is None]


def _by_line(rules: list[Rule]) -> dict[int, Rule]:
    return {r.span.line: r for r in rules}


@Z3_EXAMPLES
@given(ANY_SHAPE.map(_well_formed))
def test_checks_agree_with_z3(rules):
    """SEL014 fires exactly on unsatisfiable selections; SEL019 names exactly rules the others
    imply, with a minimal implying set, and leaves none behind; SEL020 needs a valid rule."""
    selection = Selection("c", (), (), tuple(rules), (), Span.point("z3.json"))
    context = Context("z3.json")
    contradictory = list(ContradictoryFilters().check(selection, context))
    redundant = list(RedundantRule().check(selection, context))
    excludes_nobody = list(RuleExcludesNobody().check(selection, context))
    note(repr([d.message for d in contradictory + redundant + excludes_nobody]))
    assert bool(contradictory) != _z3(z3_oracle.satisfiable, rules)
    lines = _by_line(rules)
    for d in excludes_nobody:
        assert _z3(z3_oracle.valid, lines[d.span.line])
    if contradictory:
        assert not redundant
        return
    flagged = [lines[d.span.line] for d in redundant]
    kept = [r for r in rules if r.span.line not in {f.span.line for f in flagged}]
    for d in redundant:
        rule = lines[d.span.line]
        because = [lines[r.span.line] for r in d.related]
        assert _z3(z3_oracle.implies, because, rule), d.message
        for i in range(len(because)):
            assert not _z3(z3_oracle.implies, because[:i] + because[i + 1 :], rule), d.message
        assert _z3(z3_oracle.implies, kept, rule)
    for i, rule in enumerate(kept):
        assert not _z3(z3_oracle.implies, kept[:i] + kept[i + 1 :], rule), rule
