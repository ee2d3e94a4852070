"""The reference meaning of one rule on one field value (CONTRACT §2).

Deliberately written straight from the contract, apart from the solver: the tests use it as
the oracle, and a SQL preview is meant to match it.
"""

from __future__ import annotations

from selang.core.values import Scalar

from . import kinds
from .normalize import Atom, Const, RuleLike, normalize


def evaluate(rule: RuleLike, value: Scalar | None) -> bool:
    """Whether a contact whose field holds `value` (None = null) passes `rule`.

    A rule whose value shape is invalid excludes nobody here, as `analyse` ignores it.
    The contact's value is taken at its type: a `str` is a string even when shaped like a date.
    """
    atom = normalize(rule)
    return True if atom is None else holds(atom, value)


def holds(atom: Atom, value: Scalar | None) -> bool:
    op, arg = atom.op, atom.arg
    if value is None:
        return op == "is_null" and arg is True
    if op == "is_null":
        return arg is False
    of = kinds.kind(value)
    this: Const | None = None if of is None else (of, kinds.key(of, value))
    if op == "eq":
        return this == arg
    if op == "neq":
        return this != arg
    if op == "in":
        return this in arg
    if op == "not_in":
        return this not in arg
    if op == "between":
        return _compare(this, "gte", arg[0]) and _compare(this, "lte", arg[1])
    if op in ("gt", "gte", "lt", "lte"):
        return _compare(this, op, arg)
    if not isinstance(value, str):
        return False
    if op == "starts_with":
        return value.startswith(arg)
    if op == "ends_with":
        return value.endswith(arg)
    return arg in value  # contains


def _compare(this: Const | None, op: str, other: Const) -> bool:
    # Different kinds never compare, and booleans have no order.
    if this is None or this[0] != other[0] or this[0] == "boolean":
        return False
    a, b = this[1], other[1]
    if op == "gt":
        return a > b
    if op == "gte":
        return a >= b
    if op == "lt":
        return a < b
    return a <= b
