"""The resolved selection: what `.sel` resolution and the JSON reader both produce.

Policies, the analysis and the targets read only this model, never the AST or raw JSON.
Every element keeps the span it came from so a diagnostic can point at the source.
"""

from __future__ import annotations

import attrs

from selang.core.diagnostics import Span
from selang.core.values import Scalar

OPERATORS = (
    "eq", "neq", "gt", "gte", "lt", "lte", "in", "not_in", "between",
    "starts_with", "ends_with", "contains", "is_null",
)  # fmt: skip

RuleValue = Scalar | tuple[Scalar, ...]


@attrs.frozen
class ListRef:
    """One contact list; `name` is the `list` definition it was written through, if any."""

    id: str
    span: Span = attrs.field(eq=False)
    name: str | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Rule:
    """One CXone filter rule. `via` names the segment(s) it was expanded from, outermost first."""

    field: str
    operator: str
    value: RuleValue
    span: Span = attrs.field(eq=False)
    via: tuple[str, ...] = attrs.field(default=(), eq=False)


@attrs.frozen
class Tier:
    name: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Selection:
    """One campaign's contact selection, names and segments resolved, lists in source order."""

    campaign_id: str | None
    targets: tuple[ListRef, ...]
    exclusions: tuple[ListRef, ...]
    rules: tuple[Rule, ...]
    priority: tuple[Tier, ...]
    span: Span = attrs.field(eq=False)
