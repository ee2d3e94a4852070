"""Completion: the keywords and operators the parser would take at the cursor (from its LALR
state after reading the text before it), names in scope and declared fields."""

from __future__ import annotations

import re

from lsprotocol import types

from selang.syntax import ast, parser

_WORD_BEFORE = re.compile(r"[A-Za-z0-9_.]*\Z")
_CLAUSE_WORD = re.compile(r"\b(target|exclude|where|priority|segment|list|import)\b")
_OPERATORS = ("==", "!=", ">", ">=", "<", "<=")
# Words that only come as a phrase: offer the phrase.
_PHRASES = {"STARTS": "starts with", "ENDS": "ends with"}


def expected(prefix: str) -> frozenset[str] | None:
    """The terminals the parser accepts after `prefix`; None when `prefix` has an error."""
    return parser.expected_after(prefix)


def items(
    text: str,
    offset: int,
    lists: list[tuple[str, str]],
    segments: list[tuple[str, str]],
    fields: dict[str, str],
) -> list[types.CompletionItem]:
    """Completions at `offset` in `text`; `lists`/`segments` are (name, detail) in scope."""
    before = text[:offset]
    word = _WORD_BEFORE.search(before)
    prefix = before[: word.start()] if word else before
    terminals = expected(prefix)
    keywords = parser.keywords()
    out: list[types.CompletionItem] = []
    if terminals is None:
        terminals = frozenset(keywords.values()) | {"COMPARE", "NAME"}
    for word_text, terminal in keywords.items():
        if terminal in terminals:
            label = _PHRASES.get(terminal, word_text)
            out.append(types.CompletionItem(label=label, kind=types.CompletionItemKind.Keyword))
    if "COMPARE" in terminals:
        out.extend(
            types.CompletionItem(label=op, kind=types.CompletionItemKind.Operator)
            for op in _OPERATORS
        )
    if "NAME" in terminals:
        clause = _last_clause_word(prefix)
        if clause in ("target", "exclude"):
            out.extend(
                types.CompletionItem(label=n, kind=types.CompletionItemKind.Constant, detail=d)
                for n, d in lists
            )
        elif "QUOTED_FIELD" in terminals or clause in ("where", "segment"):
            out.extend(
                types.CompletionItem(label=n, kind=types.CompletionItemKind.Function, detail=d)
                for n, d in segments
            )
            out.extend(
                types.CompletionItem(
                    label=n if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", n) else f"`{n}`",
                    kind=types.CompletionItemKind.Field,
                    detail=t,
                )
                for n, t in sorted(fields.items())
            )
    return out


_DECL = re.compile(
    r'^[ \t]*(?:import[ \t]+"(?P<path>[^"\n]*)"'
    r'|list[ \t]+(?P<list>[A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*"(?P<id>[^"\n]*)"'
    r"|segment[ \t]+(?P<segment>[A-Za-z_][A-Za-z0-9_.]*))",
    re.MULTILINE,
)


def rough_module(text: str) -> ast.Module:
    """The imports and definitions of a file that does not parse (it is being typed), read line
    by line, so names in scope can still be offered."""
    decls: list[ast.Decl] = []
    for match in _DECL.finditer(text):
        if match.group("path") is not None:
            decls.append(ast.ImportDecl(match.group("path")))
        elif match.group("list") is not None:
            decls.append(ast.ListDecl(match.group("list"), match.group("id")))
        else:
            decls.append(ast.SegmentDecl(match.group("segment"), ()))
    return ast.Module(tuple(decls))


def _last_clause_word(prefix: str) -> str | None:
    found = None
    for match in _CLAUSE_WORD.finditer(prefix):
        found = match.group(1)
    return found
