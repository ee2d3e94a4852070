"""`funnel`: every count of CONTRACT §6 in one statement and one scan of the contacts table.

A contact's whole funnel is a handful of yes-or-no facts, each a bit: bit k says one of its rows
is in a target list and passes the first k rules (bit 0: it is targeted), the next bit that one
of its rows is in an exclusion list, and one bit per named tier that one of its selecting rows
names that tier. Each row sets the bits it proves, so the contact's bits are the `BIT_OR` of its
rows' (a row passing k rules sets bits 0..k: the OR keeps the furthest). Then one group per
distinct bit pattern, and each count is a `SUM(...) FILTER (WHERE ...)` of bit tests over those
few groups. One aggregate per contact is what makes this fast: the grouping by contact is
nearly all the work. Patterns wider than a `BIGINT` take as many words as they need.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs
from sqlglot import exp

from selang.semantic.model import Selection

from .predicate import column, identifier
from .queries import as_text, in_lists, key_present, rules, table_expression
from .table import ContactsTable

DEFAULT_TIER = "default"
WORD = 62  # bits per BIGINT word, so every pattern and literal stays positive


def funnel(selection: Selection, table: ContactsTable) -> exp.Select:
    """One row: `targeted`, `excluded`, `remaining_1..n` (cumulative), `selected`,
    `tier_1..m` for the priority order (when the table has a tier column) and `unranked`."""
    layout = _Layout.of(selection, table)
    words = [f"bits_{w}" for w in range(layout.words)]
    contact_rows = exp.select(
        _as(column(table.key_column), "contact"),
        *(_as(_row_bits(selection, table, layout, w), name) for w, name in enumerate(words)),
    )
    listed = [r.id for r in (*selection.targets, *selection.exclusions)]
    contact_rows = contact_rows.from_(table_expression(table)).where(
        exp.and_(key_present(table, None), in_lists(table, listed, known=False), copy=False)
    )
    per_contact = (
        exp.select(*(_as(exp.BitwiseOrAgg(this=_col(name)), name) for name in words))
        .from_(contact_rows.subquery("contact_rows"))
        .group_by(_col("contact"))
    )
    patterns = (
        exp.select(*(_col(name) for name in words), _as(exp.Count(this=exp.Star()), "members"))
        .from_(per_contact.subquery("per_contact"))
        .group_by(*(_col(name) for name in words))
    )
    return exp.select(*_counts(layout)).from_(patterns.subquery("patterns"))


@attrs.frozen
class _Layout:
    """Where each fact's bit is: stages 0..n, then `excluded`, then one per named tier."""

    rules: int
    tiers: tuple[str, ...]  # the priority order, when the table has a tier column
    named: dict[str, int]  # a tier before `default` → its first place in the order (1-based)

    @classmethod
    def of(cls, selection: Selection, table: ContactsTable) -> _Layout:
        tiers = tuple(t.name for t in selection.priority) if table.tier_column else ()
        named: dict[str, int] = {}
        for j, name in enumerate(tiers, 1):
            if name == DEFAULT_TIER:  # `default` takes the rest: later tiers take no one
                break
            named.setdefault(name, j)
        return cls(len(selection.rules), tiers, named)

    @property
    def excluded(self) -> int:
        return self.rules + 1

    def tier(self, place: int) -> int:
        """The bit of the named tier first placed at `place`."""
        return self.excluded + 1 + list(self.named.values()).index(place)

    @property
    def words(self) -> int:
        return (self.excluded + 1 + len(self.named) + WORD - 1) // WORD


def _row_bits(selection: Selection, table: ContactsTable, layout: _Layout, word: int) -> exp.Expr:
    """Word `word` of the bits one row proves."""

    def bits(*positions: int) -> exp.Expr:
        return _int(sum(1 << p % WORD for p in positions if p // WORD == word))

    n = layout.rules
    passed = [bits(*range(k + 1)) for k in range(n + 1)]  # bits 0..k: in a target list, k rules
    outside = exp.not_(in_lists(table, (r.id for r in selection.targets)), copy=False)
    row = exp.Case(ifs=[exp.If(this=outside, true=_int(0))])
    for k, test in enumerate(rules(selection, table, None)):
        row = row.when(exp.not_(test, copy=False), passed[k], copy=False)
    tiers = [
        (name, bits(layout.tier(place)))
        for name, place in layout.named.items()
        if layout.tier(place) // WORD == word
    ]
    everything: exp.Expr = passed[n]
    if tiers and table.tier_column:
        tier = as_text(table, table.tier_column, None)
        named = exp.Case(
            ifs=[
                exp.If(this=exp.EQ(this=tier.copy(), expression=exp.Literal.string(name)), true=bit)
                for name, bit in tiers
            ],
            default=_int(0),
        )
        everything = exp.BitwiseOr(this=everything, expression=named)
    row = row.else_(everything, copy=False)
    if selection.exclusions and layout.excluded // WORD == word:
        exclusion = exp.Case(
            ifs=[
                exp.If(
                    this=in_lists(table, (r.id for r in selection.exclusions)),
                    true=bits(layout.excluded),
                )
            ],
            default=_int(0),
        )
        return exp.BitwiseOr(this=exp.paren(row, copy=False), expression=exclusion)
    return row


def _counts(layout: _Layout) -> Iterator[exp.Expr]:
    n = layout.rules

    def has(position: int, set_: bool = True) -> exp.Expr:
        word = _col(f"bits_{position // WORD}")
        mask = exp.paren(exp.BitwiseAnd(this=word, expression=_int(1 << position % WORD)))
        return (exp.NEQ if set_ else exp.EQ)(this=mask, expression=_int(0))

    def lacks(position: int) -> exp.Expr:
        return has(position, set_=False)

    def kept(k: int) -> exp.Expr:
        """A row in a target list passing the first k rules, and no row in an exclusion list."""
        return exp.and_(has(k), lacks(layout.excluded), copy=False)

    def untaken(before: int | None) -> list[exp.Expr]:
        """No named tier placed before `before` (before any, for None) took the contact."""
        places = [p for p in layout.named.values() if before is None or p < before]
        return [lacks(layout.tier(p)) for p in places]

    yield _sum(has(0), "targeted")
    yield _sum(exp.and_(has(0), has(layout.excluded), copy=False), "excluded")
    for k in range(1, n + 1):
        yield _sum(kept(k), f"remaining_{k}")
    yield _sum(kept(n), "selected")
    default = next((j for j, t in enumerate(layout.tiers, 1) if t == DEFAULT_TIER), None)
    for j, name in enumerate(layout.tiers, 1):
        if j == default:
            yield _sum(exp.and_(kept(n), *untaken(None), copy=False), f"tier_{j}")
        elif layout.named.get(name) == j:
            taken = has(layout.tier(j))
            yield _sum(exp.and_(kept(n), *untaken(j), taken, copy=False), f"tier_{j}")
        else:  # after `default`, or a repeat whose first place took its contacts
            yield _as(_int(0), f"tier_{j}")
    if default is not None:
        yield _as(_int(0), "unranked")
    else:
        yield _sum(exp.and_(kept(n), *untaken(None), copy=False), "unranked")


def _as(expression: exp.Expr, name: str) -> exp.Expr:
    return exp.alias_(expression, name, copy=False)


def _int(value: int) -> exp.Expr:
    return exp.Literal.number(value)


def _col(name: str) -> exp.Column:
    return exp.column(identifier(name))


def _sum(condition: exp.Expr, name: str) -> exp.Expr:
    added = exp.Filter(this=exp.Sum(this=_col("members")), expression=exp.Where(this=condition))
    return _as(added, name)
