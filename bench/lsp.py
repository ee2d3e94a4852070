"""The language server: how soon diagnostics follow an edit, against a cold `selang check`.

1. Median time from `didChange` to the `publishDiagnostics` of that version, on a 50-rule
   document, as a ratio against the median cold `selang check --no-cache` of the same file
   (fresh processes, alternating with the edits so both see the same load). Target <= 0.3.
2. With 100 open documents importing one library, the time from a `didChange` of the library
   until all 100 are published again; reported as a total and per document.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import PY, env_with_cache, make_tree, median_seconds, run_time
from lsprotocol import types
from pygls.lsp.client import LanguageClient


class Client:
    def __init__(self) -> None:
        self.lsp = LanguageClient("bench", "1")
        self.waiters: list[tuple[set[str], int | None, asyncio.Future[float]]] = []

        @self.lsp.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            now = time.perf_counter()
            for uris, version, done in self.waiters:
                if params.uri in uris and (version is None or params.version == version):
                    uris.discard(params.uri)
                    if not uris and not done.done():
                        done.set_result(now)

    def expect(self, uris: list[str], version: int | None = None) -> asyncio.Future[float]:
        done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiters = [w for w in self.waiters if not w[2].done()]
        self.waiters.append((set(uris), version, done))
        return done

    async def start(self, cwd: str, env: dict[str, str]) -> None:
        await self.lsp.start_io(PY, "-m", "selang", "lsp", cwd=cwd, env=env)
        await self.lsp.initialize_async(
            types.InitializeParams(capabilities=types.ClientCapabilities())
        )
        self.lsp.initialized(types.InitializedParams())

    def open(self, path: Path, text: str) -> str:
        uri = path.as_uri()
        item = types.TextDocumentItem(uri=uri, language_id="selang", version=1, text=text)
        self.lsp.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
        return uri

    def change(self, uri: str, version: int, text: str) -> None:
        self.lsp.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    async def stop(self) -> None:
        await self.lsp.shutdown_async(None)
        self.lsp.exit(None)
        await self.lsp.stop()


async def edit_latency(
    client: Client, path: Path, rounds: int, check: list[str], env: dict
) -> tuple[float, float]:
    text = path.read_text()
    uri = client.open(path, text)
    await client.expect([uri], 1)
    variants = [text, text.replace("  priority", "  # edited\n  priority")]
    edits: list[float] = []
    colds: list[float] = []
    version = 1
    for _ in range(rounds):
        colds.append(await asyncio.to_thread(run_time, check, None, env))
        for _edit in range(3):
            version += 1
            done = client.expect([uri], version)
            start = time.perf_counter()
            client.change(uri, version, variants[version % 2])
            edits.append(await done - start)
    return statistics.median(edits), statistics.median(colds)


async def library_change(client: Client, folder: Path, documents: int, rounds: int) -> float:
    paths = make_tree(folder, documents, seed=11)
    library = folder / "lists.sel"
    lib_text = library.read_text()
    lib_uri = client.open(library, lib_text)
    uris = [client.open(p, p.read_text()) for p in paths]
    await client.expect(uris, 1)
    totals = []
    for n in range(rounds):
        done = client.expect(uris)
        start = time.perf_counter()
        client.change(lib_uri, n + 2, lib_text + f"# edit {n}\n")
        totals.append(await done - start)
    return statistics.median(totals)


def check_in_process(path: Path, runs: int) -> float:
    """The server's own work for one edit, without the transport or the debounce."""
    from selang.lsp.workspace import Document, check

    doc = Document(path.as_uri(), str(path), path.read_text(), 1)
    check(doc, {})  # load the policies and tables once, as the running server has
    return median_seconds(lambda: check(doc, {}), runs)


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = env_with_cache(tmp)
        (one,) = make_tree(Path(tmp) / "one", 1, rules=(50, 50))
        check = [PY, "-m", "selang", "check", str(one), "--no-cache"]
        run_time(check, env=env)  # warm the grammar and entry-point caches
        client = Client()
        await client.start(tmp, env)
        edit, cold = await edit_latency(client, one, args.runs, check, env)
        total = await library_change(client, Path(tmp) / "many", 100, args.rounds)
        await client.stop()
        inside = check_in_process(one, args.runs)
    print(f"lsp  cold selang check --no-cache (50 rules)  {cold * 1000:7.1f} ms")
    print(f"lsp  didChange -> publishDiagnostics          {edit * 1000:7.1f} ms")
    print(f"lsp  ratio                                    {edit / cold:7.2f}x  (target <= 0.30)")
    print(f"lsp  of which the check itself, in-process    {inside * 1000:7.1f} ms")
    print(f"lsp  library change, 100 dependants, all      {total * 1000:7.1f} ms")
    print(f"lsp  library change, per document             {total * 10:7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=7)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
