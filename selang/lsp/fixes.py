"""Quick fixes where the fix is certain: `or` → `in (...)`, dropping a repeated list or tier,
adding a required exclusion, adding a suppression comment."""

from __future__ import annotations

import re

from lsprotocol import types

from selang.lsp.convert import Lines
from selang.semantic.ruletext import string_text
from selang.syntax import ast
from selang.syntax.parser import Comment

_FIELD = r"(?:[A-Za-z_][A-Za-z0-9_.]*|`[^`\n]+`)"
_SCALAR = r'(?:"(?:[^"\\]|\\.)*"|-?\d[\w.:+-]*|true|false)'
_OR_CHAIN = re.compile(
    rf"(?P<f>{_FIELD})\s*==\s*(?P<v>{_SCALAR})(?:\s+or\s+(?P=f)\s*==\s*{_SCALAR})+"
)
_EQ = re.compile(rf"{_FIELD}\s*==\s*(?P<v>{_SCALAR})")
_REQUIRED = re.compile(r"the required list `([^`]+)`")
# Codes a comment cannot silence: a syntax error leaves no comments, and SEL024 is about one.
_UNSUPPRESSIBLE = {"SEL001", "SEL024"}


def _edit(lines: Lines, start: tuple[int, int], end: tuple[int, int], new: str) -> types.TextEdit:
    return types.TextEdit(
        range=types.Range(start=lines.position(*start), end=lines.position(*end)), new_text=new
    )


def _action(
    title: str, uri: str, edits: list[types.TextEdit], diag: types.Diagnostic
) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        edit=types.WorkspaceEdit(changes={uri: edits}),
    )


def or_to_in(lines: Lines, line: int, column: int) -> tuple[str, types.TextEdit] | None:
    """`f == a or f == b` on the `or`'s line → `f in (a, b)`; None unless it is that shape."""
    text = lines.line(line)
    for match in _OR_CHAIN.finditer(text):
        if match.start() < column - 1 < match.end():
            values = [m.group("v") for m in _EQ.finditer(match.group())]
            new = f"{match.group('f')} in ({', '.join(values)})"
            edit = _edit(lines, (line, match.start() + 1), (line, match.end() + 1), new)
            return new, edit
    return None


def drop_repeat(
    lines: Lines, line: int, column: int, end_line: int, end_column: int
) -> types.TextEdit | None:
    """Delete a repeated item and the comma before it."""
    before = lines.line(line)[: column - 1]
    stripped = before.rstrip()
    if stripped.endswith(","):
        return _edit(lines, (line, len(stripped)), (end_line, end_column), "")
    if line > 1 and not stripped and lines.line(line - 1).rstrip().endswith(","):
        previous = lines.line(line - 1).rstrip()
        return _edit(lines, (line - 1, len(previous)), (end_line, end_column), "")
    return None


def add_exclusion(lines: Lines, module: ast.Module | None, list_id: str) -> types.TextEdit | None:
    if module is None:
        return None
    campaign = next((d for d in module.decls if isinstance(d, ast.CampaignDecl)), None)
    if campaign is None:
        return None
    quoted = string_text(list_id)
    for clause in campaign.clauses:
        if isinstance(clause, ast.ExcludeClause) and clause.lists:
            last = clause.lists[-1].span
            return _edit(
                lines,
                (last.end_line, last.end_column),
                (last.end_line, last.end_column),
                f", {quoted}",
            )
    after = next((c for c in campaign.clauses if isinstance(c, ast.TargetClause)), None)
    if after is not None:
        end = after.span
        indent = _indent(lines.line(end.line)) or "  "
        point = (end.end_line, len(lines.line(end.end_line)) + 1)
        return _edit(lines, point, point, f"\n{indent}exclude {quoted}")
    first = campaign.span
    point = (first.line, len(lines.line(first.line)) + 1)
    return _edit(lines, point, point, f"\n  exclude {quoted}")


def suppress(lines: Lines, code: str, line: int, comments: tuple[Comment, ...]) -> types.TextEdit:
    """`# selang: ignore[CODE]`: into the line's suppression, at its end, or on its own above."""
    text = lines.line(line)
    comment = next((c for c in comments if c.line == line), None)
    if comment is None:
        point = (line, len(text.rstrip()) + 1)
        return _edit(lines, point, (line, len(text) + 1), f"  # selang: ignore[{code}]")
    found = re.search(r"selang:\s*ignore\[([^\]]*)\]", comment.text)
    if found is not None:
        column = comment.column + found.end(1)
        sep = ", " if found.group(1).strip() else ""
        return _edit(lines, (line, column), (line, column), f"{sep}{code}")
    indent = _indent(text)
    return _edit(lines, (line, 1), (line, 1), f"{indent}# selang: ignore[{code}]\n")


def _indent(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def actions(
    uri: str,
    text: str,
    module: ast.Module | None,
    comments: tuple[Comment, ...],
    diagnostics: list[types.Diagnostic],
) -> list[types.CodeAction]:
    lines = Lines(text)
    out: list[types.CodeAction] = []
    for diag in diagnostics:
        data = diag.data if isinstance(diag.data, dict) else None
        code = diag.code if isinstance(diag.code, str) else None
        if data is None or code is None:
            continue  # not one of ours, or found in an imported file
        start = lines.column(diag.range.start)
        end = lines.column(diag.range.end)
        if code == "SEL001" and diag.message.startswith("`or` is not supported"):
            found = or_to_in(lines, *start)
            if found is not None:
                out.append(_action(f"write `{found[0]}`", uri, [found[1]], diag))
        elif code in ("SEL016", "SEL018"):
            edit = drop_repeat(lines, *start, *end)
            if edit is not None:
                what = "tier" if code == "SEL016" else "list"
                out.append(_action(f"remove the repeated {what}", uri, [edit], diag))
        elif code == "SEL021":
            match = _REQUIRED.search(diag.message)
            edit = add_exclusion(lines, module, match.group(1)) if match else None
            if edit is not None and match is not None:
                out.append(_action(f"exclude `{match.group(1)}`", uri, [edit], diag))
        if code not in _UNSUPPRESSIBLE:
            edit = suppress(lines, code, start[0], comments)
            out.append(_action(f"suppress {code} on this line", uri, [edit], diag))
    return out
