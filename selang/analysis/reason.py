"""One-line explanations of a minimal conflicting core, in the diagnostics' style.

Lowercase, no trailing period, user values in backticks; rules are shown as written in .sel.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal

from selang.core.values import Date, DateTime, Kind, decimal_text

from . import kinds
from .constraints import restrict
from .normalize import Atom

_SYMBOLS = {"eq": "==", "neq": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_KIND_NAMES: dict[Kind, str] = {
    "number": "a number",
    "string": "a string",
    "boolean": "a boolean",
    "date": "a date",
    "datetime": "a date-time",
}
_LONGEST_PLAIN = 1000
"""Digits before or after the point past which a decimal is shown in scientific notation."""


def show(value: object, quoted: bool = True) -> str:
    """A scalar as .sel source writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        if value and abs(value.adjusted()) > _LONGEST_PLAIN:
            return str(value).lower()  # `1e+999999999`, not a billion digits
        return decimal_text(value)
    if isinstance(value, Date | DateTime):
        return value.text
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if quoted else value
    return str(value)


def show_rule(atom: Atom) -> str:
    """The condition without its field, e.g. `> 65` or `starts with "a"`."""
    op, value = atom.op, atom.rule.value
    if op in _SYMBOLS:
        return f"{_SYMBOLS[op]} {show(value)}"
    if op in ("in", "not_in"):
        items = ", ".join(show(v) for v in value)
        return f"{'not in' if op == 'not_in' else 'in'} ({items})"
    if op == "between":
        return f"between {show(value[0])} and {show(value[1])}"
    if op == "is_null":
        return "is null" if value else "is not null"
    return f"{op.replace('_', ' ')} {show(value)}"


def _only_kind(atom: Atom) -> Kind | None:
    allowed = [of for of in kinds.KINDS if restrict(atom, of)]
    return allowed[0] if len(allowed) == 1 else None


def explain(field: str, core: Sequence[Atom]) -> str:
    name = f"`{field}`"
    shown = [f"`{show_rule(a)}`" for a in core]
    if len(core) == 1:
        return f"no value of {name} satisfies {shown[0]}"
    if len(core) > 2:
        return f"{name} cannot be {', '.join(shown[:-1])} and {shown[-1]} at once"
    a, b = core
    nulls = sorted((x for x in core if x.op == "is_null"), key=lambda x: not x.arg)
    if len(nulls) == 2:
        return f"{name} must be null and not null"
    if nulls:
        other = b if a is nulls[0] else a
        return f"{name} must be null but `{show_rule(other)}` needs a value"
    ops = {a.op: a for a in core}
    if set(ops) == {"in", "eq"}:
        listed = ", ".join(f"`{show(v, quoted=False)}`" for v in ops["in"].rule.value)
        return f"{name} must be in ({listed}) but is `{show(ops['eq'].rule.value, quoted=False)}`"
    ka, kb = _only_kind(a), _only_kind(b)
    if ka is not None and kb is not None and ka != kb:
        return (
            f"{name} cannot be both {_KIND_NAMES[ka]} ({shown[0]}) "
            f"and {_KIND_NAMES[kb]} ({shown[1]})"
        )
    return f"{name} cannot be both {shown[0]} and {shown[1]}"
