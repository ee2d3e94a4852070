"""Whom a change of selection adds and removes: `compare(old, new)`, exact under CONTRACT §2.

A contact is selected when it is in a target list, in no exclusion list, and passes every rule.
So `new ∧ ¬old` is a disjunction: in none of old's targets, in one of old's exclusions, or
failing one of old's rules (the rule negated with its null case and its other kinds, as the
solver's `Constraint` negates it). Each disjunct is decided by the solver; the first that holds
gives the witness, and when none holds there is no such contact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

import attrs

from selang.core.values import Scalar

from .constraints import Constraint
from .normalize import Atom, RuleLike, normalize
from .solver import UNSAT, analyse, witness
from .verdict import Satisfiable

Verdict = Literal["equivalent", "narrower", "broader", "incomparable"]


class _ListLike(Protocol):
    @property
    def id(self) -> str: ...


class _TierLike(Protocol):
    @property
    def name(self) -> str: ...


class SelectionLike(Protocol):
    """Anything shaped like `selang.semantic.model.Selection`."""

    @property
    def targets(self) -> Sequence[_ListLike]: ...

    @property
    def exclusions(self) -> Sequence[_ListLike]: ...

    @property
    def rules(self) -> Sequence[RuleLike]: ...

    @property
    def priority(self) -> Sequence[_TierLike]: ...


@attrs.frozen
class Contact:
    """A witness: the lists it is in, and a value (None = null) for every field either side
    mentions, in order of first mention (old's rules, then new's)."""

    lists: tuple[str, ...]
    fields: tuple[tuple[str, Scalar | None], ...]

    def values(self) -> dict[str, Scalar | None]:
        return dict(self.fields)


@attrs.frozen
class Comparison:
    """How the contacts `new` selects relate to `old`'s: `gained` is one `new` selects and `old`
    does not, `lost` the other way round, each None exactly when there is none."""

    verdict: Verdict
    gained: Contact | None
    lost: Contact | None
    target_added: tuple[str, ...]
    target_removed: tuple[str, ...]
    exclusion_added: tuple[str, ...]
    exclusion_removed: tuple[str, ...]
    priority_changed: bool

    @property
    def same(self) -> bool:
        return self.verdict == "equivalent"


def compare(old: SelectionLike, new: SelectionLike) -> Comparison:
    """Exactly how `new`'s contacts relate to `old`'s, over every possible contact."""
    before, after = _Side.of(old), _Side.of(new)
    fields = tuple(dict.fromkeys((*before.fields, *after.fields)))
    gained = _difference(after, before, fields)
    lost = _difference(before, after, fields)
    return Comparison(
        verdict=_VERDICTS[gained is not None, lost is not None],
        gained=gained,
        lost=lost,
        target_added=_missing(after.targets, before.targets),
        target_removed=_missing(before.targets, after.targets),
        exclusion_added=_missing(after.exclusions, before.exclusions),
        exclusion_removed=_missing(before.exclusions, after.exclusions),
        priority_changed=_tiers(old) != _tiers(new),
    )


_VERDICTS: dict[tuple[bool, bool], Verdict] = {
    (False, False): "equivalent",
    (False, True): "narrower",
    (True, False): "broader",
    (True, True): "incomparable",
}


def _missing(these: tuple[str, ...], there: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(x for x in these if x not in there)


def _tiers(selection: SelectionLike) -> tuple[str, ...]:
    return tuple(t.name for t in selection.priority)


@attrs.frozen
class _Side:
    """One selection read for comparing: list ids de-duplicated, well-formed rules by field."""

    targets: tuple[str, ...]
    exclusions: tuple[str, ...]
    atoms: dict[str, list[Atom]] = attrs.field(eq=False)
    fields: tuple[str, ...]
    # Whether some field values pass every rule (lists aside).
    passable: bool

    @classmethod
    def of(cls, selection: SelectionLike) -> _Side:
        rules = tuple(selection.rules)
        atoms: dict[str, list[Atom]] = {}
        for rule in rules:
            atom = normalize(rule)
            if atom is not None:  # an ill-formed rule excludes nobody
                atoms.setdefault(atom.field, []).append(atom)
        mentioned = (r.field for r in rules if isinstance(r.field, str))
        return cls(
            targets=tuple(dict.fromkeys(r.id for r in selection.targets)),
            exclusions=tuple(dict.fromkeys(r.id for r in selection.exclusions)),
            atoms=atoms,
            fields=tuple(dict.fromkeys(mentioned)),
            passable=isinstance(analyse(rules), Satisfiable),
        )

    @property
    def entry(self) -> tuple[str, ...]:
        """The target lists a contact can be selected through."""
        return tuple(t for t in self.targets if t not in self.exclusions)

    def constraints(self, field: str) -> list[Constraint]:
        return [Constraint(a) for a in self.atoms.get(field, ())]


def _difference(this: _Side, other: _Side, fields: tuple[str, ...]) -> Contact | None:
    """A contact `this` selects and `other` does not, or None when there is none."""
    entry = this.entry
    if not entry or not this.passable:
        return None
    lists = _list_witness(this, other)
    if lists is not None:
        return Contact(lists, tuple((f, _value(this, other, f)) for f in fields))
    present = {a for atoms in this.atoms.values() for a in atoms}
    for field, atoms in other.atoms.items():
        mine = this.constraints(field)
        for atom in atoms:
            if atom in present:
                continue  # `this` has the very rule: nobody passes it and fails it
            if witness([*mine, Constraint(atom, negated=True)]) is UNSAT:
                continue
            values = tuple(
                (f, _failing(this, other, atom) if f == field else _value(this, other, f))
                for f in fields
            )
            return Contact((entry[0],), values)
    return None


def _list_witness(this: _Side, other: _Side) -> tuple[str, ...] | None:
    """Lists that put a contact in `this` and out of `other`, if lists alone can do it."""
    entry = this.entry
    for t in entry:
        if t not in other.targets or t in other.exclusions:
            return (t,)
    # Every list `this` dials through is one `other` dials through too: a contact `other`
    # excludes and `this` does not is the only way (it is in no target of `this`'s, or the
    # loop above would have returned).
    for x in other.exclusions:
        if x not in this.exclusions:
            return (entry[0], x)
    return None


def _value(this: _Side, other: _Side, field: str) -> Scalar | None:
    """A value of `field` passing `this`'s rules, and `other`'s too when one can, so the
    witness differs from what `other` selects only where it has to."""
    mine = this.constraints(field)
    both = witness([*mine, *other.constraints(field)])
    if both is not UNSAT:
        return both  # type: ignore[return-value]
    found = witness(mine)
    assert found is not UNSAT, f"`{field}` was found passable"
    return found  # type: ignore[return-value]


def _failing(this: _Side, other: _Side, atom: Atom) -> Scalar | None:
    """A value passing `this`'s rules on the atom's field and failing `atom`, passing the rest
    of `other`'s rules on that field when one can."""
    mine = [*this.constraints(atom.field), Constraint(atom, negated=True)]
    rest = [Constraint(a) for a in other.atoms[atom.field] if a is not atom]
    found = witness([*mine, *rest])
    if found is UNSAT:
        found = witness(mine)
    assert found is not UNSAT, "the disjunct was found satisfiable"
    return found  # type: ignore[return-value]
