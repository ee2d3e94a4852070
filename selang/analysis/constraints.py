"""Rules restricted to one kind of value, as primitive constraints on keys.

A rule on a field of kind K is false on all of K, true on all of K, or a conjunction of
primitives. Negation (for `implies`) turns a conjunction into a disjunction, so a literal
yields a tuple of alternative conjunctions: `()` is false, `((),)` is true.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from selang.core.values import Kind

from .evaluate import holds
from .normalize import Atom


@attrs.frozen
class Lower:
    key: Any
    strict: bool

    def accepts(self, k: Any) -> bool:
        return k > self.key if self.strict else k >= self.key

    def negate(self) -> Upper:
        return Upper(self.key, not self.strict)


@attrs.frozen
class Upper:
    key: Any
    strict: bool

    def accepts(self, k: Any) -> bool:
        return k < self.key if self.strict else k <= self.key

    def negate(self) -> Lower:
        return Lower(self.key, not self.strict)


@attrs.frozen
class OneOf:
    keys: frozenset[Any]

    def accepts(self, k: Any) -> bool:
        return k in self.keys

    def negate(self) -> NoneOf:
        return NoneOf(self.keys)


@attrs.frozen
class NoneOf:
    keys: frozenset[Any]

    def accepts(self, k: Any) -> bool:
        return k not in self.keys

    def negate(self) -> OneOf:
        return OneOf(self.keys)


@attrs.frozen
class Pattern:
    where: Literal["prefix", "suffix", "infix"]
    text: str
    negated: bool = False

    def accepts(self, k: str) -> bool:
        if self.where == "prefix":
            found = k.startswith(self.text)
        elif self.where == "suffix":
            found = k.endswith(self.text)
        else:
            found = self.text in k
        return found != self.negated

    def negate(self) -> Pattern:
        return Pattern(self.where, self.text, not self.negated)


Primitive = Lower | Upper | OneOf | NoneOf | Pattern
Conjunction = tuple[Primitive, ...]
Alternatives = tuple[Conjunction, ...]

TRUE: Alternatives = ((),)
FALSE: Alternatives = ()

_WHERE: dict[str, Literal["prefix", "suffix", "infix"]] = {
    "starts_with": "prefix",
    "ends_with": "suffix",
    "contains": "infix",
}


def _keys(atom: Atom, of: Kind) -> frozenset[Any]:
    return frozenset(k for c, k in atom.arg if c == of)


def _ordered(of: Kind, *consts: tuple[Kind, Any]) -> bool:
    return of != "boolean" and all(c == of for c, _ in consts)


def restrict(atom: Atom, of: Kind) -> Alternatives:
    """What `atom` says about a non-null value of kind `of`."""
    op, arg = atom.op, atom.arg
    if op == "is_null":
        return FALSE if arg else TRUE
    if op == "eq":
        return ((OneOf(frozenset({arg[1]})),),) if arg[0] == of else FALSE
    if op == "neq":
        return ((NoneOf(frozenset({arg[1]})),),) if arg[0] == of else TRUE
    if op == "in":
        keys = _keys(atom, of)
        return ((OneOf(keys),),) if keys else FALSE
    if op == "not_in":
        keys = _keys(atom, of)
        return ((NoneOf(keys),),) if keys else TRUE
    if op == "between":
        lo, hi = arg
        if not _ordered(of, lo, hi):
            return FALSE
        return ((Lower(lo[1], False), Upper(hi[1], False)),)
    if op in ("gt", "gte"):
        return ((Lower(arg[1], op == "gt"),),) if _ordered(of, arg) else FALSE
    if op in ("lt", "lte"):
        return ((Upper(arg[1], op == "lt"),),) if _ordered(of, arg) else FALSE
    return ((Pattern(_WHERE[op], arg),),) if of == "string" else FALSE


@attrs.frozen
class Constraint:
    """An atom or its negation, the unit the solver conjoins."""

    atom: Atom
    negated: bool = False

    @property
    def on_null(self) -> bool:
        return holds(self.atom, None) != self.negated

    def restrict(self, of: Kind) -> Alternatives:
        alternatives = restrict(self.atom, of)
        if not self.negated:
            return alternatives
        if not alternatives:
            return TRUE
        # A plain atom gives at most one conjunction; ¬(p ∧ q) = ¬p ∨ ¬q.
        (conjunction,) = alternatives
        return tuple((p.negate(),) for p in conjunction)
