"""Rule constants as SQL literals: bound, escaped by sqlglot, exact for every kind.

Numbers are decimals cast from their text (never floats), dates days, date-times instants
with their offset, so each engine reads the value §2 means.
"""

from __future__ import annotations

import functools
from decimal import Decimal

from sqlglot import exp

from selang.core.values import Date, DateTime, Scalar, decimal_text

MAX_PRECISION = 38

SQL_TYPES = {
    "string": "VARCHAR",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMPTZ",
    "number": "DECIMAL(38, 9)",
}


def literal(value: Scalar) -> exp.Expression:
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, int):
        return exp.Literal.number(str(value))
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, Date):
        return exp.cast(exp.Literal.string(value.value.isoformat()), data_type("DATE"), copy=False)
    if isinstance(value, DateTime):
        text = value.value.isoformat(sep=" ")
        return exp.cast(exp.Literal.string(text), data_type("TIMESTAMPTZ"), copy=False)
    return exp.Literal.string(value)


def _decimal(value: Decimal) -> exp.Expression:
    text = decimal_text(value)
    digits = text.lstrip("-")
    whole, _, fraction = digits.partition(".")
    scale = len(fraction)
    precision = min(max(len(whole.lstrip("0")) + scale, scale + 1, 1), MAX_PRECISION)
    scale = min(scale, precision)
    to = data_type(f"DECIMAL({precision}, {scale})")
    return exp.cast(exp.Literal.string(text), to, copy=False)


def column_type(kind: str) -> exp.DataType:
    return data_type(SQL_TYPES[kind])


def data_type(text: str) -> exp.DataType:
    """A fresh node of the type `text` names (parsed once per spelling)."""
    return _parsed_type(text).copy()


@functools.lru_cache(maxsize=256)
def _parsed_type(text: str) -> exp.DataType:
    return exp.DataType.build(text)
