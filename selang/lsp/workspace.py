"""The open documents of an editor, and checking them with the same engine as `selang check`.

The resolver reads a file from here before the disk, so unsaved edits of an imported library
count; each check remembers the files it read, so a change to a library re-checks its dependants.
"""

from __future__ import annotations

import os
from urllib.parse import quote, unquote, urlparse

import attrs

from selang.checks.engine import Session
from selang.core.diagnostics import Diagnostic
from selang.core.errors import ConfigError
from selang.semantic.imports import SourceReader
from selang.semantic.resolve import Program, resolve
from selang.syntax.parser import ParseResult
from selang.syntax.source import read_source


def uri_to_path(uri: str) -> str:
    """A `file:` URI as a file system path; any other URI becomes a name no file has."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return f"<{uri}>"
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":
        path = path[1:]
    return os.path.normpath(path)


def path_to_uri(path: str) -> str:
    return "file://" + quote(os.path.abspath(path).replace(os.sep, "/"))


@attrs.define
class Document:
    uri: str
    path: str
    text: str
    version: int | None = None


@attrs.frozen
class Checked:
    """One check of one document: what to publish, and what hover and navigation read."""

    uri: str
    version: int | None
    text: str
    diagnostics: tuple[Diagnostic, ...]
    program: Program | None
    # Real paths of every file the result depends on.
    files: frozenset[str] = frozenset()
    config_error: str | None = None


@attrs.define
class Workspace:
    documents: dict[str, Document] = attrs.Factory(dict)  # by URI
    checked: dict[str, Checked] = attrs.Factory(dict)  # by URI, the latest published

    def open(self, uri: str, text: str, version: int | None) -> Document:
        doc = Document(uri, uri_to_path(uri), text, version)
        self.documents[uri] = doc
        return doc

    def update(self, uri: str, text: str, version: int | None) -> Document | None:
        doc = self.documents.get(uri)
        if doc is None:
            return None
        doc.text, doc.version = text, version
        return doc

    def close(self, uri: str) -> None:
        self.documents.pop(uri, None)
        self.checked.pop(uri, None)

    def texts(self) -> dict[str, str]:
        """Every open document's text by real path: what a check reads before the disk."""
        return {os.path.realpath(d.path): d.text for d in self.documents.values()}

    def dependants(self, uri: str) -> list[str]:
        """Open documents other than `uri` whose last check read the file of `uri`."""
        doc = self.documents.get(uri)
        if doc is None:
            return []
        real = os.path.realpath(doc.path)
        return [
            other
            for other, result in self.checked.items()
            if other != uri and other in self.documents and real in result.files
        ]


def overlay(texts: dict[str, str]) -> SourceReader:
    """A source reader that takes open documents (by real path) before the disk."""

    def read(path: str) -> tuple[str | None, Diagnostic | None]:
        try:
            found = texts.get(os.path.realpath(path))
        except ValueError:  # a NUL in the path: let the disk reader say so
            found = None
        if found is not None:
            return found.replace("\r\n", "\n").replace("\r", "\n"), None
        return read_source(path)

    return read


def check(
    doc: Document,
    texts: dict[str, str],
    shared: dict[str, ParseResult | None] | None = None,
) -> Checked:
    """Resolve and check one open document as `selang check` would check its file.

    `texts` is a snapshot of the open documents; `shared` caches parses across one batch of
    checks (a library imported by every open document is parsed once per batch).
    """
    read = overlay(texts)
    text = doc.text.replace("\r\n", "\n").replace("\r", "\n")
    program = resolve(doc.path, text, shared=shared if shared is not None else {}, read=read)
    files = frozenset(os.path.realpath(f) for f in (doc.path, *program.files) if "\0" not in f)
    session = Session(read=read)
    try:
        outcome = session.run(doc.path, program.selection, program.diagnostics, program.comments)
    except ConfigError as exc:
        return Checked(doc.uri, doc.version, doc.text, (), program, files, str(exc))
    unused = session.finish().get(doc.path, ())
    found = list(dict.fromkeys(outcome.diagnostics + unused))
    found.sort(key=lambda d: d.sort_key())
    return Checked(doc.uri, doc.version, doc.text, tuple(found), program, files)
