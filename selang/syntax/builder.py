"""The reductions of the LR driver (`selang.syntax.lr`): one method per grammar rule, named
after it, building that rule's AST node (`selang.syntax.ast`) from its children."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from selang.core.diagnostics import Diagnostic, Span, error
from selang.core.values import MAX_DIGITS, Date, DateTime, Scalar, too_long
from selang.syntax import ast
from selang.syntax.lr import Token

SYNTAX = "SEL001"


class AstBuilder:
    """The reductions: each method, named after its grammar rule, builds one AST node from the
    rule's children (tokens, nodes, or what an inlined `_rule` spliced in)."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.problems: list[Diagnostic] = []

    def _span(self, first: Any, last: Any) -> Span:
        """From the start of `first` to the end of `last`: tokens, nodes or spans."""
        a = first if isinstance(first, Token | Span) else first.span
        b = last if isinstance(last, Token | Span) else last.span
        return Span(self.path, a.line, a.column, b.end_line, b.end_column)

    def _of(self, item: object) -> Span:
        if isinstance(item, Token):
            return item.span(self.path)
        return item.span  # type: ignore[attr-defined]

    def _string(self, tok: Token) -> str:
        if "\\" not in tok.value:
            return tok.value[1:-1]  # the grammar admits no control characters: nothing to decode
        import json

        value: str = json.loads(tok.value)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.problems.append(
                error(
                    SYNTAX,
                    "string has an unpaired surrogate escape",
                    tok.span(self.path),
                    help="write the character itself or a valid `\\uXXXX\\uXXXX` pair",
                )
            )
        return value

    # declarations
    def start(self, children: list[ast.Decl]) -> ast.Module:
        text = self.text  # counted, not split: no second copy of a large file
        last = text.count("\n") + 1
        end = Span(self.path, 1, 1, last, len(text) - text.rfind("\n"))
        return ast.Module(tuple(children), end)

    def import_decl(self, children: list[Any]) -> ast.ImportDecl:
        kw, path = children
        return ast.ImportDecl(self._string(path), self._span(kw, path))

    def list_decl(self, children: list[Any]) -> ast.ListDecl:
        kw, name, list_id = children
        return ast.ListDecl(
            name.value,
            self._string(list_id),
            self._span(kw, list_id),
            self._of(name),
            self._of(list_id),
        )

    def segment_decl(self, children: list[Any]) -> ast.SegmentDecl:
        kw, name, conds = children
        last = conds[-1] if conds else name
        return ast.SegmentDecl(name.value, conds, self._span(kw, last), self._of(name))

    def campaign_decl(self, children: list[object]) -> ast.CampaignDecl:
        kw, cid, *clauses, brace = children
        return ast.CampaignDecl(
            self._string(cid),  # type: ignore[arg-type]
            tuple(clauses),  # type: ignore[arg-type]
            self._span(kw, brace),
            self._of(cid),
        )

    # clauses
    def target_clause(self, children: list[object]) -> ast.TargetClause:
        return ast.TargetClause(tuple(children[1:]), self._span(children[0], children[-1]))  # type: ignore[arg-type]

    def exclude_clause(self, children: list[object]) -> ast.ExcludeClause:
        return ast.ExcludeClause(tuple(children[1:]), self._span(children[0], children[-1]))  # type: ignore[arg-type]

    def where_clause(self, children: list[Any]) -> ast.WhereClause:
        kw, conds = children
        return ast.WhereClause(conds, self._span(kw, conds[-1]))

    def priority_clause(self, children: list[Token]) -> ast.PriorityClause:
        tiers = tuple(
            ast.Tier(t.value if t.type == "NAME" else self._string(t), self._of(t))
            for t in children[1:]
        )
        return ast.PriorityClause(tiers, self._span(children[0], children[-1]))

    def list_name(self, children: list[Token]) -> ast.ListName:
        (tok,) = children
        return ast.ListName(tok.value, self._of(tok))

    def list_id(self, children: list[Token]) -> ast.ListId:
        (tok,) = children
        return ast.ListId(self._string(tok), self._of(tok))

    # conditions
    def conditions(self, children: list[object]) -> tuple[ast.Condition, ...]:
        return tuple(c for c in children if not isinstance(c, Token))  # type: ignore[misc]

    def field(self, children: list[Token]) -> ast.Field:
        (tok,) = children
        name = tok.value[1:-1] if tok.type == "QUOTED_FIELD" else tok.value
        return ast.Field(name, self._of(tok))

    def scalar(self, children: list[Token]) -> tuple[Scalar, Token]:
        (tok,) = children
        kind = tok.type
        value: Scalar
        if kind == "STRING":
            value = self._string(tok)
        elif kind == "NUMBER":
            if too_long(tok.value):
                message = f"number has more than {MAX_DIGITS:,} digits"
                self.problems.append(error(SYNTAX, message, self._of(tok)))
                value = 0
            else:
                value = Decimal(tok.value) if "." in tok.value else int(tok.value)
        elif kind in ("TRUE", "FALSE"):
            value = kind == "TRUE"
        else:
            cls = Date if kind == "DATE" else DateTime
            try:
                value = cls.parse(tok.value)
            except ValueError as exc:
                what = "date" if kind == "DATE" else "date-time"
                self.problems.append(
                    error(SYNTAX, f"`{tok.value}` is not a valid {what}: {exc}", self._of(tok))
                )
                value = tok.value
        return value, tok

    def comparison(self, children: list[Any]) -> ast.Comparison:
        f, op, val = children
        return ast.Comparison(f, op.value, val[0], self._span(f, val[1]))

    def _membership(self, children: list[object], negated: bool) -> ast.Membership:
        f, paren = children[0], children[-1]
        values = tuple(c[0] for c in children if isinstance(c, tuple))
        return ast.Membership(f, values, negated, self._span(f, paren))  # type: ignore[arg-type]

    def membership(self, children: list[object]) -> ast.Membership:
        return self._membership(children, negated=False)

    def non_membership(self, children: list[object]) -> ast.Membership:
        return self._membership(children, negated=True)

    def between(self, children: list[object]) -> ast.Between:
        f, _, low, _, high = children
        return ast.Between(f, low[0], high[0], self._span(f, high[1]))  # type: ignore[arg-type, index]

    def _match(self, children: list[object], kind: str) -> ast.StringMatch:
        f, text = children[0], children[-1]
        return ast.StringMatch(f, kind, self._string(text), self._span(f, text))  # type: ignore[arg-type]

    def starts_with(self, children: list[object]) -> ast.StringMatch:
        return self._match(children, "starts_with")

    def ends_with(self, children: list[object]) -> ast.StringMatch:
        return self._match(children, "ends_with")

    def contains(self, children: list[object]) -> ast.StringMatch:
        return self._match(children, "contains")

    def is_null(self, children: list[object]) -> ast.NullCheck:
        return ast.NullCheck(children[0], False, self._span(children[0], children[-1]))  # type: ignore[arg-type]

    def is_not_null(self, children: list[object]) -> ast.NullCheck:
        return ast.NullCheck(children[0], True, self._span(children[0], children[-1]))  # type: ignore[arg-type]

    def segment_ref(self, children: list[Token]) -> ast.SegmentRef:
        (tok,) = children
        return ast.SegmentRef(tok.value, self._of(tok))
