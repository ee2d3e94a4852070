"""The typed syntax tree of a `.sel` file, as written (names unresolved, segments unexpanded).

Built by `selang.syntax.parser` only; class names mirror the grammar's rule names. Every node
has a span, compared with `eq=False` so that equality is structural.
"""

from __future__ import annotations

import attrs

from selang.core.diagnostics import Span
from selang.core.values import Scalar

# Nodes built by hand (tests, generators) may leave the span out.
NO_SPAN = Span("<ast>", 1, 1, 1, 1)


def _span() -> Span:
    return attrs.field(eq=False, repr=False, default=NO_SPAN)


@attrs.frozen
class Field:
    name: str
    span: Span = _span()

    @property
    def quoted(self) -> bool:
        """Whether the name needs back quotes to be written (`Last Call Date`)."""
        from selang.syntax.names import is_plain_field

        return not is_plain_field(self.name)


@attrs.frozen
class Comparison:
    """`f == v`, `f != v`, `f > v`, `f >= v`, `f < v`, `f <= v`."""

    field: Field
    op: str
    value: Scalar
    span: Span = _span()


@attrs.frozen
class Membership:
    """`f in (v, ...)`, or `f not in (v, ...)` when `negated`."""

    field: Field
    values: tuple[Scalar, ...]
    negated: bool
    span: Span = _span()


@attrs.frozen
class Between:
    field: Field
    low: Scalar
    high: Scalar
    span: Span = _span()


@attrs.frozen
class StringMatch:
    """`f starts with "s"`, `f ends with "s"`, `f contains "s"`; `kind` is the JSON operator."""

    field: Field
    kind: str
    text: str
    span: Span = _span()


@attrs.frozen
class NullCheck:
    """`f is null`, or `f is not null` when `negated`."""

    field: Field
    negated: bool
    span: Span = _span()


@attrs.frozen
class SegmentRef:
    name: str
    span: Span = _span()


Condition = Comparison | Membership | Between | StringMatch | NullCheck | SegmentRef


@attrs.frozen
class ListName:
    name: str
    span: Span = _span()


@attrs.frozen
class ListId:
    id: str
    span: Span = _span()


ListRef = ListName | ListId


@attrs.frozen
class TargetClause:
    lists: tuple[ListRef, ...]
    span: Span = _span()


@attrs.frozen
class ExcludeClause:
    lists: tuple[ListRef, ...]
    span: Span = _span()


@attrs.frozen
class WhereClause:
    conditions: tuple[Condition, ...]
    span: Span = _span()


@attrs.frozen
class Tier:
    name: str
    span: Span = _span()


@attrs.frozen
class PriorityClause:
    tiers: tuple[Tier, ...]
    span: Span = _span()


Clause = TargetClause | ExcludeClause | WhereClause | PriorityClause


@attrs.frozen
class ImportDecl:
    path: str
    span: Span = _span()


@attrs.frozen
class ListDecl:
    name: str
    list_id: str
    span: Span = _span()
    name_span: Span = _span()
    id_span: Span = _span()


@attrs.frozen
class SegmentDecl:
    name: str
    conditions: tuple[Condition, ...]
    span: Span = _span()
    name_span: Span = _span()


@attrs.frozen
class CampaignDecl:
    campaign_id: str
    clauses: tuple[Clause, ...]
    span: Span = _span()
    id_span: Span = _span()


Decl = ImportDecl | ListDecl | SegmentDecl | CampaignDecl


@attrs.frozen
class Module:
    """One `.sel` file: its declarations in source order."""

    decls: tuple[Decl, ...]
    span: Span = _span()
