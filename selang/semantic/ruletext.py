"""How one rule reads in text, for everything that shows rules: the formatter, the analysis's
explanations, the policies' messages (all in `.sel` notation) and the plan's diff lines (in the
notation of the CXone JSON, where the operator is the wire's `gte` and values are JSON).
"""

from __future__ import annotations

import json
from decimal import Decimal

from selang.core import jsonio
from selang.core.values import Date, DateTime, decimal_shown
from selang.syntax.names import is_plain_field, is_plain_name

SYMBOLS = {"eq": "==", "neq": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
"""The model's comparison operators and the `.sel` symbols that write them."""
COMPARE_OPS = {symbol: op for op, symbol in SYMBOLS.items()}


def string_text(text: str) -> str:
    """A string literal with JSON escapes; characters outside ASCII are kept as they are."""
    return json.dumps(text, ensure_ascii=False)


def name_text(name: str) -> str:
    """A list, segment or tier name: bare when it is an identifier, else quoted."""
    return name if is_plain_name(name) else string_text(name)


def field_text(name: str) -> str:
    """A field name, back-quoted only when it cannot be written bare."""
    return name if is_plain_field(name) else f"`{name}`"


def scalar_text(value: object) -> str:
    """A value as `.sel` source writes it: strings quoted, dates and numbers bare."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Date | DateTime):
        return value.text
    if isinstance(value, str):
        return string_text(value)
    if isinstance(value, Decimal):
        return decimal_shown(value)
    return str(value)


def json_name_text(name: object) -> str:
    """A name in the JSON notation: bare when it is a plain name, else written as JSON, so
    `Lifetime Value` or a tier `A, B` reads as one item."""
    return name if isinstance(name, str) and is_plain_field(name) else jsonio.dumps(name)


def rule_text(field: object, operator: object, value: object, *, as_json: bool = False) -> str:
    """`age >= 18`, or with `as_json` `age gte 18`; with `field` None in
    `.sel` notation only the condition (`>= 18`).

    In `.sel` notation the rule must be well-formed for its operator (a pair for `between`, a
    sequence for `in`); the JSON notation shows whatever the document holds.
    """
    if as_json:
        return f"{json_name_text(field)} {operator} {jsonio.dumps(value)}"
    condition = _condition(str(operator), value)
    return condition if field is None else f"{field_text(str(field))} {condition}"


def _condition(op: str, value: object) -> str:
    if op in SYMBOLS:
        return f"{SYMBOLS[op]} {scalar_text(value)}"
    if op in ("in", "not_in"):
        assert isinstance(value, tuple | list)
        items = ", ".join(scalar_text(v) for v in value)
        return f"{'not in' if op == 'not_in' else 'in'} ({items})"
    if op == "between":
        assert isinstance(value, tuple | list)
        low, high = value
        return f"between {scalar_text(low)} and {scalar_text(high)}"
    if op == "is_null":
        return "is null" if value else "is not null"
    return f"{op.replace('_', ' ')} {scalar_text(value)}"  # starts with, ends with, contains
