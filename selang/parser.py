"""Text → typed AST. The only module that touches Lark; `lark.Tree` never leaves it.

The LALR tables are built once per grammar version and cached in the user's cache directory, and
the tree is built by a transformer embedded in the parser, so parsing is a single pass.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import lark
from lark import Token, Transformer
from lark.common import LexerConf
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer, LexerState, PatternStr

from selang import ast
from selang.cachedir import user_cache_dir
from selang.diagnostics import Diagnostic, Span, error
from selang.values import Date, DateTime, Scalar

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


def grammar_path() -> Path:
    """The grammar inside an installed wheel, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "_grammar" / "selang.lark"
    return installed if installed.exists() else here.parent / "grammar" / "selang.lark"


_lock = threading.Lock()
_parser: lark.Lark | None = None
_builder: _ToAst | None = None


def _get_parser() -> tuple[lark.Lark, _ToAst]:
    global _parser, _builder
    if _parser is None or _builder is None:
        grammar = grammar_path().read_text(encoding="utf-8")
        key = hashlib.sha256(
            f"{grammar}\0{lark.__version__}\0{sys.version_info[:2]}".encode()
        ).hexdigest()[:20]
        folder = user_cache_dir()
        cache: str | bool = str(folder / f"grammar-{key}.lark") if folder else False
        builder = _ToAst()
        _parser = lark.Lark(
            grammar,
            parser="lalr",
            lexer=_Lexer,
            transformer=builder,
            cache=cache,
            lexer_callbacks={"COMMENT": builder.comments.append},
            maybe_placeholders=False,
        )
        _builder = builder
    return _parser, _builder


class _Lexer(Lexer):
    """Lark's contextual lexing for this grammar, in one regular expression.

    Every terminal is one alternative of a single pattern, so a token costs one match. The only
    context this grammar needs is keyword against name: a word spelled like a keyword is that
    keyword where the parser accepts it and a name everywhere else, so a field can be called
    `target` or `segment`. This is what `lexer="contextual"` decides too, at about half the cost
    per token, which is most of the cost of checking a file.
    """

    __future_interface__ = 2

    def __init__(self, conf: LexerConf) -> None:
        name = next(t for t in conf.terminals if t.name == "NAME").pattern.to_regexp()
        is_word = re.compile(name).fullmatch
        self.keywords = {
            t.pattern.value: t.name
            for t in conf.terminals
            if isinstance(t.pattern, PatternStr) and is_word(t.pattern.value)
        }
        # Lark's own order of preference: priority, then the longer pattern first.
        others = sorted(
            (t for t in conf.terminals if t.name not in self.keywords.values()),
            key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name),
        )
        alternatives = (f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in others)
        self.pattern = re.compile("|".join(alternatives))
        self.ignore = frozenset(conf.ignore)
        self.callbacks = conf.callbacks
        self.terminals_by_name = conf.terminals_by_name

    def lex(self, lexer_state: LexerState, parser_state: Any) -> Iterator[Token]:
        text = lexer_state.text.text
        match, keywords, ignore = self.pattern.match, self.keywords, self.ignore
        accepts = parser_state.parse_conf.states
        pos, line, line_start, end = 0, 1, 0, len(text)
        while pos < end:
            found = match(text, pos)
            if found is None:
                raise UnexpectedCharacters(
                    text,
                    pos,
                    line,
                    pos - line_start + 1,
                    state=parser_state,
                    terminals_by_name=self.terminals_by_name,
                )
            kind, value, after = found.lastgroup, found.group(), found.end()
            column = pos - line_start + 1
            if kind in ignore:
                callback = self.callbacks.get(kind)  # type: ignore[arg-type]
                if callback is not None:
                    callback(Token(kind, value, pos, line, column, line, column + len(value)))
                newlines = value.count("\n")
                if newlines:
                    line += newlines
                    line_start = pos + value.rfind("\n") + 1
            else:
                if kind == "NAME":
                    keyword = keywords.get(value)
                    if keyword is not None and keyword in accepts[parser_state.position]:
                        kind = keyword
                yield Token(kind, value, pos, line, column, line, column + len(value), after)
            pos = after


def warm_up() -> None:
    """Load the grammar tables and build every lexer state now rather than on first use."""
    parse(
        'campaign "c" { target a, "b" where f == 1 and g in (1) and h between 1 and 2 '
        'and i starts with "x" and j is not null priority p }'
    )


def parse(text: str, path: str = "<input>") -> ParseResult:
    """Parse `.sel` source; syntax errors become SEL001 diagnostics, never exceptions."""
    parser, builder = _get_parser()
    with _lock:
        builder.reset(path, text)
        try:
            module = parser.parse(text)
        except UnexpectedInput as exc:
            return ParseResult(None, (_syntax_error(exc, text, path),))
        except RecursionError:
            span = Span.point(path)
            return ParseResult(None, (error(SYNTAX, "input is nested too deeply", span),))
        comments = tuple(
            Comment(tok.value.rstrip("\r"), tok.line or 1, tok.column or 1)
            for tok in builder.comments
        )
        problems = tuple(builder.problems)
    return ParseResult(module if not problems else None, problems, comments)


# --- tree → AST ---------------------------------------------------------------------------------

_COMPARE = {"==", "!=", ">", ">=", "<", "<="}


def _tok_span(path: str, tok: Token) -> Span:
    return Span(path, tok.line or 1, tok.column or 1, tok.end_line or 1, tok.end_column or 1)


class _ToAst(Transformer[Token, object]):
    """Embedded in the LALR parser: each method builds one AST node from its children."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)
        self.path = "<input>"
        self.text = ""
        self.comments: list[Token] = []
        self.problems: list[Diagnostic] = []

    def reset(self, path: str, text: str) -> None:
        self.path, self.text = path, text
        self.comments.clear()
        self.problems.clear()

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
        if "\\" not in tok:
            return tok[1:-1]  # the grammar admits no control characters: nothing to decode
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


def _syntax_error(exc: UnexpectedInput, text: str, path: str) -> Diagnostic:
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        line, col = tok.line or 1, tok.column or 1
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
        return error(SYNTAX, f"expected {expected}, found {_describe_found(tok)}", span)
    assert isinstance(exc, UnexpectedCharacters)
    line, col = exc.line, exc.column
    char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
    span = Span(path, line, col, line, col + 1)
    if char == '"':
        end = text.find("\n", exc.pos_in_stream)
        end = len(text) if end < 0 else end
        span = Span(path, line, col, line, col + max(1, end - exc.pos_in_stream))
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
