"""Selection → `.sel` source: the way back from CXone JSON (`selang decompile`, `selang import`).

List ids are written as quoted ids, the rules as one `where` clause, the result in the canonical
layout of `selang.format.fmt`. Before answering, the source is compiled again and must give the same
JSON as the selection it came from; anything that cannot be written raises `DecompileError`.
"""

from __future__ import annotations

from selang.core.diagnostics import Diagnostic, Span, error
from selang.core.values import Scalar
from selang.format.fmt import print_module
from selang.semantic.model import ListRef, Rule, Selection
from selang.semantic.ruletext import SYMBOLS
from selang.syntax import ast

UNWRITABLE = "SEL090"

_TEXT = ("starts_with", "ends_with", "contains")


class DecompileError(ValueError):
    """The selection holds something `.sel` cannot express; `diagnostic` says what and where."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def to_source(selection: Selection, default_id: str | None = None) -> str:
    """`.sel` source for `selection`; its campaign id, else `default_id` (a file's stem).

    Raises DecompileError when a name or value cannot be written, or when there is no id.
    """
    campaign_id = selection.campaign_id if selection.campaign_id is not None else default_id
    if campaign_id is None:
        raise DecompileError(
            error(
                UNWRITABLE,
                "the selection has no campaign id",
                selection.span,
                help="decompile a whole campaign document, or name the campaign",
            )
        )
    span = selection.span
    _writable_string(campaign_id, span, "campaign id")
    clauses: list[ast.Clause] = []
    targets = _list_ids(selection.targets, span)
    if targets:
        clauses.append(ast.TargetClause(targets, span))
    exclusions = _list_ids(selection.exclusions, span)
    if exclusions:
        clauses.append(ast.ExcludeClause(exclusions, span))
    if selection.rules:
        clauses.append(ast.WhereClause(tuple(_condition(r) for r in selection.rules), span))
    if selection.priority:
        for tier in selection.priority:
            _writable_string(tier.name, tier.span, "tier name")
        tiers = tuple(ast.Tier(t.name, t.span) for t in selection.priority)
        clauses.append(ast.PriorityClause(tiers, span))
    module = ast.Module((ast.CampaignDecl(campaign_id, tuple(clauses), span),), span)
    source = print_module(module)
    _check_round_trip(selection, campaign_id, source)
    return source


def _list_ids(refs: tuple[ListRef, ...], span: Span) -> tuple[ast.ListId, ...]:
    ids = list(dict.fromkeys(r.id for r in refs))
    for ref in refs:
        _writable_string(ref.id, ref.span, "list id")
    return tuple(ast.ListId(i, span) for i in ids)


def _condition(rule: Rule) -> ast.Condition:
    field = _field(rule)
    op, value, span = rule.operator, rule.value, rule.span
    for item in value if isinstance(value, tuple) else (value,):
        if isinstance(item, str):
            _writable_string(item, span, "value")
    if op in SYMBOLS:
        return ast.Comparison(field, SYMBOLS[op], _scalar(value), span)
    if op in ("in", "not_in"):
        assert isinstance(value, tuple)
        return ast.Membership(field, value, op == "not_in", span)
    if op == "between":
        assert isinstance(value, tuple)
        low, high = value
        return ast.Between(field, low, high, span)
    if op in _TEXT:
        assert isinstance(value, str)
        return ast.StringMatch(field, op, value, span)
    if op == "is_null":
        return ast.NullCheck(field, negated=not value, span=span)
    raise DecompileError(error(UNWRITABLE, f"unknown operator `{op}`", span))


def _scalar(value: object) -> Scalar:
    assert not isinstance(value, tuple)
    return value  # type: ignore[return-value]


def _field(rule: Rule) -> ast.Field:
    name = rule.field
    bad = next((c for c in ("`", "\n", "\r") if c in name), None)
    if bad is not None:
        what = "a back quote" if bad == "`" else "a line break"
        raise DecompileError(
            error(
                UNWRITABLE,
                f"field `{_shown(name)}` holds {what} and cannot be written in `.sel`",
                rule.span,
                help="rename the field in CXone; back-quoted field names hold any "
                "character except a back quote and a line break",
            )
        )
    _writable_string(name, rule.span, "field name")
    return ast.Field(name, rule.span)


def _writable_string(text: str, span: Span, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise DecompileError(
            error(UNWRITABLE, f"{what} `{_shown(text)}` holds an unpaired surrogate", span)
        ) from None


def _shown(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\n", "\\n")


def _check_round_trip(selection: Selection, campaign_id: str, source: str) -> None:
    """The written source must compile to the JSON the selection itself compiles to."""
    import attrs

    from selang.semantic.resolve import resolve
    from selang.targets.cxone import render

    program = resolve("<decompiled>.sel", source)
    expected = render(attrs.evolve(selection, campaign_id=campaign_id))
    if program.selection is None or render(program.selection) != expected:
        raise DecompileError(
            error(
                UNWRITABLE,
                "cannot write this selection as `.sel` source that compiles back to it",
                selection.span,
                help="please report this selection",
            )
        )
