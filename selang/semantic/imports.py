"""Reading a file and everything it imports, depth first, and collecting their list and segment
definitions (SEL002: missing files, cycles, campaigns imported, names defined twice, empty
list ids).

Neighbours: `selang.syntax.parser` parses each file; `selang.semantic.resolve` resolves the
names of the campaign against the definitions collected here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import attrs

from selang.core.diagnostics import Diagnostic, Related, Span, error
from selang.semantic.project import RULE, Projects
from selang.syntax import ast
from selang.syntax.parser import ParseResult, parse
from selang.syntax.source import key as file_key
from selang.syntax.source import read_source

NAMES = "SEL002"


@attrs.define
class Definition:
    node: ast.ListDecl | ast.SegmentDecl
    path: str


# Reads one file's text, or says why it cannot: `read_source`, or an editor's open documents
# in front of it.
SourceReader = Callable[[str], tuple[str | None, Diagnostic | None]]


@attrs.define
class Imports:
    """The files of one root, read and parsed, and the definitions they make."""

    diagnostics: list[Diagnostic] = attrs.Factory(list)
    parsed: dict[str, ParseResult | None] = attrs.Factory(dict)
    lists: dict[str, Definition] = attrs.Factory(dict)
    segments: dict[str, Definition] = attrs.Factory(dict)
    # Parse results shared across the files of one run: a library imported by 400 campaigns is
    # read and parsed once.
    shared: dict[str, ParseResult | None] = attrs.Factory(dict)
    files: list[str] = attrs.Factory(list)
    read: SourceReader = read_source
    projects: Projects = attrs.Factory(Projects)

    def load(self, root: str, text: str | None = None) -> ast.Module | None:
        """Parse the root and every file it imports, depth first, reporting cycles once."""
        result = parse(text, root) if text is not None else self._parse_file(root, None)
        if result is None:
            return None
        self.parsed[file_key(root)] = result
        self.diagnostics.extend(result.diagnostics)
        if result.module is None:
            return None
        # Iterative walk: (file, module, iterator over its imports, chain of files above it).
        stack: list[tuple[str, Iterator[ast.ImportDecl]]] = [(root, _imports_of(result.module))]
        chain = [file_key(root)]
        self._define(result.module, root)
        while stack:
            path, imports = stack[-1]
            decl = next(imports, None)
            if decl is None:
                stack.pop()
                chain.pop()
                continue
            target, refused = self.projects.target(path, decl.path)
            if refused is not None:
                # Never read: a file outside the project, or not source, shows nothing of itself.
                shown = decl.path.replace("\0", "\\u0000")
                problem = f"cannot import `{shown}`: {refused}"
                self.diagnostics.append(error(NAMES, problem, decl.span, help=RULE))
                continue
            key = file_key(target)
            if key in chain:
                cycle = " → ".join(os.path.relpath(p) for p in [*chain[chain.index(key) :], key])
                self.diagnostics.append(
                    error(
                        NAMES,
                        f"import cycle: {cycle}",
                        decl.span,
                        help="move the shared definitions into a library both files import",
                    )
                )
                continue
            if key in self.parsed:
                continue  # already loaded through another import
            imported = self._parse_file(target, decl)
            self.parsed[key] = imported
            if imported is None:
                continue
            self.diagnostics.extend(imported.diagnostics)
            if imported.module is None:
                continue
            for other in imported.module.decls:
                if isinstance(other, ast.CampaignDecl):
                    self.diagnostics.append(
                        error(
                            NAMES,
                            f"`{decl.path}` defines a campaign and cannot be imported",
                            decl.span,
                            help="keep lists and segments in a library file "
                            "without a campaign and import that",
                        )
                    )
            self._define(imported.module, target)
            stack.append((target, _imports_of(imported.module)))
            chain.append(key)
        # Whether an import was allowed depends on the project markers looked for.
        self.files.extend(self.projects.consulted)
        return result.module

    def _parse_file(self, path: str, via: ast.ImportDecl | None) -> ParseResult | None:
        self.files.append(path)
        key = file_key(path)
        if key in self.shared and via is not None:
            return self.shared[key]
        text, problem = self.read(path)
        if text is None:
            assert problem is not None
            if via is None:
                self.diagnostics.append(problem)
            else:
                self.diagnostics.append(
                    error(NAMES, f"cannot import `{via.path}`: {problem.message}", via.span)
                )
            return None
        result = parse(text, path)
        self.shared[key] = result
        return result

    def _define(self, module: ast.Module, path: str) -> None:
        for decl in module.decls:
            if isinstance(decl, ast.ListDecl | ast.SegmentDecl):
                table = self.lists if isinstance(decl, ast.ListDecl) else self.segments
                kind = "list" if isinstance(decl, ast.ListDecl) else "segment"
                earlier = table.get(decl.name)
                if earlier is not None:
                    self.diagnostics.append(
                        attrs.evolve(
                            error(
                                NAMES,
                                f"{kind} `{decl.name}` is defined twice",
                                decl.name_span,
                                help="rename one of them or remove the duplicate",
                            ),
                            related=(Related(earlier.node.name_span, "first defined here"),),
                        )
                    )
                    continue
                table[decl.name] = Definition(decl, path)
                if isinstance(decl, ast.ListDecl) and not decl.list_id:
                    self.diagnostics.append(empty_id("list", decl.id_span))


def empty_id(kind: str, span: Span) -> Diagnostic:
    """`""` as a list or campaign id: it names nothing, and CXone refuses it."""
    if kind == "list":
        help = 'write the CXone contact-list id, e.g. `"list_123abc"`'
    else:
        help = 'write the CXone campaign id, e.g. `campaign "campaign_xyz789" { ... }`'
    return error(NAMES, f"a {kind} id cannot be empty", span, help=help)


def _imports_of(module: ast.Module) -> Iterator[ast.ImportDecl]:
    return (d for d in module.decls if isinstance(d, ast.ImportDecl))
