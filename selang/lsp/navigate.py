"""What is under the cursor, where it is defined and used: hover, definition, references,
document symbols. Names are looked up through the document's imports, read from the open
documents before the disk, as the resolver reads them."""

from __future__ import annotations

import os
from collections.abc import Iterator

import attrs

from selang.core.diagnostics import Span
from selang.semantic.imports import SourceReader
from selang.semantic.project import Projects
from selang.syntax import ast
from selang.syntax.parser import parse

LIST, SEGMENT, FIELD, IMPORT, TIER = "list", "segment", "field", "import", "tier"


@attrs.frozen
class Leaf:
    """A name in the source: a definition, a use, an import path, a field or a tier."""

    kind: str
    name: str
    span: Span
    node: object
    defines: bool = False


@attrs.frozen
class Definition:
    kind: str
    name: str
    node: ast.ListDecl | ast.SegmentDecl
    path: str


@attrs.define
class Scope:
    """The definitions a file sees (its own and its imports'), and the files it reads."""

    definitions: dict[tuple[str, str], Definition] = attrs.Factory(dict)
    modules: dict[str, ast.Module] = attrs.Factory(dict)  # by path, the root first

    def get(self, kind: str, name: str) -> Definition | None:
        return self.definitions.get((kind, name))


def import_target(
    importer: str, decl: ast.ImportDecl, projects: Projects | None = None
) -> str | None:
    """The file an import names, when the resolver would read it (a `.sel` file inside the
    project, see `selang.semantic.project`); else None, and nothing of it is shown."""
    if importer.startswith("<"):
        return None
    target, refused = (projects or Projects()).target(importer, decl.path)
    return os.path.normpath(target) if refused is None else None


def scope(path: str, module: ast.Module, read: SourceReader, limit: int = 1000) -> Scope:
    """Walk the imports breadth first (each file once); first definitions win, as in resolve."""
    found = Scope()
    projects = Projects()
    queue: list[tuple[str, ast.Module]] = [(path, module)]
    seen = {os.path.realpath(path) if not path.startswith("<") else path}
    while queue and len(found.modules) < limit:
        current, mod = queue.pop(0)
        found.modules[current] = mod
        for decl in mod.decls:
            if isinstance(decl, ast.ListDecl | ast.SegmentDecl):
                kind = LIST if isinstance(decl, ast.ListDecl) else SEGMENT
                found.definitions.setdefault(
                    (kind, decl.name), Definition(kind, decl.name, decl, current)
                )
            elif isinstance(decl, ast.ImportDecl):
                target = import_target(current, decl, projects)
                if target is None or os.path.realpath(target) in seen:
                    continue
                seen.add(os.path.realpath(target))
                text, _ = read(target)
                parsed = parse(text, target).module if text is not None else None
                if parsed is not None:
                    queue.append((target, parsed))
    return found


def leaves(module: ast.Module) -> Iterator[Leaf]:
    for decl in module.decls:
        if isinstance(decl, ast.ImportDecl):
            yield Leaf(IMPORT, decl.path, decl.span, decl)
        elif isinstance(decl, ast.ListDecl):
            yield Leaf(LIST, decl.name, decl.name_span, decl, defines=True)
        elif isinstance(decl, ast.SegmentDecl):
            yield Leaf(SEGMENT, decl.name, decl.name_span, decl, defines=True)
            yield from _conditions(decl.conditions)
        elif isinstance(decl, ast.CampaignDecl):
            for clause in decl.clauses:
                if isinstance(clause, ast.TargetClause | ast.ExcludeClause):
                    for ref in clause.lists:
                        if isinstance(ref, ast.ListName):
                            yield Leaf(LIST, ref.name, ref.span, ref)
                elif isinstance(clause, ast.WhereClause):
                    yield from _conditions(clause.conditions)
                else:
                    for tier in clause.tiers:
                        yield Leaf(TIER, tier.name, tier.span, tier)


def _conditions(conditions: tuple[ast.Condition, ...]) -> Iterator[Leaf]:
    for cond in conditions:
        if isinstance(cond, ast.SegmentRef):
            yield Leaf(SEGMENT, cond.name, cond.span, cond)
        else:
            yield Leaf(FIELD, cond.field.name, cond.field.span, cond)


def leaf_at(module: ast.Module, line: int, column: int) -> Leaf | None:
    """The name under a 1-based cursor (the end of a word counts, for a cursor just after it)."""
    for leaf in leaves(module):
        s = leaf.span
        if (s.line, s.column) <= (line, column) <= (s.end_line, s.end_column):
            return leaf
    return None


def definition_of(leaf: Leaf, path: str, found: Scope) -> tuple[str, Span] | None:
    """Where the name of `leaf` is defined: (path, span of the name); an import's file."""
    if leaf.kind == IMPORT:
        assert isinstance(leaf.node, ast.ImportDecl)
        target = import_target(path, leaf.node)
        return (target, Span.point(target)) if target is not None else None
    if leaf.kind not in (LIST, SEGMENT):
        return None
    definition = found.get(leaf.kind, leaf.name)
    if definition is None:
        return None
    return definition.path, definition.node.name_span


def references(kind: str, name: str, modules: dict[str, ast.Module]) -> list[tuple[str, Span]]:
    """Every use (and definition) of a list or segment name in the given files."""
    out: list[tuple[str, Span]] = []
    for path, module in modules.items():
        out.extend(
            (path, leaf.span) for leaf in leaves(module) if (leaf.kind, leaf.name) == (kind, name)
        )
    return out


def segment_text(decl: ast.SegmentDecl) -> str:
    from selang.format.fmt import condition_text

    return "\n  and ".join(
        c.name if isinstance(c, ast.SegmentRef) else condition_text(c) for c in decl.conditions
    )
