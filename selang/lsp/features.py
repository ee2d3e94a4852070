"""The LSP features, one small handler each, registered on the server's pygls object."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from selang.lsp import complete, convert, fixes, navigate
from selang.lsp.server import Server, safe


def register(server: Server) -> None:
    ls = server.ls

    @ls.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @safe(None)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        server.opened(item.uri, item.text, item.version)

    @ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @safe(None)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        server.changed(params.text_document.uri, params.text_document.version)

    @ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @safe(None)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        server.closed(params.text_document.uri)

    @ls.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @safe(None)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        # Settings or libraries on disk may have changed along with the file.
        server.schedule(list(server.workspace.documents))

    @ls.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @safe(None)
    def watched(params: types.DidChangeWatchedFilesParams) -> None:
        server.schedule(list(server.workspace.documents))

    @ls.feature(types.TEXT_DOCUMENT_FORMATTING)
    @safe(None)
    def formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        from selang.format.fmt import format_source

        doc = server.workspace.documents.get(params.text_document.uri)
        if doc is None:
            return None
        text = doc.text.replace("\r\n", "\n").replace("\r", "\n")
        out, _ = format_source(text, doc.path)
        if out is None or out == doc.text:
            return []
        return [types.TextEdit(range=convert.Lines(doc.text).whole(), new_text=out)]

    @ls.feature(types.TEXT_DOCUMENT_HOVER)
    @safe(None)
    def hover(params: types.HoverParams) -> types.Hover | None:
        parts = _diagnostic_docs(server, params.text_document.uri, params.position)
        found = server.cursor(params.text_document.uri, params.position)
        if found is not None:
            doc, module, line, column = found
            leaf = navigate.leaf_at(module, line, column)
            if leaf is not None:
                text = _describe(server, doc, module, leaf)
                if text:
                    parts.insert(0, text)
        if not parts:
            return None
        value = "\n\n---\n\n".join(parts)
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value)
        )

    @ls.feature(types.TEXT_DOCUMENT_DEFINITION)
    @safe(None)
    def definition(params: types.DefinitionParams) -> types.Location | None:
        found = server.cursor(params.text_document.uri, params.position)
        if found is None:
            return None
        doc, module, line, column = found
        leaf = navigate.leaf_at(module, line, column)
        if leaf is None:
            return None
        where = navigate.definition_of(leaf, doc.path, server.scope(doc, module))
        return server.location(*where) if where is not None else None

    @ls.feature(types.TEXT_DOCUMENT_REFERENCES)
    @safe(None)
    def references(params: types.ReferenceParams) -> list[types.Location] | None:
        found = server.cursor(params.text_document.uri, params.position)
        if found is None:
            return None
        doc, module, line, column = found
        leaf = navigate.leaf_at(module, line, column)
        if leaf is None or leaf.kind not in (navigate.LIST, navigate.SEGMENT):
            return []
        modules = dict(server.scope(doc, module).modules)
        for other in server.workspace.documents.values():  # open files that import this one
            parsed = server.parsed(other.uri)
            if parsed is not None and parsed[1].module is not None:
                modules.setdefault(other.path, parsed[1].module)
        hits = navigate.references(leaf.kind, leaf.name, modules)
        if not params.context.include_declaration:
            hits = [h for h in hits if not _defines(h, modules)]
        return [server.location(path, span) for path, span in hits]

    @ls.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @safe(None)
    def symbols(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
        found = server.parsed(params.text_document.uri)
        if found is None or found[1].module is None:
            return None
        doc, result = found
        return _symbols(convert.Lines(doc.text), result.module)

    @ls.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[" ", "("]),
    )
    @safe(None)
    def completion(params: types.CompletionParams) -> types.CompletionList | None:
        uri = params.text_document.uri
        doc = server.workspace.documents.get(uri)
        if doc is None:
            return None
        text = doc.text.replace("\r\n", "\n").replace("\r", "\n")
        server.parsed(uri)
        last = server.modules.get(uri)
        module = last.module if last is not None else None
        lists: list[tuple[str, str]] = []
        segments: list[tuple[str, str]] = []
        scope = server.scope(doc, module or complete.rough_module(text))
        for (kind, name), d in scope.definitions.items():
            if kind == navigate.LIST:
                lists.append((name, f'list "{d.node.list_id}"'))  # type: ignore[union-attr]
            else:
                segments.append((name, "segment"))
        offset = convert.Lines(text).offset(params.position)
        fields = _fields(doc.path)
        found = complete.items(text, offset, sorted(lists), sorted(segments), fields)
        return types.CompletionList(is_incomplete=False, items=found)

    @ls.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @safe(None)
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        doc = server.workspace.documents.get(uri)
        if doc is None:
            return None
        result = server.parsed(uri)
        module = result[1].module if result else None
        comments = result[1].comments if result else ()
        return fixes.actions(uri, doc.text, module, comments, list(params.context.diagnostics))


def _fields(path: str) -> dict[str, str]:
    from selang.checks.config import Finder
    from selang.core.errors import ConfigError

    try:
        return dict(Finder().for_file(path).fields or {})
    except ConfigError:
        return {}


def _defines(hit: tuple[str, Any], modules: dict[str, Any]) -> bool:
    path, span = hit
    return any(leaf.defines and leaf.span == span for leaf in navigate.leaves(modules[path]))


def _diagnostic_docs(server: Server, uri: str, position: types.Position) -> list[str]:
    """The documentation of each rule reported under the cursor."""
    from selang.checks import docs
    from selang.checks.registry import registry

    result = server.workspace.checked.get(uri)
    doc = server.workspace.documents.get(uri)
    if result is None or doc is None or result.text != doc.text:
        return []
    line, column = convert.Lines(doc.text).column(position)
    out = []
    for d in result.diagnostics:
        if d.span.path == doc.path and convert.contains(d.span, line, column):
            entry = registry().get(d.code)
            if entry is not None and docs.text(entry) not in out:
                out.append(docs.text(entry))
    return [f"```text\n{t.rstrip()}\n```" if "```" not in t else t for t in out]


def _describe(server: Server, doc: Any, module: Any, leaf: navigate.Leaf) -> str | None:
    from selang.syntax import ast

    if leaf.kind == navigate.FIELD:
        fields = _fields(doc.path)
        declared = fields.get(leaf.name)
        if declared is not None:
            return f"field `{leaf.name}`: `{declared}`"
        if fields:
            return f"field `{leaf.name}`: not among the declared fields"
        return f"field `{leaf.name}`: no types declared (`fields` in `[tool.selang]`)"
    if leaf.kind == navigate.IMPORT:
        assert isinstance(leaf.node, ast.ImportDecl)
        target = navigate.import_target(doc.path, leaf.node)
        return f"import `{target}`" if target else None
    if leaf.kind == navigate.TIER:
        return f"priority tier `{leaf.name}`"
    definition = server.scope(doc, module).get(leaf.kind, leaf.name)
    if definition is None:
        return f"unknown {leaf.kind} `{leaf.name}`"
    node = definition.node
    if isinstance(node, ast.ListDecl):
        return f'list `{leaf.name}` = `"{node.list_id}"`'
    return f"segment `{leaf.name}`\n\n```selang\n{navigate.segment_text(node)}\n```"


def _symbols(lines: convert.Lines, module: Any) -> list[types.DocumentSymbol]:
    from selang.syntax import ast

    kinds = types.SymbolKind
    out = []
    for decl in module.decls:
        if isinstance(decl, ast.ImportDecl):
            name, kind, sel = decl.path, kinds.File, decl.span
        elif isinstance(decl, ast.ListDecl):
            name, kind, sel = decl.name, kinds.Constant, decl.name_span
        elif isinstance(decl, ast.SegmentDecl):
            name, kind, sel = decl.name, kinds.Function, decl.name_span
        else:
            name, kind, sel = decl.campaign_id or '""', kinds.Module, decl.span
        out.append(
            types.DocumentSymbol(
                name=name,
                kind=kind,
                range=lines.range(decl.span),
                selection_range=lines.range(sel),
            )
        )
    return out
