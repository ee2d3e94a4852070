"""The analysis' reading of a selection's rules and its verdict, computed once per selection and
shared by the policies through `Context.cached`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from selang.checks import Context
from selang.semantic.model import Selection

if TYPE_CHECKING:
    from selang.analysis import RuleSet, Verdict


def ruleset(selection: Selection, context: Context) -> RuleSet:
    """The rules grouped by field, ill-formed ones set aside."""
    from selang.analysis import RuleSet

    return context.cached("analysis.ruleset", lambda: RuleSet.of(selection.rules))


def verdict(selection: Selection, context: Context) -> Verdict:
    from selang.analysis import analyse

    return context.cached("analysis.verdict", lambda: analyse(ruleset(selection, context)))


def contradictory(selection: Selection, context: Context) -> bool:
    from selang.analysis import Contradiction

    return isinstance(verdict(selection, context), Contradiction)
