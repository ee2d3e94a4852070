"""The language server's state: the pygls server, one `Workspace` and the queue of documents
to check. Checks run in one worker thread so the server keeps answering while they run; a
result for a text that has changed since is dropped. The handlers are in `selang.lsp.features`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from selang import __version__
from selang.lsp import convert, navigate
from selang.lsp.workspace import Checked, Document, Workspace, check, overlay, path_to_uri
from selang.syntax.parser import ParseResult, parse

log = logging.getLogger("selang.lsp")
F = TypeVar("F", bound=Callable[..., Any])

# Edits that arrive within this many seconds of each other are checked once, together.
DEBOUNCE = 0.005


def safe(default: Any) -> Callable[[F], F]:
    """A handler that fails answers `default` (an empty result) and logs why, never dies."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def inner(*args: Any) -> Any:
            try:
                return fn(*args)
            except Exception:
                log.exception("%s failed", fn.__name__)
                return default

        return inner  # type: ignore[return-value]

    return wrap


class Server:
    def __init__(self, debounce: float = DEBOUNCE) -> None:
        self.ls = LanguageServer("selang", __version__)
        self.workspace = Workspace()
        self.debounce = debounce
        self.pending: set[str] = set()
        self.task: asyncio.Future[None] | None = None
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="selang-check")
        # The last module that parsed, per document: names for completion while a line is
        # half written.
        self.modules: dict[str, ParseResult] = {}

    # --- documents and diagnostics -------------------------------------------------------
    def opened(self, uri: str, text: str, version: int | None) -> None:
        self.workspace.open(uri, text, version)
        self.schedule([uri, *self.workspace.dependants(uri)])

    def changed(self, uri: str, version: int | None) -> None:
        text = self.ls.workspace.get_text_document(uri).source
        if self.workspace.update(uri, text, version) is not None:
            self.schedule([uri, *self.workspace.dependants(uri)])

    def closed(self, uri: str) -> None:
        dependants = self.workspace.dependants(uri)
        self.workspace.close(uri)
        self.pending.discard(uri)
        self.ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )
        self.schedule(dependants)  # they read the file from disk again

    def schedule(self, uris: list[str]) -> None:
        self.pending.update(uris)
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._drain())

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self.pending:
            await asyncio.sleep(self.debounce)
            batch = [
                self.workspace.documents[u]
                for u in sorted(self.pending)
                if u in self.workspace.documents
            ]
            self.pending.clear()
            docs = [Document(d.uri, d.path, d.text, d.version) for d in batch]
            texts = self.workspace.texts()
            try:
                results = await loop.run_in_executor(self.executor, _check_all, docs, texts)
            except Exception:
                log.exception("checking failed")
                continue
            for result in results:
                self.publish(result)

    def publish(self, result: Checked) -> None:
        doc = self.workspace.documents.get(result.uri)
        if doc is None or doc.text != result.text:
            return  # closed, or changed since: a newer check is pending
        self.workspace.checked[result.uri] = result
        module = result.program.module if result.program else None
        found = convert.to_lsp_all(result.diagnostics, result.text, doc.path, module)
        if result.config_error is not None:
            # As `selang check` refuses to run: say why, at the top of the file.
            found.append(
                types.Diagnostic(
                    range=types.Range(start=types.Position(0, 0), end=types.Position(0, 0)),
                    message=f"invalid configuration: {result.config_error}",
                    severity=types.DiagnosticSeverity.Error,
                    source="selang",
                )
            )
        self.ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=result.uri, diagnostics=found, version=result.version
            )
        )

    # --- requests ------------------------------------------------------------------------
    def parsed(self, uri: str) -> tuple[Document, ParseResult] | None:
        doc = self.workspace.documents.get(uri)
        if doc is None:
            return None
        result = parse(doc.text.replace("\r\n", "\n").replace("\r", "\n"), doc.path)
        if result.module is not None:
            self.modules[uri] = result
        return doc, result

    def cursor(self, uri: str, position: types.Position) -> tuple[Document, Any, int, int] | None:
        found = self.parsed(uri)
        if found is None or found[1].module is None:
            return None
        doc, result = found
        line, column = convert.Lines(doc.text).column(position)
        return doc, result.module, line, column

    def scope(self, doc: Document, module: Any) -> navigate.Scope:
        return navigate.scope(doc.path, module, overlay(self.workspace.texts()))

    def uri_of(self, path: str) -> str:
        for doc in self.workspace.documents.values():
            if doc.path == path:
                return doc.uri
        return path_to_uri(path)

    def location(self, path: str, span: Any) -> types.Location:
        text, _ = overlay(self.workspace.texts())(path)
        return types.Location(uri=self.uri_of(path), range=convert.Lines(text or "").range(span))


def _check_all(docs: list[Document], texts: dict[str, str]) -> list[Checked]:
    shared: dict[str, ParseResult | None] = {}
    out = []
    for doc in docs:
        try:
            out.append(check(doc, texts, shared))
        except Exception:
            log.exception("checking %s failed", doc.uri)
    return out


def build(debounce: float = DEBOUNCE) -> Server:
    from selang.lsp import features

    server = Server(debounce)
    features.register(server)
    return server
