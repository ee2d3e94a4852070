"""Deciding a conjunction of rules field by field, shrinking conflicts to a minimal core.

Fields never constrain each other, so the work is one decision per field and stays linear
in the number of rules when they spread over many fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import product
from typing import Any

from selang.values import Kind, Scalar

from . import kinds, ordered, strings
from .constraints import Constraint, Primitive
from .normalize import Atom, RuleLike, normalize
from .reason import explain
from .verdict import Contradiction, Satisfiable, Verdict


class _Unsatisfiable:
    """Sentinel: distinct from None, which is the null witness."""


UNSAT = _Unsatisfiable()

_DOMAINS: dict[Kind, tuple[Any, Any]] = {
    "date": (kinds.DATE_MIN, kinds.DATE_MAX),
    "datetime": (kinds.DATETIME_MIN, kinds.DATETIME_MAX),
}


def _solve_kind(of: Kind, prims: list[Primitive]) -> Any:
    if of == "number":
        return ordered.solve(prims, discrete=False, domain=None)
    if of in _DOMAINS:
        return ordered.solve(prims, discrete=True, domain=_DOMAINS[of])
    if of == "string":
        return strings.solve(prims)
    return next((b for b in (True, False) if all(p.accepts(b) for p in prims)), None)


def _kind_order(constraints: Sequence[Constraint]) -> list[Kind]:
    # Kinds the rules mention come first so the witness looks like what was written.
    order: dict[Kind, None] = {}
    for c in constraints:
        for of, _ in c.atom.constants():
            order.setdefault(of)
    for of in kinds.KINDS:
        order.setdefault(of)
    return list(order)


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
    """Deletion filter: drop each atom whose absence keeps the rest unsatisfiable.

    Satisfiability is monotone (fewer rules, more contacts), so every atom that survives
    is needed in the final set too: the result is minimal.
    """
    core = list(atoms)
    i = 0
    while i < len(core):
        rest = core[:i] + core[i + 1 :]
        if _satisfiable(rest):
            i += 1
        else:
            core = rest
    return core


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


def analyse(rules: Sequence[RuleLike]) -> Verdict:
    """Whether some contact passes all `rules` at once (CONTRACT §2), exactly.

    Rules whose value shape is invalid are ignored and listed in the verdict; this never
    raises on them. When several fields conflict, the first one (in rule order) is reported.
    """
    by_field, ignored = _group(rules)
    example: dict[str, Scalar | None] = {}
    for field, atoms in by_field.items():
        value = witness([Constraint(a) for a in atoms])
        if isinstance(value, _Unsatisfiable):
            core = minimal_core(atoms)
            return Contradiction(tuple(a.rule for a in core), explain(field, core), field, ignored)
        example[field] = value
    return Satisfiable(example, ignored)


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
