"""One-line explanations of a minimal conflicting core, in the diagnostics' style.

Lowercase, no trailing period, user values in backticks; rules are shown as written in .sel.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from selang.core.values import Kind
from selang.semantic.ruletext import rule_text, scalar_text

from . import kinds
from .constraints import restrict
from .normalize import Atom

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
    """A scalar as .sel source writes it; `quoted=False` leaves strings bare."""
    if isinstance(value, Decimal) and value and abs(value.adjusted()) > _LONGEST_PLAIN:
        return str(value).lower()  # `1e+999999999`, not a billion digits
    return value if isinstance(value, str) and not quoted else scalar_text(value)


def show_rule(atom: Atom) -> str:
    """The condition without its field, e.g. `> 65` or `starts with "a"`."""
    return rule_text(None, atom.op, atom.rule.value)


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
