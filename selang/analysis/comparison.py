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
from .fieldrules import FieldRules
from .normalize import Atom, RuleLike, normalize
from .solver import UNSAT, _Unsatisfiable, witness

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
    read: dict[object, Atom | None] = {}
    before, after = _Side.of(old, read), _Side.of(new, read)
    for field in before.atoms:
        if after.same_rules(before, field):  # decided once for both sides
            after.share(field, before.example(field))
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


@attrs.define
class _Side:
    """One selection read for comparing: list ids de-duplicated, well-formed rules by field,
    and each field's witness found once."""

    targets: tuple[str, ...]
    exclusions: tuple[str, ...]
    atoms: dict[str, list[Atom]]
    fields: tuple[str, ...]
    # Each field's rules as a set: sides are compared field by field, rules by equality.
    sets: dict[str, frozenset[Atom]]
    _found: dict[str, Scalar | _Unsatisfiable | None] = attrs.Factory(dict)
    _merged: dict[str, FieldRules] = attrs.Factory(dict)

    @classmethod
    def of(cls, selection: SelectionLike, read: dict[object, Atom | None]) -> _Side:
        """`read` keeps the rules already normalised: most of a change's rules are on both
        sides."""
        rules = tuple(selection.rules)
        atoms: dict[str, list[Atom]] = {}
        for rule in rules:
            atom = _normalized(rule, read)
            if atom is not None:  # an ill-formed rule excludes nobody
                atoms.setdefault(atom.field, []).append(atom)
        mentioned = (r.field for r in rules if isinstance(r.field, str))
        return cls(
            targets=tuple(dict.fromkeys(r.id for r in selection.targets)),
            exclusions=tuple(dict.fromkeys(r.id for r in selection.exclusions)),
            atoms=atoms,
            fields=tuple(dict.fromkeys(mentioned)),
            sets={field: frozenset(group) for field, group in atoms.items()},
        )

    @property
    def entry(self) -> tuple[str, ...]:
        """The target lists a contact can be selected through."""
        return tuple(t for t in self.targets if t not in self.exclusions)

    def constraints(self, field: str) -> list[Constraint]:
        return [Constraint(a) for a in self.atoms.get(field, ())]

    def implies(self, atom: Atom) -> bool:
        """Whether every value passing this side's rules on the atom's field passes `atom`: the
        field's rules are merged once, so asking about each of the other side's rules is cheap."""
        merged = self._merged.get(atom.field)
        if merged is None:
            merged = self._merged[atom.field] = FieldRules(self.atoms.get(atom.field, ()))
        return merged.implies(atom)

    def example(self, field: str) -> Scalar | _Unsatisfiable | None:
        """A value of `field` passing this side's rules on it, or UNSAT."""
        if field not in self._found:
            self._found[field] = witness(self.constraints(field))
        return self._found[field]

    @property
    def passable(self) -> bool:
        """Whether some field values pass every rule (lists aside): fields are independent."""
        return all(self.example(f) is not UNSAT for f in self.atoms)

    def share(self, field: str, found: Scalar | _Unsatisfiable | None) -> None:
        self._found[field] = found

    def same_rules(self, other: _Side, field: str) -> bool:
        return self.sets.get(field, _NONE) == other.sets.get(field, _NONE)


_NONE: frozenset[Atom] = frozenset()


def _normalized(rule: RuleLike, read: dict[object, Atom | None]) -> Atom | None:
    value = rule.value
    # Types are part of the key: `1 == True` and `1 == 1.0`, but they are different constants.
    types = tuple(map(type, value)) if isinstance(value, tuple) else type(value)
    key = (rule.field, rule.operator, value, types)
    try:
        return read[key]
    except KeyError:
        atom = read[key] = normalize(rule)
        return atom
    except TypeError:  # an unhashable value (a list): read it again
        return normalize(rule)


def _difference(this: _Side, other: _Side, fields: tuple[str, ...]) -> Contact | None:
    """A contact `this` selects and `other` does not, or None when there is none."""
    entry = this.entry
    if not entry or not this.passable:
        return None
    lists = _list_witness(this, other)
    if lists is not None:
        return Contact(lists, tuple((f, _value(this, other, f)) for f in fields))
    for field, atoms in other.atoms.items():
        present = this.sets.get(field, _NONE)
        if present == other.sets[field]:
            continue  # the same rules on both sides
        for atom in atoms:
            if atom in present:
                continue  # `this` has the very rule: nobody passes it and fails it
            if this.implies(atom):
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
    if field not in this.atoms or this.same_rules(other, field):
        found = other.example(field) if field not in this.atoms else this.example(field)
        if found is not UNSAT:
            return found  # type: ignore[return-value]
        return None  # `this` says nothing of the field, and `other` allows no value of it
    both = witness([*this.constraints(field), *other.constraints(field)])
    if both is not UNSAT:
        return both  # type: ignore[return-value]
    found = this.example(field)
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
