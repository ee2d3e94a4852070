"""The analysis' verdict on a selection, computed once per selection and shared by policies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from selang.model import Selection
from selang.policy import Context

if TYPE_CHECKING:
    from selang.analysis import Verdict


def verdict(selection: Selection, context: Context) -> Verdict:
    from selang.analysis import analyse

    return context.cached("analysis.verdict", lambda: analyse(selection.rules))


def contradictory(selection: Selection, context: Context) -> bool:
    from selang.analysis import Contradiction

    return isinstance(verdict(selection, context), Contradiction)
