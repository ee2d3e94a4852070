"""`funnel`: every count of CONTRACT §6 in one statement and one scan of the contacts table.

Each row gets a `stage`, the number of leading rules it passes (-1 outside the target lists),
and, when it passes them all, the position of its tier in the priority order. One group per
contact keeps the furthest stage, the earliest tier and whether any row is in an exclusion
list; the counts are `COUNT(*) FILTER (WHERE ...)` over those groups. A contact is still
targeted, remaining after rule k or selected exactly when some row of it is, so the three
aggregates carry the whole funnel, however many rules there are.
"""

from __future__ import annotations

from sqlglot import exp

from selang.semantic.model import Selection

from .predicate import column, identifier
from .queries import as_text, in_lists, key_present, rules, table_expression
from .table import ContactsTable

DEFAULT_TIER = "default"


def funnel(selection: Selection, table: ContactsTable) -> exp.Select:
    """One row: `targeted`, `excluded`, `remaining_1..n` (cumulative), `selected`,
    `tier_1..m` for the priority order (when the table has a tier column) and `unranked`."""
    n = len(selection.rules)
    tiers = [t.name for t in selection.priority] if table.tier_column else []
    named = _named_tiers(tiers)
    stage = exp.Case(
        ifs=[
            exp.If(
                this=exp.not_(in_lists(table, (r.id for r in selection.targets)), copy=False),
                true=_int(-1),
            ),
            *(
                exp.If(this=exp.not_(test, copy=False), true=_int(k))
                for k, test in enumerate(rules(selection, table, None))
            ),
        ],
        default=_int(n),
    )
    contact_rows = exp.select(
        _as(column(table.key_column), "contact"),
        _as(stage, "stage"),
        _as(in_lists(table, (r.id for r in selection.exclusions)), "in_exclusion"),
    )
    if named:
        contact_rows = contact_rows.select(_as(_tier_place(table, named), "tier_place"))
    listed = [r.id for r in (*selection.targets, *selection.exclusions)]
    contact_rows = contact_rows.from_(table_expression(table)).where(
        exp.and_(key_present(table, None), in_lists(table, listed, known=False), copy=False)
    )
    per_contact = exp.select(
        _as(exp.Max(this=_col("stage")), "stage"),
        _as(exp.LogicalOr(this=_col("in_exclusion")), "excluded"),
    )
    if named:
        # Only a row passing every rule is a selecting row, whose tier counts.
        selecting = exp.Case(
            ifs=[
                exp.If(this=exp.EQ(this=_col("stage"), expression=_int(n)), true=_col("tier_place"))
            ]
        )
        per_contact = per_contact.select(_as(exp.Min(this=selecting), "tier"))
    per_contact = per_contact.from_(contact_rows.subquery("contact_rows")).group_by(_col("contact"))
    counts = [
        _count(_reached(0), "targeted"),
        _count(exp.and_(_reached(0), _col("excluded"), copy=False), "excluded"),
        *(_count(_kept(k), f"remaining_{k}") for k in range(1, n + 1)),
        _count(_kept(n), "selected"),
        *_tier_counts(tiers, named, n),
    ]
    return exp.select(*counts).from_(per_contact.subquery("per_contact"))


def _named_tiers(tiers: list[str]) -> dict[str, int]:
    """Tier name → its first position (1-based), for the tiers before the first `default`."""
    places: dict[str, int] = {}
    for j, name in enumerate(tiers, 1):
        if name == DEFAULT_TIER:
            break
        places.setdefault(name, j)
    return places


def _tier_place(table: ContactsTable, named: dict[str, int]) -> exp.Expression:
    """The position of the tier a row names; NULL for a tier not in the order, or none."""
    tier = as_text(table, table.tier_column or "", None)
    return exp.Case(
        ifs=[
            exp.If(this=exp.EQ(this=tier.copy(), expression=exp.Literal.string(name)), true=_int(j))
            for name, j in named.items()
        ]
    )


def _tier_counts(tiers: list[str], named: dict[str, int], n: int) -> list[exp.Expression]:
    counts: list[exp.Expression] = []
    default = next((j for j, t in enumerate(tiers, 1) if t == DEFAULT_TIER), None)

    def untaken(j: int | None) -> exp.Expression:
        """Not taken by a named tier before position j (before any, for None)."""
        if not named:
            return exp.true()
        nowhere = exp.Is(this=_col("tier"), expression=exp.null())
        if j is None:
            return nowhere
        later = exp.GT(this=_col("tier"), expression=_int(j))
        return exp.paren(exp.or_(nowhere, later, copy=False), copy=False)

    for j, name in enumerate(tiers, 1):
        if default is not None and j > default:  # `default` took every contact left
            counts.append(_as(_int(0), f"tier_{j}"))
        elif j == default:
            counts.append(_count(exp.and_(_kept(n), untaken(j), copy=False), f"tier_{j}"))
        elif named.get(name) != j:  # a repeated tier: its first place took its contacts
            counts.append(_as(_int(0), f"tier_{j}"))
        else:
            here = exp.EQ(this=_col("tier"), expression=_int(j))
            counts.append(_count(exp.and_(_kept(n), here, copy=False), f"tier_{j}"))
    if default is not None:
        counts.append(_as(_int(0), "unranked"))
    else:
        counts.append(_count(exp.and_(_kept(n), untaken(None), copy=False), "unranked"))
    return counts


def _as(expression: exp.Expression, name: str) -> exp.Expression:
    return exp.alias_(expression, name, copy=False)


def _int(value: int) -> exp.Expression:
    number = exp.Literal.number(abs(value))
    return exp.Neg(this=number) if value < 0 else number


def _col(name: str) -> exp.Column:
    return exp.column(identifier(name))


def _reached(k: int) -> exp.Expression:
    return exp.GTE(this=_col("stage"), expression=_int(k))


def _kept(k: int) -> exp.Expression:
    """A contact with a row passing the first k rules, and in no exclusion list."""
    return exp.and_(_reached(k), exp.not_(_col("excluded"), copy=False), copy=False)


def _count(condition: exp.Expression, name: str) -> exp.Expression:
    counted = exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=condition))
    return _as(counted, name)
