"""Syntax errors in words: what the LR driver (`selang.syntax.lr`) stopped at becomes a SEL001
diagnostic that names what was expected, suggests a misspelled keyword and points at `or`."""

from __future__ import annotations

from collections.abc import Callable

from selang.core.diagnostics import Diagnostic, Span, error
from selang.syntax.builder import SYNTAX
from selang.syntax.lr import Token, UnexpectedCharacter, UnexpectedToken

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


def unexpected_token(
    exc: UnexpectedToken, text: str, path: str, keywords: dict[str, str]
) -> Diagnostic:
    tok = exc.token
    if tok.type == "$END":
        lines = text.split("\n")
        line, col = len(lines), len(lines[-1]) + 1
        span = Span(path, line, col, line, col + 1)
    else:
        span = tok.span(path)
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
    return error(SYNTAX, message, span, help=_misspelled_keyword(tok, exc.expected, keywords))


# Keywords that only ever come in a pair, suggested as the pair.
_PHRASE = {"starts": "starts with", "ends": "ends with"}


def _misspelled_keyword(tok: Token, expected: set[str], keywords: dict[str, str]) -> str | None:
    """`did you mean `where`?` for a name close to a keyword the parser would have taken."""
    if tok.value == "=" and "COMPARE" in expected:
        return "compare with `==`"
    if tok.type != "NAME":
        return None
    import difflib

    spelled: dict[str, str] = {}
    for word, kind in keywords.items():
        if kind in expected:
            phrase = _PHRASE.get(word, word)
            spelled[word] = spelled[phrase.replace(" ", "")] = phrase
    close = difflib.get_close_matches(tok.value.lower(), list(spelled), n=1, cutoff=0.6)
    return f"did you mean `{spelled[close[0]]}`?" if close else None


def unexpected_character(exc: UnexpectedCharacter, text: str, path: str) -> Diagnostic:
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
