"""Satisfiability on an ordered kind: numbers (dense), dates and date-times (whole steps).

The constraints are one interval, a finite set of allowed keys and a finite set of
excluded keys; the witness prefers a closed bound or a whole number near it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from . import kinds
from .constraints import Lower, NoneOf, OneOf, Primitive, Upper
from .kinds import EXACT

Keys = frozenset[Any]


def solve(prims: Iterable[Primitive], discrete: bool, domain: tuple[Any, Any] | None) -> Any:
    """A key meeting every primitive, or None. `domain` bounds discrete kinds inclusively."""
    lo: Any = None
    lo_strict = False
    hi: Any = None
    hi_strict = False
    allowed: Keys | None = None
    excluded: set[Any] = set()
    for p in prims:
        if isinstance(p, Lower):
            if lo is None or p.key > lo or (p.key == lo and p.strict):
                lo, lo_strict = p.key, p.strict
        elif isinstance(p, Upper):
            if hi is None or p.key < hi or (p.key == hi and p.strict):
                hi, hi_strict = p.key, p.strict
        elif isinstance(p, OneOf):
            allowed = p.keys if allowed is None else allowed & p.keys
        elif isinstance(p, NoneOf):
            excluded.update(p.keys)
        else:  # a text pattern never reaches an ordered kind
            return None
    if discrete:
        return _discrete(lo, lo_strict, hi, hi_strict, allowed, excluded, domain)
    return _dense(lo, lo_strict, hi, hi_strict, allowed, excluded)


def _dense(
    lo: Any, lo_strict: bool, hi: Any, hi_strict: bool, allowed: Keys | None, excluded: set[Any]
) -> Any:
    def inside(k: Any) -> bool:
        above = lo is None or k > lo or (k == lo and not lo_strict)
        below = hi is None or k < hi or (k == hi and not hi_strict)
        return above and below and k not in excluded

    if allowed is not None:
        return next((k for k in sorted(allowed) if inside(k)), None)
    if lo is not None and hi is not None:
        if lo > hi or (lo == hi and (lo_strict or hi_strict)):
            return None
        if lo == hi:
            return lo if lo not in excluded else None
    for bound, strict in ((lo, lo_strict), (hi, hi_strict)):
        if bound is not None and not strict and bound not in excluded:
            return bound
    # The open interval is non-empty and loses only finitely many points: the stretch
    # from the lower end to the first excluded point inside it is free of them.
    inner = sorted(k for k in excluded if (lo is None or k > lo) and (hi is None or k < hi))
    return _between(lo, inner[0] if inner else hi)


def _between(a: Any, b: Any) -> Any:
    """A point of the open interval (a, b), a < b, None = unbounded; whole when one fits."""
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return _between_far(a, b)
    if a is None and b is None:
        return Fraction(0)
    if a is None:
        return Fraction(math.ceil(b) - 1)
    if b is None:
        return Fraction(math.floor(a) + 1)
    whole = Fraction(math.floor(a) + 1)
    return whole if whole < b else Fraction(a + b, 2)  # keys may be ints: never `/`


def _between_far(a: Any, b: Any) -> Any:
    """`_between` when a bound is a decimal too large or small to expand (see `kinds.key`).

    Zero, twice or half a bound, or the midpoint of two bounds within a factor of two of each
    other (which share their leading digits' exponent, so the sum stays short): each exact,
    none needing the huge integer that `floor` would build.
    """
    if a is None:
        return _negated(_above(_negated(b)))
    if b is None:
        return _above(a)
    if a < 0 < b:
        return 0
    if b <= 0:
        return _negated(_between_far(_negated(b), _negated(a)))
    if a == 0:
        return _times(b, Decimal("0.5"))
    double = _times(a, 2)
    if double < b:
        return double
    return _times(EXACT.add(_decimal(a), _decimal(b)), Decimal("0.5"))


def _above(a: Any) -> Any:
    return 0 if a < 0 else _times(a, 2) if a > 0 else 1


def _negated(k: Any) -> Any:
    # `copy_negate` needs no context; unary minus would round to the default one.
    return k.copy_negate() if isinstance(k, Decimal) else -k


def _times(k: Any, factor: Any) -> Any:
    # A product by 2 or ½ is exact whatever the exponent, and costs the operand's own digits.
    if isinstance(k, Decimal):
        return EXACT.multiply(k, Decimal(factor))
    return k * Fraction(factor)


def _decimal(k: Any) -> Decimal:
    """An int, a decimal's Fraction (its denominator divides a power of ten) or a Decimal."""
    value = kinds.scalar("number", k)
    assert isinstance(value, int | Decimal)  # a number's scalar is one of these two
    return Decimal(value)


def _discrete(
    lo: Any,
    lo_strict: bool,
    hi: Any,
    hi_strict: bool,
    allowed: Keys | None,
    excluded: set[Any],
    domain: tuple[Any, Any] | None,
) -> Any:
    first, last = domain if domain is not None else (None, None)
    if lo is not None:
        lo = lo + 1 if lo_strict else lo
        first = lo if first is None else max(first, lo)
    if hi is not None:
        hi = hi - 1 if hi_strict else hi
        last = hi if last is None else min(last, hi)
    if allowed is not None:
        candidates = sorted(allowed)
        return next(
            (
                k
                for k in candidates
                if (first is None or k >= first)
                and (last is None or k <= last)
                and k not in excluded
            ),
            None,
        )
    if first is not None and last is not None and first > last:
        return None
    # At most len(excluded) + 1 steps find a free key, or run off the interval.
    start, step = (first, 1) if first is not None else (last, -1) if last is not None else (0, 1)
    k = start
    while k in excluded:
        k += step  # walking down happens only when unbounded below
        if last is not None and k > last:
            return None
    return k
