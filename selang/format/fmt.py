"""The one canonical layout of `.sel` source (`selang fmt`), comments kept where they were.

`print_module` writes any AST in that layout (the decompiler uses it). `format_source` parses a
file, prints it with its comments attached to the nearest code (`comments`), then parses the
result again and refuses to answer unless the AST and the sequence of comments came back
unchanged.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

import attrs

from selang.core.diagnostics import Diagnostic, Span, error
from selang.core.values import Date, DateTime
from selang.format.comments import EOF, Attached, Key, Pos, leaf_key, leaves_of
from selang.semantic.ruletext import (
    COMPARE_OPS,
    field_text,
    name_text,
    rule_text,
    scalar_text,
    string_text,
)
from selang.syntax import ast
from selang.syntax.parser import Comment, parse

if TYPE_CHECKING:
    from selang.checks.suppressions import Suppression

LINE_LENGTH = 100
_T = TypeVar("_T")
INDENT = 2
FORMAT_FAILED = "SEL091"


# --- scalars and names --------------------------------------------------------------------------


def condition_text(cond: ast.Condition) -> str:
    """One condition on one line."""
    match cond:
        case ast.Comparison(f, op, value):
            return rule_text(f.name, COMPARE_OPS[op], value)
        case ast.Membership(f, values, negated):
            return rule_text(f.name, "not_in" if negated else "in", values)
        case ast.Between(f, low, high):
            return rule_text(f.name, "between", (low, high))
        case ast.StringMatch(f, kind, text):
            return rule_text(f.name, kind, text)
        case ast.NullCheck(f, negated):
            return rule_text(f.name, "is_null", not negated)
        case ast.SegmentRef(name):
            return name
    raise TypeError(cond)


def _list_ref_text(ref: ast.ListRef) -> str:
    return ref.name if isinstance(ref, ast.ListName) else string_text(ref.id)


# --- rows ---------------------------------------------------------------------------------------


@attrs.define
class _Row:
    """One output line of code. `block` rows start a declaration or clause (or are a `}`)."""

    indent: int
    text: str | None  # None for the end of the file, which only carries comments
    starts: list[Key] = attrs.Factory(list)
    ends: list[Key] = attrs.Factory(list)
    block: bool = False
    # Blank lines before a block row and its comments: "first" (none before the first of them),
    # "keep" (as in the source, at most one), "force" (at least one). A `tight` row (a `}`)
    # never has a blank line right above it.
    blank: str = "keep"
    tight: bool = False
    comment_indent: int | None = None


def _width(indent: int, text: str) -> int:
    return indent + len(text)


class _Printer:
    def __init__(self, attached: Attached | None) -> None:
        self.attached = attached or Attached()
        self.rows: list[_Row] = []

    # declarations
    def module(self, module: ast.Module) -> list[_Row]:
        printed = self.blocks(module.decls, self.decl, lambda a, b: type(a) is type(b))
        eof = _Row(0, None, [EOF], block=True, blank="keep" if printed else "first")
        self.rows.append(eof)
        return self.rows

    def blocks(
        self, items: Sequence[_T], print_one: Callable[[_T], None], akin: Callable[[_T, _T], bool]
    ) -> bool:
        """Print each item as a block: none has a blank line above when it is first, and one has
        at least one when it or the item before spans lines or the two are not `akin`.
        Returns whether there was any item."""
        previous: tuple[_T, int] | None = None
        for item in items:
            first = len(self.rows)
            print_one(item)
            lines = len(self.rows) - first
            head = self.rows[first]
            head.block = True
            if previous is None:
                head.blank = "first"
            elif previous[1] > 1 or lines > 1 or not akin(previous[0], item):
                head.blank = "force"
            previous = (item, lines)
        return previous is not None

    def decl(self, decl: ast.Decl) -> None:
        if isinstance(decl, ast.ImportDecl):
            self.row(0, f"import {string_text(decl.path)}", [leaf_key("n", decl)])
        elif isinstance(decl, ast.ListDecl):
            text = f"list {decl.name} = {string_text(decl.list_id)}"
            self.row(0, text, [leaf_key("n", decl)])
        elif isinstance(decl, ast.SegmentDecl):
            self.segment(decl)
        else:
            self.campaign(decl)

    def segment(self, decl: ast.SegmentDecl) -> None:
        head = f"segment {decl.name} = "
        keys = [leaf_key("n", c) for c in decl.conditions]
        joined = head + " and ".join(condition_text(c) for c in decl.conditions)
        if not self.attached.inner(keys) and _width(0, joined) <= LINE_LENGTH:
            self.row(0, joined, [leaf_key("h", decl), *keys])
            return
        self.conditions(decl.conditions, 0, head, leaf_key("h", decl))

    def campaign(self, decl: ast.CampaignDecl) -> None:
        self.row(0, f"campaign {string_text(decl.campaign_id)} {{", [leaf_key("h", decl)])
        printed = self.blocks(decl.clauses, self.clause, lambda a, b: True)
        close = _Row(0, "}", [leaf_key("c", decl)], [leaf_key("c", decl)], block=True, tight=True)
        close.comment_indent = INDENT
        if not printed:
            close.blank = "first"
        self.rows.append(close)

    # clauses
    def clause(self, clause: ast.Clause) -> None:
        if isinstance(clause, ast.WhereClause):
            self.conditions(clause.conditions, INDENT, "where ", leaf_key("h", clause))
            return
        if isinstance(clause, ast.PriorityClause):
            word, items = "priority", [(name_text(t.name), leaf_key("n", t)) for t in clause.tiers]
        else:
            word = "target" if isinstance(clause, ast.TargetClause) else "exclude"
            items = [(_list_ref_text(r), leaf_key("n", r)) for r in clause.lists]
        head = leaf_key("h", clause)
        keys = [k for _, k in items]
        joined = f"{word} " + ", ".join(text for text, _ in items)
        if not self.attached.inner(keys) and _width(INDENT, joined) <= LINE_LENGTH:
            self.row(INDENT, joined, [head, *keys])
            return
        self.row(INDENT, word, [head])
        for text, key in items:
            self.row(2 * INDENT, f"{text},", [key])

    def conditions(
        self, conds: tuple[ast.Condition, ...], indent: int, head: str, head_key: Key
    ) -> None:
        """The first condition after `head`, then one `and` per line, one level further in."""
        self.condition(conds[0], indent, head, [head_key])
        for cond in conds[1:]:
            self.condition(cond, indent + INDENT, "and ", [])

    def condition(self, cond: ast.Condition, indent: int, prefix: str, keys: list[Key]) -> None:
        key = leaf_key("n", cond)
        text = prefix + condition_text(cond)
        if not isinstance(cond, ast.Membership) or _width(indent, text) <= LINE_LENGTH:
            self.row(indent, text, [*keys, key], [*keys, key])
            return
        word = "not in" if cond.negated else "in"
        self.row(indent, f"{prefix}{field_text(cond.field.name)} {word} (", [*keys, key], keys)
        for value in cond.values:
            self.row(indent + 2 * INDENT, f"{scalar_text(value)},")
        self.row(indent + INDENT, ")", [], [key])

    def row(
        self, indent: int, text: str, starts: list[Key] | None = None, ends: list[Key] | None = None
    ) -> None:
        starts = starts or []
        self.rows.append(_Row(indent, text, starts, starts if ends is None else ends))


# --- rows + comments → text ---------------------------------------------------------------------


def _render(rows: list[_Row], attached: Attached, text: str | None) -> str:
    blank_lines: list[int] = []
    if text is not None:
        blank_lines = [i for i, line in enumerate(text.split("\n"), 1) if not line.strip()]

    def blank_between(a: int, b: int) -> bool:
        i = bisect.bisect_right(blank_lines, a)
        return i < len(blank_lines) and blank_lines[i] < b

    out: list[str] = []
    last_line = 0  # the last source line printed so far
    for row in rows:
        items: list[tuple[Pos, Comment, bool]] = []
        for key in row.starts:
            items += [((c.line, c.column), c, False) for c in attached.before.get(key, ())]
        for key in row.ends:
            items += [((c.line, c.column), c, True) for c in attached.after.get(key, ())]
        items.sort(key=lambda item: item[0])
        end_comment = items.pop()[1] if items and items[-1][2] else None
        above = [c for _, c, _ in items]

        if row.block:
            lines = [c.line for c in above]
            if row.text is not None:
                lines.append(attached.leaf_line.get(row.starts[0], (0, 0))[0])
            blanks = []
            previous = last_line
            for line in lines:
                blanks.append(blank_between(previous, line))
                previous = max(previous, line)
            if row.tight:
                blanks[-1] = False
            if row.blank == "force" and blanks and not any(blanks):
                blanks[0] = True
            if row.blank == "first" and blanks:
                blanks[0] = False
        else:
            blanks = [False] * (len(above) + 1)

        indent = row.indent if row.comment_indent is None else row.comment_indent
        for comment, blank in zip(above, blanks, strict=False):
            if blank:
                out.append("")
            out.append(" " * indent + comment.text.rstrip())
            last_line = max(last_line, comment.line)
        if row.text is None:
            continue
        if blanks[-1]:
            out.append("")
        printed = " " * row.indent + row.text
        if end_comment is not None:
            printed += "  " + end_comment.text.rstrip()
            last_line = max(last_line, end_comment.line)
        out.append(printed)
        for key in row.ends:
            last_line = max(last_line, attached.leaf_line.get(key, (0, 0))[1])
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def print_module(module: ast.Module) -> str:
    """The canonical source of an AST that carries no comments (a decompiled selection)."""
    rows = _Printer(None).module(module)
    return _render(rows, Attached(), None)


def format_source(text: str, path: str) -> tuple[str | None, list[Diagnostic]]:
    """The canonical form of `text`, or diagnostics (syntax errors, or a layout that would lose
    code or comments, in which case nothing is returned)."""
    parsed = parse(text, path)
    if parsed.module is None:
        return None, list(parsed.diagnostics)
    attached = Attached.build(parsed.module, parsed.comments, text)
    rows = _Printer(attached).module(parsed.module)
    out = _render(rows, attached, text)
    again = parse(out, path)
    same = (
        again.module is not None
        and fingerprint(again.module) == fingerprint(parsed.module)
        and [c.text.rstrip() for c in again.comments] == [c.text.rstrip() for c in parsed.comments]
    )
    if not same:
        problem = error(
            FORMAT_FAILED,
            "cannot format this file without changing its meaning or its comments",
            Span.point(path),
            help="the file was left as it is; please report it with the file attached",
        )
        return None, [problem]
    assert again.module is not None
    before = _suppressed(path, parsed.module, parsed.comments, text)
    after = _suppressed(path, again.module, again.comments, out)
    for (suppression, covered), (_, now) in zip(before, after, strict=True):
        if covered != now:
            problem = error(
                FORMAT_FAILED,
                f"formatting would change what `selang: ignore[{suppression.code}]` silences",
                suppression.span,
                help="a suppression covers its own line, and the line below when it is alone "
                "on its line; put it after or above the one condition, item or clause it is "
                "for, then format again",
            )
            return None, [problem]
    return out, list(parsed.diagnostics)


def _suppressed(
    path: str, module: ast.Module, comments: tuple[Comment, ...], text: str
) -> list[tuple[Suppression, frozenset[int]]]:
    """Each `# selang: ignore[...]` code with the leaves (by position in the file) it covers.

    Diagnostics point at the line a declaration, clause, condition, list item or tier starts
    on, so a layout that keeps these sets keeps every suppression's effect.
    """
    from selang.checks.suppressions import parse as suppressions

    found = suppressions(path, comments, text)
    if not found:
        return []
    lines = [start[0] for _, start, _ in leaves_of(module)]
    return [(s, frozenset(i for i, line in enumerate(lines) if line in s.lines)) for s in found]


def fingerprint(node: object) -> object:
    """A node as plain tuples, spans left out and every scalar tagged with its kind.

    Stricter than `==` on the AST, where `True == 1` and `Decimal("1.0") == 1`.
    """
    kind = type(node)
    if attrs.has(kind):
        fields = [a for a in attrs.fields(kind) if a.eq]
        return (type(node).__name__, *(fingerprint(getattr(node, a.name)) for a in fields))
    if isinstance(node, tuple):
        return tuple(fingerprint(item) for item in node)
    if isinstance(node, Date | DateTime):
        return (type(node).__name__, node.text)
    if isinstance(node, Decimal):
        return ("Decimal", str(node))
    return (type(node).__name__, node)
