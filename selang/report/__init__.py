"""Diagnostics → output formats. One module per format, each with `render(diagnostics) -> str`."""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from typing import Protocol

from selang.core.diagnostics import Diagnostic

FORMATS = {
    "text": "selang.report.text",
    "concise": "selang.report.concise",
    "json": "selang.report.json",
    "sarif": "selang.report.sarif",
    "github": "selang.report.github",
}


class Renderer(Protocol):
    def render(self, diagnostics: Sequence[Diagnostic]) -> str: ...


def get(name: str) -> Renderer:
    return importlib.import_module(FORMATS[name])


def relative_path(path: str) -> str:
    """The path from the working folder (a checkout's root in CI), with forward slashes."""
    try:
        return os.path.relpath(path).replace(os.sep, "/")
    except ValueError:  # another drive on Windows: keep it absolute
        return path.replace(os.sep, "/")
