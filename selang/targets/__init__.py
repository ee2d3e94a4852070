"""Program → target. One module per target; each exposes `NAME` and `render(selection) -> str`.

The CXone contact-selection JSON is the first target. A new target (a SQL preview, a Genesys
Cloud contact-list filter) is a new module listed in `TARGETS`, not a branch in an existing one.
"""

from __future__ import annotations

import importlib
from typing import Protocol

from selang.semantic.model import Selection


class Target(Protocol):
    NAME: str

    def render(self, selection: Selection) -> str: ...


TARGETS = {"cxone": "selang.targets.cxone", "sql": "selang.targets.sql"}


def get(name: str) -> Target:
    return importlib.import_module(TARGETS[name])  # type: ignore[return-value]
