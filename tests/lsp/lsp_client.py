"""A real LSP client (pygls's) driving `python -m selang lsp` over stdio, behind a blocking
facade: the client's event loop runs in a thread, so tests read like an editor session."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.client import LanguageClient

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]


class Editor:
    def __init__(self, cwd: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = LanguageClient("selang-tests", "1")
        # Every publishDiagnostics, in arrival order, with the time it arrived.
        self.published: list[tuple[float, types.PublishDiagnosticsParams]] = []
        self.changed = threading.Condition()
        self.versions: dict[str, int] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            with self.changed:
                self.published.append((time.perf_counter(), params))
                self.changed.notify_all()

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            pass

        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.run(self.client.start_io(sys.executable, "-m", "selang", "lsp", cwd=cwd, env=env))
        # What the server writes to stderr (its log); read, so a full pipe never blocks it.
        self.stderr: list[str] = []
        self.run(self._drain_stderr())
        self.run(
            self.client.initialize_async(
                types.InitializeParams(
                    capabilities=types.ClientCapabilities(),
                    root_uri=Path(cwd).as_uri(),
                )
            )
        )
        self.client.initialized(types.InitializedParams())

    async def _drain_stderr(self) -> None:
        stream = self.client._server.stderr  # type: ignore[attr-defined]

        async def read() -> None:
            async for line in stream:
                self.stderr.append(line.decode("utf-8", "replace"))

        self._stderr_task = asyncio.ensure_future(read())

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call(self, fn: Any, params: Any) -> Any:
        """Send a notification on the client's loop thread."""

        async def send() -> None:
            fn(params)

        self.run(send())

    # --- documents -------------------------------------------------------------------------
    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.as_uri()
        text = path.read_text() if text is None else text
        self.versions[uri] = 1
        item = types.TextDocumentItem(uri=uri, language_id="selang", version=1, text=text)
        self.call(
            self.client.text_document_did_open,
            types.DidOpenTextDocumentParams(text_document=item),
        )
        return uri

    def change(self, uri: str, text: str, range: types.Range | None = None) -> int:
        self.versions[uri] += 1
        version = self.versions[uri]
        change: Any = (
            types.TextDocumentContentChangeWholeDocument(text=text)
            if range is None
            else types.TextDocumentContentChangePartial(range=range, text=text)
        )
        self.call(
            self.client.text_document_did_change,
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change],
            ),
        )
        return version

    def close(self, uri: str) -> None:
        self.call(
            self.client.text_document_did_close,
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)),
        )

    def diagnostics(
        self, uri: str, version: int | None = None, after: int = 0, timeout: float = 20
    ) -> list[types.Diagnostic]:
        """The first diagnostics published for `uri` (at `version`, when given) after the
        `after`-th notification."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for _, params in self.published[after:]:
                    if params.uri == uri and (version is None or params.version == version):
                        return list(params.diagnostics)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no diagnostics for {uri} version {version}")
                self.changed.wait(left)

    def mark(self) -> int:
        with self.changed:
            return len(self.published)

    def stop(self) -> None:
        try:
            self.run(self.client.shutdown_async(None), timeout=10)
            self.client.exit(None)
            self.run(self.client.stop(), timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)

    @property
    def alive(self) -> bool:
        server = getattr(self.client, "_server", None)
        return server is None or server.returncode is None


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def offset(text: str, position: types.Position) -> int:
    """The index into `text` of an LSP position (UTF-16 columns), computed independently."""
    lines = text.split("\n")
    start = sum(len(t) + 1 for t in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    encoded = line.encode("utf-16-le")[: position.character * 2]
    return start + len(encoded.decode("utf-16-le"))


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """The text after the edits (applied from the last to the first, as LSP specifies)."""
    spans = sorted(
        ((offset(text, e.range.start), offset(text, e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
