"""Diagnostics → output formats. One module per format, each with `render(diagnostics) -> str`."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Protocol

from selang.diagnostics import Diagnostic

FORMATS = {
    "text": "selang.render.text",
    "json": "selang.render.json",
}


class Renderer(Protocol):
    def render(self, diagnostics: Sequence[Diagnostic]) -> str: ...


def get(name: str) -> Renderer:
    return importlib.import_module(FORMATS[name])  # type: ignore[return-value]
