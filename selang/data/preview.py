"""`preview`: what one campaign selects on real contact data, as CONTRACT §6's numbers.

The funnel is one query from `selang.targets.sql.funnel`, run by a `Runner`; this module only
names its columns. The data checks around it (missing columns, kinds, an empty campaign) are in
`selang.data.checks`.
"""

from __future__ import annotations

from typing import Any

import attrs

from selang.core.values import to_json
from selang.semantic.model import Rule, Selection
from selang.targets.sql import ContactsTable, funnel, to_sql

from . import DataError, Runner
from .checks import data_problems, empty_campaign, missing_columns, type_clashes

__all__ = [
    "Preview",
    "RuleCount",
    "data_problems",
    "empty_campaign",
    "missing_columns",
    "preview",
    "table_for",
    "type_clashes",
]


@attrs.frozen
class RuleCount:
    rule: Rule
    remaining: int


@attrs.frozen
class Preview:
    """One campaign's funnel: each number as §6 defines it."""

    campaign: str | None
    path: str
    engine: str
    targeted: int
    excluded: int
    rules: tuple[RuleCount, ...]
    selected: int
    tiers: tuple[tuple[str, int], ...]
    unranked: int

    def to_json(self) -> dict[str, Any]:
        """The object of `preview --format json`, keys in §6's order."""
        return {
            "campaign": self.campaign,
            "path": self.path,
            "engine": self.engine,
            "targeted": self.targeted,
            "excluded": self.excluded,
            "rules": [
                {
                    "field": c.rule.field,
                    "operator": c.rule.operator,
                    "value": _json_value(c.rule.value),
                    "remaining": c.remaining,
                }
                for c in self.rules
            ],
            "selected": self.selected,
            "tiers": [{"tier": name, "contacts": n} for name, n in self.tiers],
            "unranked": self.unranked,
        }


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [to_json(v) for v in value]
    return to_json(value)


def table_for(
    runner: Runner,
    contacts: Any = None,
    fields: Any = None,
    name: str | None = None,
) -> ContactsTable:
    """The contacts table of this source: settings, then the source's own schema."""
    columns = runner.columns()
    table = ContactsTable.configured(contacts, fields, columns, name)
    for special in (table.list_column, table.key_column):
        if special not in columns:
            there = ", ".join(f"`{c}`" for c in columns) or "none"
            raise DataError(f"the contacts have no column `{special}` (columns: {there})")
    if table.tier_column not in columns:
        table = attrs.evolve(table, tier_column=None)
    return table


def preview(selection: Selection, runner: Runner, table: ContactsTable) -> Preview:
    """Run the funnel of `selection` once on `runner`'s source."""
    query = to_sql(funnel(selection, table), runner.dialect, pretty=False)
    rows = runner.rows(query)
    if len(rows) != 1:
        raise DataError(f"the funnel query returned {len(rows)} rows instead of one")
    values = [int(v or 0) for v in rows[0]]  # type: ignore[call-overload]
    n = len(selection.rules)
    targeted, excluded = values[0], values[1]
    remaining = values[2 : 2 + n]
    selected = values[2 + n]
    tier_counts = values[3 + n : -1] if table.tier_column else []
    tiers = [t.name for t in selection.priority] if table.tier_column else []
    return Preview(
        campaign=selection.campaign_id,
        path=selection.span.path,
        engine=runner.dialect,
        targeted=targeted,
        excluded=excluded,
        rules=tuple(RuleCount(r, c) for r, c in zip(selection.rules, remaining, strict=True)),
        selected=selected,
        tiers=tuple(zip(tiers, tier_counts, strict=True)),
        unranked=values[-1] if table.tier_column else 0,
    )
