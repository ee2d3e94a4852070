"""The two queries of CONTRACT §6: the selected contacts, and the funnel in one scan.

`select_contacts` returns the distinct keys. `funnel` groups the rows of the target and
exclusion lists by contact once, with one `BOOL_OR` flag per step, and counts the flags with
`COUNT(*) FILTER (WHERE ...)`: one statement, one pass over the table, nothing per rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from sqlglot import exp

from selang.semantic.model import Selection

from .predicate import column, identifier, rule_predicate
from .table import ContactsTable

DEFAULT_TIER = "default"
OUTER, INNER = "c", "x"


def table_expression(table: ContactsTable, alias: str | None = None) -> exp.Table:
    """`--table a.b.c` names a table in a schema in a catalogue; each part is quoted."""
    parts = table.name.split(".")
    if len(parts) > 3 or not all(parts):  # not a dotted path: one name, dots and all
        parts = [table.name]
    name, db, catalog = [*reversed(parts), None, None][:3]
    return exp.table_(name, db=db, catalog=catalog, quoted=True, alias=alias)


def _as_text(table: ContactsTable, name: str, qualifier: str | None) -> exp.Expression:
    col = column(name, qualifier)
    kind = table.kind(name)
    if kind is None or kind == "string":
        return col
    return exp.cast(col, exp.DataType.build("VARCHAR"))


def in_lists(
    table: ContactsTable, ids: Iterable[str], qualifier: str | None = None
) -> exp.Expression:
    """The row is in one of these lists (list ids compare as text)."""
    members = [exp.Literal.string(i) for i in dict.fromkeys(ids)]
    if not members:
        return exp.false()
    test = exp.In(this=_as_text(table, table.list_column, qualifier), expressions=members)
    return exp.Coalesce(this=test, expressions=[exp.false()])


def _rules(
    selection: Selection, table: ContactsTable, qualifier: str | None, upto: int | None = None
) -> list[exp.Expression]:
    rules = selection.rules if upto is None else selection.rules[:upto]
    return [rule_predicate(rule, table, qualifier) for rule in rules]


def _all(conditions: Sequence[exp.Expression]) -> exp.Expression:
    """The conjunction of fresh nodes (not copied again)."""
    return exp.and_(*conditions, copy=False) if conditions else exp.true()


def _key_present(table: ContactsTable, qualifier: str | None) -> exp.Expression:
    return exp.not_(exp.Is(this=column(table.key_column, qualifier), expression=exp.null()))


def select_contacts(selection: Selection, table: ContactsTable) -> exp.Select:
    """`SELECT DISTINCT key`: a row in a target list passing every rule, no row in an exclusion."""
    key = column(table.key_column, OUTER)
    conditions = [
        in_lists(table, (r.id for r in selection.targets), OUTER),
        _key_present(table, OUTER),
        *_rules(selection, table, OUTER),
    ]
    if selection.exclusions:
        excluded = (
            exp.select(exp.Literal.number(1))
            .from_(table_expression(table, INNER))
            .where(in_lists(table, (r.id for r in selection.exclusions), INNER))
            .where(exp.EQ(this=column(table.key_column, INNER), expression=key.copy()))
        )
        conditions.append(exp.not_(exp.Exists(this=excluded)))
    return exp.select(key).distinct().from_(table_expression(table, OUTER)).where(_all(conditions))


def funnel(selection: Selection, table: ContactsTable) -> exp.Select:
    """One row: `targeted`, `excluded`, `remaining_1..n` (cumulative), `selected`,
    `tier_1..m` for the priority order (when the table has a tier column) and `unranked`.

    Three levels, one scan: each row's tests (every rule's predicate written once), then one
    group per contact with a `BOOL_OR` per step, then the counts of those flags.
    """
    n = len(selection.rules)
    tiers = _tier_names(selection, table)
    tests: list[tuple[str, exp.Expression]] = [
        ("in_target", in_lists(table, (r.id for r in selection.targets))),
        ("in_exclusion", in_lists(table, (r.id for r in selection.exclusions))),
        *((f"rule_{i}", p) for i, p in enumerate(_rules(selection, table, None), 1)),
    ]
    for j, name in enumerate(tiers, 1):
        if name != DEFAULT_TIER:
            named = exp.EQ(
                this=_as_text(table, table.tier_column or "", None),
                expression=exp.Literal.string(name),
            )
            tests.append((f"named_{j}", exp.Coalesce(this=named, expressions=[exp.false()])))
    rows = (
        exp.select(
            exp.alias_(column(table.key_column), "contact"),
            *(exp.alias_(test, name) for name, test in tests),
        )
        .from_(table_expression(table))
        .where(
            exp.and_(
                _key_present(table, None),
                in_lists(table, [r.id for r in (*selection.targets, *selection.exclusions)]),
                copy=False,
            )
        )
    )
    steps = [
        [_flag("in_target"), *(_flag(f"rule_{i}") for i in range(1, k + 1))] for k in range(n + 1)
    ]
    flags: list[tuple[str, exp.Expression]] = [
        ("targeted", _flag("in_target")),
        ("excluded", _flag("in_exclusion")),
        *((f"step_{k}", _all(steps[k])) for k in range(1, n + 1)),
        *(
            (f"tier_{j}", _all([*_copies(steps[n]), _flag(f"named_{j}")]))
            for j, name in enumerate(tiers, 1)
            if name != DEFAULT_TIER
        ),
    ]
    per_contact = (
        exp.select(*(exp.alias_(exp.LogicalOr(this=test), name) for name, test in flags))
        .from_(rows.subquery("contact_rows"))
        .group_by(_flag("contact"))
    )
    last = f"step_{n}" if n else "targeted"
    counts: list[exp.Expression] = [
        _count(_flag("targeted"), "targeted"),
        _count(exp.and_(_flag("targeted"), _flag("excluded"), copy=False), "excluded"),
        *(_count(_kept(f"step_{k}"), f"remaining_{k}") for k in range(1, n + 1)),
        _count(_kept(last), "selected"),
        *_tier_counts(tiers, lambda: _kept(last)),
    ]
    return exp.select(*counts).from_(per_contact.subquery("per_contact"))


def _copies(nodes: list[exp.Expression]) -> list[exp.Expression]:
    return [node.copy() for node in nodes]


def _kept(step: str) -> exp.Expression:
    """A contact that passed `step` and is in no exclusion list."""
    return exp.and_(_flag(step), exp.not_(_flag("excluded"), copy=False), copy=False)


def _tier_names(selection: Selection, table: ContactsTable) -> list[str]:
    return [t.name for t in selection.priority] if table.tier_column else []


def _tier_counts(tiers: list[str], selected: Callable[[], exp.Expression]) -> list[exp.Expression]:
    """Each selected contact in the first tier that one of its selecting rows names;
    `default` takes every one left."""
    counts: list[exp.Expression] = []
    earlier: list[str] = []
    defaulted = False
    for j, name in enumerate(tiers, 1):
        if defaulted:  # `default` took every selected contact left
            counts.append(exp.alias_(exp.Literal.number(0), f"tier_{j}"))
            continue
        untaken = [exp.not_(_flag(f), copy=False) for f in earlier]
        if name == DEFAULT_TIER:
            counts.append(_count(_all([selected(), *untaken]), f"tier_{j}"))
            defaulted = True
            continue
        counts.append(_count(_all([selected(), _flag(f"tier_{j}"), *untaken]), f"tier_{j}"))
        earlier.append(f"tier_{j}")
    if defaulted:
        counts.append(exp.alias_(exp.Literal.number(0), "unranked"))
    else:
        untaken = [exp.not_(_flag(f), copy=False) for f in earlier]
        counts.append(_count(_all([selected(), *untaken]), "unranked"))
    return counts


def _flag(name: str) -> exp.Column:
    return exp.column(identifier(name))


def _count(condition: exp.Expression, name: str) -> exp.Expression:
    counted = exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=condition))
    return exp.alias_(counted, name)
