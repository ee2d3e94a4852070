"""`FieldRules`, the merged reading of one field's rules, against the solver it stands in for:
the same answer to every question, rule by rule, as rules are dropped. (The solver itself is
checked against brute force and z3.)"""

from analysis_support import R
from hypothesis import given, note
from hypothesis import strategies as st
from test_analysis_differential import FAMILIES, one_kind_rules, rules_on
from test_analysis_z3 import KINDS, rule_on

from selang.analysis import FieldRules, implies
from selang.analysis.constraints import Constraint
from selang.analysis.normalize import normalize
from selang.analysis.solver import UNSAT, witness
from selang.core.values import Date


@st.composite
def one_field(draw: st.DrawFn) -> list:
    """Up to eight rules on one field, drawn from the brute-force tests' values (short strings,
    a few adjacent days and microseconds) or the z3 tests' (the calendar's ends, numbers past
    float range), mostly of one kind."""
    n = draw(st.integers(1, 8))
    pick = draw(st.integers(0, 2))
    if pick == 0:
        family = {"f": draw(st.sampled_from(FAMILIES))}
        return [draw(rules_on(["f"], family)) for _ in range(n)]
    if pick == 1:
        return draw(one_kind_rules(draw(st.sampled_from(FAMILIES))))
    kinds = {"f": draw(st.sampled_from(KINDS))}
    return [draw(rule_on(["f"], kinds, line)) for line in range(1, n + 1)]


def _passable(rules: list, extra: Constraint | None = None) -> bool:
    constraints = [Constraint(a) for a in map(normalize, rules) if a is not None]
    return witness([*constraints, *([extra] if extra else [])]) is not UNSAT


@given(one_field(), st.data())
def test_redundancy_search_agrees_with_the_solver(rules, data):
    """Dropping implied rules one by one, `implied` is the solver's `implies` on the rules still
    kept, `implying` is a set of them that implies the rule and none of which can go, and
    `allows` and `implies` on any other rule agree with the solver."""
    field = FieldRules.of(rules)
    kept = list(range(len(rules)))
    order = data.draw(st.permutations(range(len(rules))))
    for i in order:
        others = [rules[j] for j in kept if j != i]
        assert field.implied(i) == implies(others, rules[i]), (i, kept)
        if not field.implied(i):
            continue
        field.drop(i)
        kept.remove(i)
        because = field.implying(i)
        note(f"{rules[i]} implied by {because}")
        assert set(because) <= set(kept)
        assert implies([rules[j] for j in because], rules[i])
        for j in because:
            assert not implies([rules[k] for k in because if k != j], rules[i]), (i, because)
    kept_rules = [rules[j] for j in kept]
    assert field.allows() == _passable(kept_rules)
    goal = data.draw(st.sampled_from(rules) | one_field().map(lambda rs: rs[0]))
    atom = normalize(goal)
    if atom is not None:
        assert field.implies(atom) == implies(kept_rules, goal)
        for negated in (False, True):
            extra = Constraint(atom, negated)
            assert field.allows(extra) == _passable(kept_rules, extra), extra


def _field(*rules: tuple[str, object]) -> FieldRules:
    return FieldRules.of([R("f", op, value) for op, value in rules])


def test_days_all_excluded_between_bounds_are_named():
    """`d > 2023-01-02` follows from `>= 2023-01-01` and `!=` each of the two days up to it:
    all three are named; once it is dropped, neither `!=` follows from the rest."""
    day = Date.parse
    field = _field(
        ("gte", day("2023-01-01")),
        ("lte", day("2023-01-05")),
        ("neq", day("2023-01-01")),
        ("neq", day("2023-01-02")),
        ("gt", day("2023-01-02")),
    )
    assert field.implied(4)
    assert field.implying(4) == (0, 2, 3)
    assert field.implied(2)  # `> 2023-01-02` excludes the day too
    field.drop(4)
    assert not field.implied(2)


def test_an_excluded_point_is_named_with_the_bound_that_makes_it_the_last():
    """`x > 1` follows from `x >= 1` and `x != 1` (a number at most 1 and at least 1 is 1)."""
    field = _field(("gte", 1), ("lte", 2), ("neq", 1), ("gt", 1))
    assert field.implied(3)
    assert field.implying(3) == (0, 2)
    assert not field.implied(1)


def test_listed_strings_the_question_rules_out_need_only_the_list():
    """`s in ("ab", "b")` implies `s contains "b"`: the list alone is named."""
    field = _field(("in", ("ab", "b")), ("contains", "b"), ("starts_with", "a"))
    assert field.implied(1)
    assert field.implying(1) == (0,)
    assert not field.implied(2)
