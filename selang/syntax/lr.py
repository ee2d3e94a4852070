"""The LR driver: one regular expression lexes, the LALR tables of `selang.syntax.tables` parse,
and each reduction calls the builder method named by its rule, so no parse tree is ever made.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs

from selang.core.diagnostics import Span
from selang.syntax.tables import Tables


@attrs.frozen
class Comment:
    """A `#` comment, kept for the formatter."""

    text: str
    line: int
    column: int


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

    def span(self, path: str) -> Span:
        return Span(path, self.line, self.column, self.line, self.column + len(self.value))

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r}, {self.line}, {self.column})"


class UnexpectedToken(Exception):
    def __init__(self, token: Token, expected: set[str]) -> None:
        self.token, self.expected = token, expected


class UnexpectedCharacter(Exception):
    def __init__(self, pos: int, line: int, column: int) -> None:
        self.pos, self.line, self.column = pos, line, column


Callback = Callable[[Any, list[Any]], Any]  # a builder method: (builder, children) -> node


class Grammar:
    """The tables with what running them needs: the compiled pattern and the callbacks."""

    def __init__(self, tables: Tables, builder: type) -> None:
        self.match = re.compile(tables.pattern).match
        self.keywords = tables.keywords
        self.ignore = frozenset(tables.ignore)
        self.start, self.end, self.states = tables.start, tables.end, tables.states
        self.rules: tuple[tuple[str, int, Callback | None, Any, bool], ...] = tuple(
            (r.origin, r.size, _callback(builder, r.callback), r.keep, r.expand1)
            for r in tables.rules
        )


def _callback(builder: type, name: str | None) -> Callback | None:
    return None if name is None else getattr(builder, name)


def run(grammar: Grammar, text: str, builder: object, comments: list[Comment]) -> Any:
    """Lex and parse in one loop; a reduction calls the builder method named by its rule.

    A word spelled like a keyword is that keyword where the parser state accepts it and a name
    everywhere else (what Lark's contextual lexer decides), so a field can be called `target`.
    Raises `UnexpectedToken` or `UnexpectedCharacter` at the first syntax error.
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
                raise UnexpectedCharacter(pos, line, pos - line_start + 1)
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
                raise UnexpectedToken(token, {s for s in row if s.isupper()})
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
                return node
            row = states[stack[-1]]
