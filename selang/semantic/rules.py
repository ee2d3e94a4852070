"""What a well-formed filter rule is (SEL015), shared by the `.sel` resolver and the JSON reader."""

from __future__ import annotations

from decimal import Decimal

from selang.core.values import Date, DateTime, Scalar, classify_string, kind_of
from selang.semantic.model import OPERATORS

_ORDERED = ("gt", "gte", "lt", "lte")
_TEXT = ("starts_with", "ends_with", "contains")


_SCALARS = (str, int, Decimal, Date, DateTime)  # bool is an int


def _is_scalar(value: object) -> bool:
    return isinstance(value, _SCALARS)


def check_rule(field: object, operator: object, value: object) -> str | None:
    """Why the rule is malformed, as a diagnostic message, or None when it is well formed."""
    if not isinstance(field, str) or not field:
        return "filter rule has no field name"
    if operator not in OPERATORS:
        known = ", ".join(f"`{op}`" for op in OPERATORS)
        return f"unknown operator `{operator}` on `{field}` (known: {known})"
    if operator == "is_null":
        if not isinstance(value, bool):
            return f"`is_null` on `{field}` takes `true` or `false`"
        return None
    if operator in ("in", "not_in"):
        if not isinstance(value, tuple) or not value:
            return f"`{operator}` on `{field}` takes a non-empty list of values"
        if not all(_is_scalar(v) for v in value):
            return f"`{operator}` on `{field}` takes a list of scalars"
        return None
    if operator == "between":
        if not isinstance(value, tuple) or len(value) != 2 or not all(map(_is_scalar, value)):
            return f"`between` on `{field}` takes exactly two values, `[low, high]`"
        low, high = value
        return _between_problem(field, low, high)
    if not _is_scalar(value):
        return f"`{operator}` on `{field}` takes a single value"
    assert isinstance(value, str | int) or _is_scalar(value)
    if operator in _TEXT and not isinstance(value, str):
        return f"`{operator}` on `{field}` takes a string"
    if operator in _ORDERED and isinstance(value, bool):
        return f"`{operator}` on `{field}` cannot order `true`/`false`"
    return None


def _between_problem(field: str, low: Scalar, high: Scalar) -> str | None:
    lo = classify_string(low) if isinstance(low, str) else low
    hi = classify_string(high) if isinstance(high, str) else high
    if kind_of(lo) != kind_of(hi):
        return f"`between` on `{field}` mixes a {kind_of(lo)} and a {kind_of(hi)}"
    if kind_of(lo) == "boolean":
        return f"`between` on `{field}` cannot order `true`/`false`"
    lo_key = lo.value if hasattr(lo, "value") else lo
    hi_key = hi.value if hasattr(hi, "value") else hi
    if lo_key > hi_key:  # type: ignore[operator]
        return f"`between` on `{field}` has its low bound above its high bound"
    return None
