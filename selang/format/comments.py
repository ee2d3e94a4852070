"""Where comments go when `selang fmt` lays a file out again: each comment is attached to one
"leaf" of the AST, and the printer in `fmt` prints it above or after that leaf's line."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

import attrs

from selang.core.diagnostics import Span
from selang.syntax import ast
from selang.syntax.parser import Comment

Pos = tuple[int, int]
Key = tuple[str, int]
EOF: Key = ("eof", 0)


# A "leaf" is the smallest thing the layout places on a line of its own or joins onto one: a
# declaration's head, a condition, a list item, a tier, a clause keyword, a closing `}`. Every
# comment is attached to one leaf: an own-line comment to the next leaf (it is printed before
# the line that leaf starts on), a comment after code to the last leaf before it (printed at the
# end of the line that leaf ends on), and a comment inside a leaf (between the values of an
# `in (...)` list) before that leaf's line. Leaves and comments both stay in source order, so the
# sequence of comments never changes.


def leaf_key(kind: str, node: object) -> Key:
    return (kind, id(node))


def _start(span: Span) -> Pos:
    return (span.line, span.column)


def _end(span: Span) -> Pos:
    return (span.end_line, span.end_column)


def leaves_of(module: ast.Module) -> Iterator[tuple[Key, Pos, Pos]]:
    """Every leaf with its start and end, in source order."""

    def whole(node: object) -> tuple[Key, Pos, Pos]:
        span: Span = node.span  # type: ignore[attr-defined]
        return (leaf_key("n", node), _start(span), _end(span))

    def head(node: object) -> tuple[Key, Pos, Pos]:
        span: Span = node.span  # type: ignore[attr-defined]
        return (leaf_key("h", node), _start(span), _start(span))

    for decl in module.decls:
        if isinstance(decl, ast.ImportDecl | ast.ListDecl):
            yield whole(decl)
        elif isinstance(decl, ast.SegmentDecl):
            yield head(decl)
            yield from map(whole, decl.conditions)
        else:
            yield head(decl)
            for clause in decl.clauses:
                yield head(clause)
                if isinstance(clause, ast.WhereClause):
                    yield from map(whole, clause.conditions)
                elif isinstance(clause, ast.PriorityClause):
                    yield from map(whole, clause.tiers)
                else:
                    yield from map(whole, clause.lists)
            close = (decl.span.end_line, decl.span.end_column - 1)
            yield (leaf_key("c", decl), close, _end(decl.span))


@attrs.define
class Attached:
    """Comments by leaf: `before` is printed on lines above the leaf, `after` at its line's end."""

    before: dict[Key, list[Comment]] = attrs.Factory(dict)
    after: dict[Key, list[Comment]] = attrs.Factory(dict)
    leaf_line: dict[Key, tuple[int, int]] = attrs.Factory(dict)  # first and last source line

    @classmethod
    def build(cls, module: ast.Module, comments: tuple[Comment, ...], text: str) -> Attached:
        leaves = list(leaves_of(module))
        starts = [start for _, start, _ in leaves]
        lines = text.split("\n")
        out = cls()
        for key, start, end in leaves:
            out.leaf_line[key] = (start[0], end[0])
        last: tuple[int, list[Comment]] | None = None  # output order and slot of the previous
        for comment in comments:
            pos = (comment.line, comment.column)
            i = bisect.bisect_left(starts, pos)  # leaves[i:] start after the comment
            if i > 0 and pos < leaves[i - 1][2]:
                order, slot = 2 * (i - 1), out.before.setdefault(leaves[i - 1][0], [])
            elif lines[comment.line - 1][: comment.column - 1].strip() and i > 0:
                order, slot = 2 * (i - 1) + 1, out.after.setdefault(leaves[i - 1][0], [])
            else:
                key = leaves[i][0] if i < len(leaves) else EOF
                order, slot = 2 * i, out.before.setdefault(key, [])
            # A comment after code that follows an own-line comment (`a\n# x\n, # y\nb`) would
            # land above it; it joins the earlier comment's place instead, order kept.
            if last is not None and order < last[0]:
                order, slot = last
            slot.append(comment)
            last = (order, slot)
        return out

    def inner(self, keys: list[Key]) -> bool:
        """Whether joining these leaves onto one line would have to move a comment off it."""
        if not keys:
            return False
        if any(self.before.get(k) for k in keys[1:]):
            return True
        return any(self.after.get(k) for k in keys[:-1])
