"""`select_contacts`, the first query of CONTRACT §6, and the pieces both queries share.

`funnel` (the counts in one scan) is in `selang.targets.sql.funnel`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlglot import exp

from selang.semantic.model import Selection

from .literals import data_type
from .predicate import column, rule_predicate
from .table import ContactsTable

OUTER, INNER = "c", "x"


def table_expression(table: ContactsTable, alias: str | None = None) -> exp.Table:
    """`--table a.b.c` names a table in a schema in a catalogue; each part is quoted."""
    parts = table.name.split(".")
    if len(parts) > 3 or not all(parts):  # not a dotted path: one name, dots and all
        parts = [table.name]
    name, db, catalog = [*reversed(parts), None, None][:3]
    return exp.table_(name, db=db, catalog=catalog, quoted=True, alias=alias)


def as_text(table: ContactsTable, name: str, qualifier: str | None) -> exp.Expression:
    col = column(name, qualifier)
    kind = table.kind(name)
    if kind is None or kind == "string":
        return col
    return exp.cast(col, data_type("VARCHAR"), copy=False)


def in_lists(
    table: ContactsTable, ids: Iterable[str], qualifier: str | None = None, known: bool = True
) -> exp.Expression:
    """The row is in one of these lists (list ids compare as text). `known=False` leaves a null
    list id NULL rather than FALSE: the same in a WHERE conjunct, and the engine can push a
    plain `IN` down into the file scan."""
    members = [exp.Literal.string(i) for i in dict.fromkeys(ids)]
    if not members:
        return exp.false()
    test = exp.In(this=as_text(table, table.list_column, qualifier), expressions=members)
    return exp.Coalesce(this=test, expressions=[exp.false()]) if known else test


def rules(
    selection: Selection, table: ContactsTable, qualifier: str | None, upto: int | None = None
) -> list[exp.Expression]:
    chosen = selection.rules if upto is None else selection.rules[:upto]
    return [rule_predicate(rule, table, qualifier) for rule in chosen]


def conjunction(conditions: Sequence[exp.Expression]) -> exp.Expression:
    """The conjunction of fresh nodes (not copied again)."""
    return exp.and_(*conditions, copy=False) if conditions else exp.true()


def key_present(table: ContactsTable, qualifier: str | None) -> exp.Expression:
    present = exp.Is(this=column(table.key_column, qualifier), expression=exp.null())
    return exp.not_(present, copy=False)


def select_contacts(selection: Selection, table: ContactsTable) -> exp.Select:
    """`SELECT DISTINCT key`: a row in a target list passing every rule, no row in an exclusion."""
    key = column(table.key_column, OUTER)
    conditions = [
        in_lists(table, (r.id for r in selection.targets), OUTER, known=False),
        key_present(table, OUTER),
        *rules(selection, table, OUTER),
    ]
    if selection.exclusions:
        excluded = (
            exp.select(exp.Literal.number(1))
            .from_(table_expression(table, INNER))
            .where(in_lists(table, (r.id for r in selection.exclusions), INNER, known=False))
            .where(exp.EQ(this=column(table.key_column, INNER), expression=key.copy()))
        )
        conditions.append(exp.not_(exp.Exists(this=excluded), copy=False))
    return (
        exp.select(key)
        .distinct()
        .from_(table_expression(table, OUTER))
        .where(conjunction(conditions))
    )
