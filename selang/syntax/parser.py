"""Text → typed AST in one pass: `selang.syntax.lr` lexes and runs the LALR tables generated
ahead of time from `grammar/selang.lark` (`selang.syntax._tables`), its reductions build the
nodes (`selang.syntax.builder`), and a syntax error is put in words (`selang.syntax.messages`).
Checking a file never imports Lark.
"""

from __future__ import annotations

import functools

import attrs

from selang.core.diagnostics import Diagnostic
from selang.syntax import ast, lr, messages, tables
from selang.syntax.builder import AstBuilder
from selang.syntax.lr import Comment
from selang.syntax.tables import grammar_path

__all__ = ["Comment", "ParseResult", "expected_after", "grammar_path", "keywords", "parse"]


@attrs.frozen
class ParseResult:
    module: ast.Module | None
    diagnostics: tuple[Diagnostic, ...]
    comments: tuple[Comment, ...] = ()


@functools.cache
def _grammar() -> lr.Grammar:
    return lr.Grammar(tables.load(), AstBuilder)


def parse(text: str, path: str = "<input>") -> ParseResult:
    """Parse `.sel` source; syntax errors become SEL001 diagnostics, never exceptions."""
    grammar = _grammar()
    builder = AstBuilder(path, text)
    comments: list[Comment] = []
    try:
        module: ast.Module = lr.run(grammar, text, builder, comments)
    except lr.UnexpectedToken as exc:
        return ParseResult(None, (messages.unexpected_token(exc, text, path, grammar.keywords),))
    except lr.UnexpectedCharacter as exc:
        return ParseResult(None, (messages.unexpected_character(exc, text, path),))
    problems = tuple(builder.problems)
    return ParseResult(module if not problems else None, problems, tuple(comments))


# Where a file ends well, a new declaration may follow.
_TOP = frozenset({"IMPORT", "LIST", "SEGMENT", "CAMPAIGN"})


def expected_after(prefix: str) -> frozenset[str] | None:
    """The terminals the grammar accepts right after `prefix` (for an editor's completion);
    None when `prefix` has an error before its end."""
    grammar = _grammar()
    try:
        lr.run(grammar, prefix, AstBuilder("<completion>", prefix), [])
    except lr.UnexpectedToken as exc:
        return frozenset(exc.expected) if exc.token.type == "$END" else None
    except lr.UnexpectedCharacter:
        return None
    except Exception:  # a half-written construct that a reduction does not expect
        return None
    return _TOP


def keywords() -> dict[str, str]:
    """Each keyword as written -> its terminal's name."""
    return dict(_grammar().keywords)
