"""Deciding a conjunction of rules field by field, shrinking conflicts to a minimal core.

Fields never constrain each other, so the work is one decision per field and stays linear
in the number of rules when they spread over many fields.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from itertools import product
from typing import Any, TypeVar

from selang.core.values import Kind, Scalar

from . import kinds, ordered, strings
from .constraints import Constraint, Pattern, Primitive
from .normalize import Atom, RuleLike, normalize
from .reason import explain
from .ruleset import RuleSet
from .verdict import Contradiction, Satisfiable, Verdict


class _Unsatisfiable:
    """Sentinel: distinct from None, which is the null witness."""


UNSAT = _Unsatisfiable()

T = TypeVar("T")


def _solve_kind(of: Kind, prims: list[Primitive]) -> Any:
    if of == "number":
        return ordered.solve(prims, discrete=False, domain=None)
    if of in kinds.DOMAINS:
        return ordered.solve(prims, discrete=True, domain=kinds.DOMAINS[of])
    if of == "string":
        return strings.solve(prims)
    # Text patterns only ever constrain strings (`constraints.restrict`): a boolean's are keys.
    keyed = [p for p in prims if not isinstance(p, Pattern)]
    return next((b for b in (True, False) if all(p.accepts(b) for p in keyed)), None)


_EVERY_KIND: dict[Kind, None] = dict.fromkeys(kinds.KINDS)


def _kind_order(constraints: Sequence[Constraint]) -> dict[Kind, None]:
    # Kinds the rules mention come first so the witness looks like what was written; a dict
    # keeps each kind where it first appeared.
    order = {of: None for c in constraints for of, _ in c.atom.constants()}
    order.update(_EVERY_KIND)
    return order


def witness(constraints: Sequence[Constraint]) -> Scalar | _Unsatisfiable | None:
    """A value of one field meeting every constraint (None = null), or UNSAT."""
    if all(c.on_null for c in constraints):
        return None
    for of in _kind_order(constraints):
        choices = []
        for c in constraints:
            alternatives = c.restrict(of)
            if not alternatives:
                break
            choices.append(alternatives)
        else:
            for combination in product(*choices):
                k = _solve_kind(of, [p for conjunction in combination for p in conjunction])
                if k is not None:
                    return kinds.scalar(of, k)
    return UNSAT


def _satisfiable(atoms: Iterable[Atom]) -> bool:
    return witness([Constraint(a) for a in atoms]) is not UNSAT


def minimal_core(atoms: Sequence[Atom]) -> list[Atom]:
    """A minimal unsatisfiable subset of `atoms` (which must be unsatisfiable), in input order."""
    return minimal_subset(atoms, _satisfiable)


def minimal_subset(items: Sequence[T], satisfiable: Callable[[list[T]], bool]) -> list[T]:
    """A minimal subset of `items` that `satisfiable` refuses (it must refuse them all), in
    input order.

    QuickXplain (Junker, 2004): split the candidates in halves and recurse, so a core of k rules
    among n costs O(k log n) satisfiability checks instead of the n a deletion filter needs.
    That keeps a contradiction among thousands of rules on one field from taking minutes.
    `satisfiable` must be monotone (fewer rules, more contacts), which is what makes it minimal.
    """

    def explain(background: list[T], added: bool, candidates: list[T]) -> list[T]:
        # Recursion depth is log2(len(candidates)): no risk of overflow.
        if added and not satisfiable(background):
            return []
        if len(candidates) <= 1:
            return candidates
        half = len(candidates) // 2
        first, second = candidates[:half], candidates[half:]
        from_second = explain(background + first, bool(first), second)
        from_first = explain(background + from_second, bool(from_second), first)
        return from_first + from_second

    return explain([], False, list(items))


def _group(rules: Iterable[RuleLike]) -> tuple[dict[str, list[Atom]], tuple[RuleLike, ...]]:
    by_field: dict[str, list[Atom]] = {}
    ignored = []
    for rule in rules:
        atom = normalize(rule)
        if atom is None:
            ignored.append(rule)
        else:
            by_field.setdefault(atom.field, []).append(atom)
    return by_field, tuple(ignored)


def analyse(rules: Sequence[RuleLike] | RuleSet) -> Verdict:
    """Whether some contact passes all `rules` at once (CONTRACT §2), exactly.

    Rules whose value shape is invalid are ignored and listed in the verdict; this never
    raises on them. When several fields conflict, the first one (in rule order) is reported.
    Pass a `RuleSet` to share one reading of the rules with other checks.
    """
    ruleset = rules if isinstance(rules, RuleSet) else RuleSet.of(rules)
    decided: dict[str, Scalar | None] = {}
    for field, positions in ruleset.by_field.items():
        if ruleset.settled(positions):
            continue  # a lone rule some value passes: its witness can wait
        atoms = _atoms(ruleset, positions)
        value = witness([Constraint(a) for a in atoms])
        if isinstance(value, _Unsatisfiable):
            core = minimal_core(atoms)
            return Contradiction(
                tuple(a.rule for a in core), explain(field, core), field, ruleset.ignored_rules()
            )
        decided[field] = value
    return Satisfiable(functools.partial(_example, ruleset, decided), ruleset.ignored_rules())


def _atoms(ruleset: RuleSet, positions: list[int]) -> list[Atom]:
    atoms = [normalize(ruleset.rules[i]) for i in positions]
    return [a for a in atoms if a is not None]


def _example(ruleset: RuleSet, decided: dict[str, Scalar | None]) -> dict[str, Scalar | None]:
    """A contact passing every rule: the witnesses found while deciding, the rest found now."""
    example: dict[str, Scalar | None] = {}
    for field, positions in ruleset.by_field.items():
        if field in decided:
            example[field] = decided[field]
            continue
        value = witness([Constraint(a) for a in _atoms(ruleset, positions)])
        assert not isinstance(value, _Unsatisfiable), f"`{field}` was settled satisfiable"
        example[field] = value
    return example


def counterexample(
    premises: Sequence[RuleLike], conclusion: RuleLike
) -> Scalar | _Unsatisfiable | None:
    """A value of the conclusion's field that passes the premises but not the conclusion."""
    by_field, _ = _group(premises)
    goal = normalize(conclusion)
    if goal is None:
        return UNSAT  # an ignored rule excludes nobody, so anything implies it
    for field, atoms in by_field.items():
        if field != goal.field and not _satisfiable(atoms):
            return UNSAT  # no contact passes the premises at all
    constraints = [Constraint(a) for a in by_field.get(goal.field, [])]
    return witness([*constraints, Constraint(goal, negated=True)])


def implies(premises: Sequence[RuleLike], conclusion: RuleLike) -> bool:
    """Whether every contact passing all `premises` also passes `conclusion`, exactly."""
    return counterexample(premises, conclusion) is UNSAT
