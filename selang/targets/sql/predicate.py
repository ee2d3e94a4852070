"""One filter rule as a SQL predicate with §2's meaning: always TRUE or FALSE, never NULL.

The rule is read through `selang.analysis.normalize`, the same reading the evaluator uses, and
the kind of each constant is set against the column's kind: a constant of another kind never
compares (`eq`, `in`, order and text FALSE; `neq`, `not_in` TRUE on non-null). Text operators use
`STARTS_WITH`/`ENDS_WITH`/`STRPOS`, so `%`, `_` and `\\` in a value are plain characters.
"""

from __future__ import annotations

from sqlglot import exp

from selang.analysis import kinds
from selang.analysis.normalize import Atom, Const, RuleLike, normalize

from .literals import column_type, literal
from .table import ContactsTable

_ORDER = {"gt": exp.GT, "gte": exp.GTE, "lt": exp.LT, "lte": exp.LTE}


def identifier(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def column(name: str, table: str | None = None) -> exp.Column:
    return exp.column(identifier(name), table=identifier(table) if table else None)


def field(table: ContactsTable, name: str, qualifier: str | None = None) -> exp.Expression:
    """The column of a field, cast to its declared kind when the data holds another."""
    col = column(name, qualifier)
    kind = table.kind(name)
    if kind is not None and table.cast_needed(name):
        return exp.TryCast(this=col, to=column_type(kind))
    return col


def rule_predicate(
    rule: RuleLike, table: ContactsTable, qualifier: str | None = None
) -> exp.Expression:
    """The rule on one row of `table`; a rule of invalid shape holds for every row, as in
    `selang.analysis.evaluate` (such a rule is SEL015's error and never compiled)."""
    atom = normalize(rule)
    if atom is None:
        return exp.true()
    return atom_predicate(atom, table, qualifier)


def atom_predicate(atom: Atom, table: ContactsTable, qualifier: str | None) -> exp.Expression:
    col = field(table, atom.field, qualifier)
    op, arg = atom.op, atom.arg
    if op == "is_null":
        nulls = exp.Is(this=col, expression=exp.null())
        return nulls if arg is True else exp.not_(nulls, copy=False)
    kind = table.kind(atom.field) or _assumed_kind(atom)
    if op in ("starts_with", "ends_with", "contains"):
        return _text(op, col, arg) if kind == "string" else exp.false()
    not_null = exp.not_(exp.Is(this=col.copy(), expression=exp.null()), copy=False)
    if op in ("eq", "neq"):
        if arg[0] != kind:
            return exp.false() if op == "eq" else not_null
        compare = exp.EQ if op == "eq" else exp.NEQ
        return _known(compare(this=col, expression=_value(arg)))
    if op in ("in", "not_in"):
        members = [_value(c) for c in dict.fromkeys(c for c in arg if c[0] == kind)]
        if not members:
            return exp.false() if op == "in" else not_null
        test: exp.Expression = exp.In(this=col, expressions=members)
        return _known(test if op == "in" else exp.not_(test, copy=False))
    if kind == "boolean":  # booleans have no order
        return exp.false()
    if op == "between":
        low, high = arg
        if low[0] != kind or high[0] != kind:
            return exp.false()
        both = exp.and_(
            exp.GTE(this=col, expression=_value(low)),
            exp.LTE(this=col.copy(), expression=_value(high)),
            copy=False,
        )
        return _known(both)
    if arg[0] != kind:
        return exp.false()
    return _known(_ORDER[op](this=col, expression=_value(arg)))


def _assumed_kind(atom: Atom) -> str:
    """Without a type for the column, it is taken to hold the kind of the rule's first constant."""
    found = atom.constants()
    return found[0][0] if found else "string"


def _value(const: Const) -> exp.Expression:
    return literal(kinds.scalar(*const))


def _text(op: str, col: exp.Expression, text: str) -> exp.Expression:
    pattern = exp.Literal.string(text)
    if op == "starts_with":
        test: exp.Expression = exp.StartsWith(this=col, expression=pattern)
    elif op == "ends_with":
        test = exp.EndsWith(this=col, expression=pattern)
    else:
        test = exp.GT(
            this=exp.StrPosition(this=col, substr=pattern), expression=exp.Literal.number(0)
        )
    return _known(test)


def _known(test: exp.Expression) -> exp.Expression:
    """NULL (a null column) counts as FALSE: a rule never leaves an unknown behind."""
    inner = exp.paren(test, copy=False) if isinstance(test, exp.Connector) else test
    return exp.Coalesce(this=inner, expressions=[exp.false()])
