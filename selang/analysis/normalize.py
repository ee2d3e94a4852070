"""One rule in the analysis's own terms: constants classified and keyed, ill-formed rules refused.

Only this module reads rule values; `evaluate` and the solver see `Atom`s.
"""

from __future__ import annotations

from typing import Any, Protocol

import attrs

from selang.model import OPERATORS
from selang.values import Kind, classify_string

from . import kinds

SCALAR_OPERATORS = frozenset({"eq", "neq", "gt", "gte", "lt", "lte"})
SET_OPERATORS = frozenset({"in", "not_in"})
TEXT_OPERATORS = frozenset({"starts_with", "ends_with", "contains"})

Const = tuple[Kind, Any]
"""A constant as (kind, key): equal constants are equal tuples across int/Decimal and forms."""


class RuleLike(Protocol):
    """Anything shaped like `selang.model.Rule`."""

    @property
    def field(self) -> str: ...

    @property
    def operator(self) -> str: ...

    @property
    def value(self) -> Any: ...


@attrs.frozen
class Atom:
    """A well-formed rule: `arg` is a `Const`, a tuple of them, a str (patterns) or a bool."""

    rule: RuleLike = attrs.field(eq=False)
    field: str
    op: str
    arg: Any

    def constants(self) -> tuple[Const, ...]:
        if self.op in SCALAR_OPERATORS:
            return (self.arg,)
        if self.op in SET_OPERATORS or self.op == "between":
            return self.arg
        if self.op in TEXT_OPERATORS:
            return (("string", self.arg),)
        return ()


_MISSING = object()


def const(value: object) -> Const | None:
    """A JSON string shaped like an ISO date or date-time is that value (CONTRACT §2)."""
    if isinstance(value, str):
        value = classify_string(value)
    of = kinds.kind(value)
    return None if of is None else (of, kinds.key(of, value))


def normalize(rule: object) -> Atom | None:
    """The rule as an `Atom`, or None when its shape is invalid (that is SEL015's business)."""
    try:
        field = getattr(rule, "field", None)
        op = getattr(rule, "operator", None)
        value = getattr(rule, "value", _MISSING)
    except Exception:  # a caller's property may raise anything; ignoring beats crashing
        return None
    if not isinstance(field, str) or op not in OPERATORS:
        return None
    arg = _argument(op, value)
    return None if arg is None else Atom(rule, field, op, arg)  # type: ignore[arg-type]


def _argument(op: str, value: object) -> object | None:
    if op in SCALAR_OPERATORS:
        return const(value)
    if op in SET_OPERATORS or op == "between":
        if not isinstance(value, tuple | list) or not value:
            return None
        if op == "between" and len(value) != 2:
            return None
        consts = tuple(const(item) for item in value)
        return None if None in consts else consts
    if op in TEXT_OPERATORS:
        return value if isinstance(value, str) else None
    # is_null
    return value if isinstance(value, bool) else None
