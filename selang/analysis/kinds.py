"""Kinds of scalar values and their exact comparison keys.

Every comparison in the analysis goes through `key`, and no key is a float: numbers become `int`
or `Fraction`, or stay `Decimal` when expanding them would take more than `EXPANDED_DIGITS`
digits (`1e999999999` is twelve characters of JSON); the three compare and hash exactly alike.
Dates are their day ordinal, date-times whole microseconds since the epoch (the resolution of
`datetime`). A key's range is the values some contact can hold: days of the calendar
0001-01-01 to 9999-12-31 and instants from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z.
A constant such as `0001-01-01T00:00:00+01:00` names an instant just outside, which no contact
holds (docs/language.md).
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from fractions import Fraction
from typing import Any

from selang.core.values import Date, DateTime, Kind, Scalar

KINDS: tuple[Kind, ...] = ("number", "string", "boolean", "date", "datetime")

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)

DATE_MIN = dt.date.min.toordinal()
DATE_MAX = dt.date.max.toordinal()


def _instant(value: dt.datetime) -> int:
    # A date-time without an offset is UTC, as `DateTime.parse` reads it.
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return (value - _EPOCH) // _MICROSECOND


DATETIME_MIN = _instant(dt.datetime.min)
DATETIME_MAX = _instant(dt.datetime.max)

DOMAINS: dict[Kind, tuple[int, int]] = {
    "date": (DATE_MIN, DATE_MAX),
    "datetime": (DATETIME_MIN, DATETIME_MAX),
}
"""The keys some contact can hold, inclusive, for the kinds that take whole steps."""

EXACT = decimal.Context(
    prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN, traps=[decimal.Inexact]
)
"""Arithmetic that never rounds: it raises `decimal.Inexact` rather than lose a digit."""

EXPANDED_DIGITS = 4000
"""A decimal whose integer part or fraction would need more digits than this keeps its key
as the `Decimal` itself: exact all the same, without building a huge integer."""


_EXACT: dict[type, Kind] = {str: "string", int: "number", bool: "boolean"}


def kind(value: object) -> Kind | None:
    """The kind of a scalar, or None for anything that is not one (`bool` is checked first)."""
    exact = _EXACT.get(type(value))
    if exact is not None:
        return exact
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "number"
    if isinstance(value, Decimal):
        # `Decimal.is_finite`, never `math.isfinite`: that goes through float, where 1e400 is
        # infinite.
        return "number" if value.is_finite() else None
    if isinstance(value, str):
        return "string"
    if isinstance(value, Date):
        is_day = isinstance(value.value, dt.date) and not isinstance(value.value, dt.datetime)
        return "date" if is_day else None
    if isinstance(value, DateTime):
        return "datetime" if isinstance(value.value, dt.datetime) else None
    return None


def key(of: Kind, value: Any) -> Any:
    """The exact, totally ordered stand-in for `value` within its kind."""
    if of == "number":
        # Fractions are slow to make, and an integer is already exact.
        if type(value) is int:
            return value
        if value and abs(value.adjusted()) > EXPANDED_DIGITS:
            return value
        return Fraction(value)
    if of == "date":
        return value.value.toordinal()
    if of == "datetime":
        return _instant(value.value)
    return value


def scalar(of: Kind, k: Any) -> Scalar:
    """The scalar a key stands for; the inverse of `key` up to how a value is written."""
    if of == "number":
        return _number(k)
    if of == "date":
        day = dt.date.fromordinal(k)
        return Date(day, day.isoformat())
    if of == "datetime":
        instant = _EPOCH + k * _MICROSECOND
        return DateTime(instant, instant.isoformat().replace("+00:00", "Z"))
    return k


def _number(k: int | Fraction | Decimal) -> int | Decimal:
    if isinstance(k, Decimal):
        return k
    if k.denominator == 1:
        return int(k.numerator)
    # Witnesses are constants, integers or midpoints of terminating decimals, so the
    # denominator is 2^a·5^b and the decimal has max(a, b) digits after the point.
    twos = (k.denominator & -k.denominator).bit_length() - 1
    rest, fives = k.denominator >> twos, 0
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    assert rest == 1, f"{k} has no terminating decimal"
    digits = max(twos, fives)
    # `Decimal(int)` and `scaleb` in an exact context: no rounding to 28 digits.
    return EXACT.scaleb(Decimal(k.numerator * 10**digits // k.denominator), -digits)
