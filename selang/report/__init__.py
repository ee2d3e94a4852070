"""Diagnostics → output formats. One module per format, each with
`render(diagnostics, context=PLAIN) -> str`."""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from typing import Protocol

import attrs

from selang.core.diagnostics import Diagnostic, Severity

FORMATS = {
    "text": "selang.report.text",
    "concise": "selang.report.concise",
    "json": "selang.report.json",
    "sarif": "selang.report.sarif",
    "github": "selang.report.github",
}


@attrs.frozen
class Context:
    """What a format may need besides the diagnostics."""

    # The text of inputs that are not on disk (standard input under its name), by path as
    # given: source excerpts and fingerprints come from it instead of the file of that name.
    texts: Mapping[str, str] = attrs.field(factory=dict)
    # ANSI colours on severities and codes, for a terminal (`text` and `concise` only).
    colour: bool = False

    def lines(self, path: str) -> list[str] | None:
        """The lines of the input at `path`, or None when it cannot be read."""
        text = self.texts.get(path)
        if text is None:
            from selang.syntax.source import read_source

            text, _ = read_source(path)
        return text.split("\n") if text is not None else None


PLAIN = Context()

_COLOURS = {Severity.ERROR: "1;31", Severity.WARNING: "1;33", Severity.INFO: "1;36"}


def paint(text: str, severity: Severity, context: Context) -> str:
    """`text` in the colour of `severity` when the context wants colour."""
    return f"\x1b[{_COLOURS[severity]}m{text}\x1b[0m" if context.colour else text


class Renderer(Protocol):
    def render(self, diagnostics: Sequence[Diagnostic], context: Context = ...) -> str: ...


def get(name: str) -> Renderer:
    return importlib.import_module(FORMATS[name])


def relative_path(path: str) -> str:
    """The path from the working folder (a checkout's root in CI), with forward slashes."""
    try:
        return os.path.relpath(path).replace(os.sep, "/")
    except ValueError:  # another drive on Windows: keep it absolute
        return path.replace(os.sep, "/")
