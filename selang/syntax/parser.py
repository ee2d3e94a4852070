"""Text → typed AST in one pass: a lexer of one regular expression feeds an LALR parser whose
reductions build the AST nodes directly, so no parse tree is ever made.

The tables come from `selang.syntax.tables` (built by Lark from `grammar/selang.lark`); running
them here is a short loop, so checking a file does not import Lark at all.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from selang.core.diagnostics import Diagnostic, Span, error
from selang.core.values import Date, DateTime, Scalar
from selang.syntax import ast
from selang.syntax.tables import Tables, grammar_path, load

__all__ = ["Comment", "ParseResult", "grammar_path", "parse"]

SYNTAX = "SEL001"


@attrs.frozen
class Comment:
    """A `#` comment, kept for the formatter."""

    text: str
    line: int
    column: int


@attrs.frozen
class ParseResult:
    module: ast.Module | None
    diagnostics: tuple[Diagnostic, ...]
    comments: tuple[Comment, ...] = ()


class Token:
    """A terminal as the parser shifts it; tokens never span lines."""

    __slots__ = ("column", "line", "type", "value")

    def __init__(self, type: str, value: str, line: int, column: int) -> None:
        self.type, self.value, self.line, self.column = type, value, line, column

    @property
    def end_line(self) -> int:
        return self.line

    @property
    def end_column(self) -> int:
        return self.column + len(self.value)

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r}, {self.line}, {self.column})"


class _UnexpectedToken(Exception):
    def __init__(self, token: Token, expected: set[str]) -> None:
        self.token, self.expected = token, expected


class _UnexpectedCharacter(Exception):
    def __init__(self, pos: int, line: int, column: int) -> None:
        self.pos, self.line, self.column = pos, line, column


class _Grammar:
    """The loaded tables with what running them needs: the compiled pattern and callbacks."""

    def __init__(self, tables: Tables) -> None:
        self.match = re.compile(tables.pattern).match
        self.keywords = tables.keywords
        self.ignore = frozenset(tables.ignore)
        self.start, self.end, self.states = tables.start, tables.end, tables.states
        self.rules = tuple(
            (r.origin, r.size, r.callback and getattr(_ToAst, r.callback), r.keep, r.expand1)
            for r in tables.rules
        )


@functools.cache
def _grammar() -> _Grammar:
    return _Grammar(load())


def parse(text: str, path: str = "<input>") -> ParseResult:
    """Parse `.sel` source; syntax errors become SEL001 diagnostics, never exceptions."""
    builder = _ToAst(path, text)
    comments: list[Comment] = []
    try:
        module = _run(_grammar(), text, builder, comments)
    except _UnexpectedToken as exc:
        return ParseResult(None, (_unexpected_token(exc, text, path),))
    except _UnexpectedCharacter as exc:
        return ParseResult(None, (_unexpected_character(exc, text, path),))
    problems = tuple(builder.problems)
    return ParseResult(module if not problems else None, problems, tuple(comments))


def _run(grammar: _Grammar, text: str, builder: _ToAst, comments: list[Comment]) -> ast.Module:
    """Lex and parse in one loop; a reduction calls the builder method named by its rule.

    A word spelled like a keyword is that keyword where the parser state accepts it and a name
    everywhere else (what Lark's contextual lexer decides), so a field can be called `target`.
    """
    match, keywords, ignore = grammar.match, grammar.keywords, grammar.ignore
    states, rules, accept = grammar.states, grammar.rules, grammar.end
    stack = [grammar.start]
    values: list[Any] = []
    pos, line, line_start, end = 0, 1, 0, len(text)
    while True:
        row = states[stack[-1]]
        if pos < end:
            found = match(text, pos)
            if found is None:
                raise _UnexpectedCharacter(pos, line, pos - line_start + 1)
            kind, value = found.lastgroup, found.group()
            if kind in ignore:
                if kind == "COMMENT":
                    comments.append(Comment(value.rstrip("\r"), line, pos - line_start + 1))
                newlines = value.count("\n")
                if newlines:
                    line += newlines
                    line_start = pos + value.rfind("\n") + 1
                pos = found.end()
                continue
            if kind == "NAME":
                keyword = keywords.get(value)
                if keyword is not None and keyword in row:
                    kind = keyword
            token = Token(kind, value, line, pos - line_start + 1)  # type: ignore[arg-type]
            pos = found.end()
        else:
            token = Token("$END", "", line, end - line_start + 1)
        while True:
            action = row.get(token.type)
            if action is None:
                raise _UnexpectedToken(token, {s for s in row if s.isupper()})
            if action >= 0:
                stack.append(action)
                values.append(token)
                break
            origin, size, callback, keep, expand1 = rules[~action]
            if size:
                children = values[-size:]
                del values[-size:]
                del stack[-size:]
            else:
                children = []
            if keep is not None:
                kept: list[Any] = []
                for i, splice in keep:
                    if not splice:
                        kept.append(children[i])
                    elif kept:
                        kept += children[i]
                    else:
                        kept = children[i]
                children = kept
            if expand1 and len(children) == 1:
                node = children[0]
            else:
                node = children if callback is None else callback(builder, children)
            stack.append(states[stack[-1]][origin])
            values.append(node)
            if stack[-1] == accept and token.type == "$END":
                return node  # type: ignore[no-any-return]
            row = states[stack[-1]]


# --- reductions → AST ----------------------------------------------------------------------------


def _tok_span(path: str, tok: Token) -> Span:
    return Span(path, tok.line, tok.column, tok.line, tok.column + len(tok.value))


class _ToAst:
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
            return _tok_span(self.path, item)
        return item.span  # type: ignore[attr-defined, no-any-return]

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
                    _tok_span(self.path, tok),
                    help="write the character itself or a valid `\\uXXXX\\uXXXX` pair",
                )
            )
        return value

    # declarations
    def start(self, children: list[ast.Decl]) -> ast.Module:
        lines = self.text.split("\n")
        end = Span(self.path, 1, 1, len(lines), len(lines[-1]) + 1)
        return ast.Module(tuple(children), end)

    def import_decl(self, children: list[Any]) -> ast.ImportDecl:
        kw, path = children
        return ast.ImportDecl(self._string(path), self._span(kw, path))

    def list_decl(self, children: list[Any]) -> ast.ListDecl:
        kw, name, list_id = children
        return ast.ListDecl(
            name.value, self._string(list_id), self._span(kw, list_id), self._of(name)
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


# --- syntax errors in words ---------------------------------------------------------------------

_WORDS = {
    "NAME": "a name",
    "QUOTED_FIELD": "a back-quoted field name",
    "STRING": "a quoted string",
    "NUMBER": "a number",
    "DATE": "a date",
    "DATETIME": "a date-time",
    "COMPARE": "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "COMMA": "`,`",
    "EQUAL": "`=`",
    "$END": "the end of the file",
}
_VALUE = frozenset({"STRING", "NUMBER", "DATE", "DATETIME", "TRUE", "FALSE"})
_OPERATOR = frozenset({"COMPARE", "IN", "NOT", "BETWEEN", "STARTS", "ENDS", "CONTAINS", "IS"})
_TOP = frozenset({"IMPORT", "LIST", "SEGMENT", "CAMPAIGN"})
_CLAUSE = frozenset({"TARGET", "EXCLUDE", "WHERE", "PRIORITY"})

# Whole expected sets that have a better name than the sum of their parts.
_PHRASES: list[tuple[Callable[[frozenset[str]], bool], str]] = [
    (lambda e: e == {"NAME", "STRING"}, "a list name or a quoted list id"),
    (lambda e: e == {"NAME", "QUOTED_FIELD"}, "a field name or a segment name"),
    (lambda e: e == _VALUE, "a value (a quoted string, number, date, `true` or `false`)"),
    (
        lambda e: e >= _OPERATOR,
        "an operator (`==`, `!=`, `<`, `>`, `in`, `not in`, `between`, `starts with`, "
        "`ends with`, `contains`, `is null`)",
    ),
    (lambda e: e == {"NAME"}, "a name"),
]


def _describe_expected(expected: set[str]) -> str:
    exp = frozenset(expected)
    for test, phrase in _PHRASES:
        if test(exp):
            return phrase
    parts: list[str] = []
    rest = set(exp)
    if rest >= _VALUE:
        parts.append("a value")
        rest -= _VALUE
    if rest >= _OPERATOR:
        parts.append("an operator")
        rest -= _OPERATOR
    if "AND" in rest:
        parts.append("`and`")
        rest.discard("AND")
    if _CLAUSE & rest:
        parts.append("a clause (`target`, `exclude`, `where`, `priority`)")
        rest -= _CLAUSE
    if _TOP & rest:
        parts.append("a declaration (`import`, `list`, `segment`, `campaign`)")
        rest -= _TOP
    for name in sorted(rest):
        parts.append(_WORDS.get(name, f"`{name.lower()}`"))
    if len(parts) <= 2:
        return " or ".join(parts)
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def _describe_found(tok: Token) -> str:
    if tok.type == "$END":
        return "the end of the file"
    text = tok.value if len(tok.value) <= 40 else tok.value[:37] + "..."
    return f"`{text}`"


def _unexpected_token(exc: _UnexpectedToken, text: str, path: str) -> Diagnostic:
    tok = exc.token
    if tok.type == "$END":
        lines = text.split("\n")
        line, col = len(lines), len(lines[-1]) + 1
        span = Span(path, line, col, line, col + 1)
    else:
        span = _tok_span(path, tok)
    if tok.value == "or":
        return error(
            SYNTAX,
            "`or` is not supported: all conditions are joined with `and`",
            span,
            help='to accept one of several values write `field in ("a", "b")`; '
            "otherwise split the selection into two campaigns",
        )
    expected = _describe_expected(set(exc.expected))
    message = f"expected {expected}, found {_describe_found(tok)}"
    return error(SYNTAX, message, span, help=_misspelled_keyword(tok, exc.expected))


# Keywords that only ever come in a pair, suggested as the pair.
_PHRASE = {"starts": "starts with", "ends": "ends with"}


def _misspelled_keyword(tok: Token, expected: set[str]) -> str | None:
    """`did you mean `where`?` for a name close to a keyword the parser would have taken."""
    if tok.value == "=" and "COMPARE" in expected:
        return "compare with `==`"
    if tok.type != "NAME":
        return None
    import difflib

    spelled: dict[str, str] = {}
    for word, kind in _grammar().keywords.items():
        if kind in expected:
            phrase = _PHRASE.get(word, word)
            spelled[word] = spelled[phrase.replace(" ", "")] = phrase
    close = difflib.get_close_matches(tok.value.lower(), list(spelled), n=1, cutoff=0.6)
    return f"did you mean `{spelled[close[0]]}`?" if close else None


def _unexpected_character(exc: _UnexpectedCharacter, text: str, path: str) -> Diagnostic:
    line, col = exc.line, exc.column
    char = text[exc.pos] if exc.pos < len(text) else ""
    span = Span(path, line, col, line, col + 1)
    if char == '"':
        end = text.find("\n", exc.pos)
        end = len(text) if end < 0 else end
        span = Span(path, line, col, line, col + max(1, end - exc.pos))
        message = "unterminated or invalid string"
        help_text = 'strings close with `"` on the same line and use JSON escapes like `\\n`'
        return error(SYNTAX, message, span, help=help_text)
    if char == "`":
        return error(SYNTAX, "unterminated back-quoted field name", span)
    if char == "\0":
        return error(SYNTAX, "unexpected NUL byte", span)
    if char in "|&":
        return error(
            SYNTAX,
            f"unexpected `{char}`: conditions are joined with `and`",
            span,
            help='to accept one of several values write `field in ("a", "b")`',
        )
    shown = char if char.isprintable() else f"U+{ord(char):04X}"
    return error(SYNTAX, f"unexpected character `{shown}`", span)
