"""One rule in the analysis's own terms: constants classified and keyed, ill-formed rules refused.

Only this module reads rule values; `evaluate` and the solver see `Atom`s.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

import attrs

from selang.core.values import Kind, classify_string
from selang.semantic.model import OPERATORS

from . import kinds

SCALAR_OPERATORS = frozenset({"eq", "neq", "gt", "gte", "lt", "lte"})
SET_OPERATORS = frozenset({"in", "not_in"})
TEXT_OPERATORS = frozenset({"starts_with", "ends_with", "contains"})

Const = tuple[Kind, Any]
"""A constant as (kind, key): equal constants are equal tuples across int/Decimal and forms."""


class RuleLike(Protocol):
    """Anything shaped like `selang.semantic.model.Rule`."""

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
    read = _read(rule)
    if read is None:
        return None
    field, op, value = read
    if not isinstance(field, str) or op not in OPERATORS:
        return None
    arg = _argument(op, value)
    return None if arg is None else Atom(rule, field, op, arg)  # type: ignore[arg-type]


def _read(rule: object) -> tuple[object, object, object] | None:
    try:
        return (
            getattr(rule, "field", None),
            getattr(rule, "operator", None),
            getattr(rule, "value", _MISSING),
        )
    except Exception:  # a caller's property may raise anything; ignoring beats crashing
        return None


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


# --- triage: the common case without building an `Atom` ------------------------------------

ILL_FORMED = 0
"""`normalize` refuses the rule."""
HOLDS_ALONE = 1
"""Well-formed, and some value of its field passes it (so a field with only this rule is fine)."""
UNSURE = 2
"""Well-formed; whether anything passes it is left to the solver."""

# Every str, int and bool is a constant (`const` never refuses one), so these skip `const`.
_PLAIN = frozenset({str, int, bool})


def triage(rule: object) -> tuple[str, int] | None:
    """The rule's field and `HOLDS_ALONE` or `UNSURE`, or None exactly when `normalize` refuses it.

    Reading a selection's rules costs more than deciding most of them, so this answers the
    common shapes straight from the values, without keys or `Atom`s; the rest is `UNSURE`.
    """
    read = _read(rule)
    if read is None:
        return None
    field, op, value = read
    if not isinstance(field, str):
        return None
    if type(op) is not str or (check := _TRIAGE.get(op)) is None:
        # an unknown or unusual operator: the slow way decides
        return None if normalize(rule) is None else (field, UNSURE)
    verdict = check(op, value)
    return None if verdict == ILL_FORMED else (field, verdict)


def _is_const(value: object) -> bool:
    if type(value) in _PLAIN:
        return True
    if type(value) is Decimal and value.is_finite():
        return True
    return const(value) is not None


def _attainable(value: object) -> int:
    """Whether some contact can hold exactly this constant: all can but an instant that an
    offset puts outside the calendar's range."""
    t = type(value)
    if t is int or t is bool or (type(value) is Decimal and value.is_finite()):
        return HOLDS_ALONE
    if type(value) is str and not (len(value) >= 10 and value[0].isdigit()):
        return HOLDS_ALONE  # not shaped like a date (see `classify_string`)
    c = const(value)
    if c is None:
        return ILL_FORMED
    of, k = c
    if of in kinds.DOMAINS:
        first, last = kinds.DOMAINS[of]
        return HOLDS_ALONE if first <= k <= last else UNSURE
    return HOLDS_ALONE


def _any_value(op: str, value: object) -> int:
    if op == "is_null":  # null passes `is null`, any value `is not null`
        return HOLDS_ALONE if isinstance(value, bool) else ILL_FORMED
    if op == "eq":  # the constant itself, when a contact can hold it
        return _attainable(value)
    # `neq c`: a value of another kind
    return HOLDS_ALONE if _is_const(value) else ILL_FORMED


def _any_member(op: str, value: object) -> int:
    if not isinstance(value, tuple | list) or not value:
        return ILL_FORMED
    if op == "not_in":  # all but finitely many values
        return HOLDS_ALONE if all(_is_const(item) for item in value) else ILL_FORMED
    # `in`: any member a contact can hold
    found = [_attainable(item) for item in value]
    if ILL_FORMED in found:
        return ILL_FORMED
    return HOLDS_ALONE if HOLDS_ALONE in found else UNSURE


def _any_text(op: str, value: object) -> int:
    # The pattern's own text starts with, ends with and contains it.
    return HOLDS_ALONE if isinstance(value, str) else ILL_FORMED


def _bound(op: str, value: object) -> int:
    if type(value) is int or (type(value) is Decimal and value.is_finite()):
        return HOLDS_ALONE  # numbers are reals, unbounded either way
    c = const(value)
    if c is None:
        return ILL_FORMED
    of, k = c
    if of == "number":
        return HOLDS_ALONE
    if of == "string":
        # Every string is >= "", and none is below it.
        return HOLDS_ALONE if op != "lt" or k != "" else UNSURE
    if of not in kinds.DOMAINS:
        return UNSURE  # booleans have no order: the solver says why
    first, last = kinds.DOMAINS[of]
    # Days and instants are whole steps within the calendar's range; an offset date-time can
    # name an instant just outside it.
    fits = {"gt": k < last, "gte": k <= last, "lt": k > first, "lte": k >= first}[op]
    return HOLDS_ALONE if fits else UNSURE


def _range(op: str, value: object) -> int:
    if not isinstance(value, tuple | list) or len(value) != 2:
        return ILL_FORMED
    lo, hi = value
    if type(lo) is int and type(hi) is int:
        return HOLDS_ALONE if lo <= hi else UNSURE
    a, b = const(lo), const(hi)
    if a is None or b is None:
        return ILL_FORMED
    of = a[0]
    if of != b[0] or of == "boolean" or a[1] > b[1]:
        return UNSURE
    if of in kinds.DOMAINS:
        first, last = kinds.DOMAINS[of]
        return HOLDS_ALONE if max(first, a[1]) <= min(last, b[1]) else UNSURE
    return HOLDS_ALONE


_TRIAGE = {
    "eq": _any_value,
    "neq": _any_value,
    "is_null": _any_value,
    "in": _any_member,
    "not_in": _any_member,
    "starts_with": _any_text,
    "ends_with": _any_text,
    "contains": _any_text,
    "gt": _bound,
    "gte": _bound,
    "lt": _bound,
    "lte": _bound,
    "between": _range,
}
