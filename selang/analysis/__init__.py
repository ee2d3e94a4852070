"""Exact satisfiability of a conjunction of CXone filter rules (CONTRACT §2).

Policies ask `analyse` for contradictions and `FieldRules` for redundant rules; `evaluate` is
the reference meaning of one rule on one value; `compare` says exactly whom a change of
selection adds and removes.
"""

from typing import TYPE_CHECKING, Any

from .evaluate import evaluate
from .fieldrules import FieldRules
from .normalize import RuleLike
from .ruleset import RuleSet
from .solver import analyse, implies
from .verdict import Contradiction, Satisfiable, Verdict

__all__ = [
    "Comparison",
    "Contact",
    "Contradiction",
    "FieldRules",
    "RuleLike",
    "RuleSet",
    "Satisfiable",
    "Verdict",
    "analyse",
    "compare",
    "evaluate",
    "implies",
]

if TYPE_CHECKING:
    from .comparison import Comparison, Contact, compare


def __getattr__(name: str) -> Any:
    # `compare` (for `diff` and `plan`) loads on first use: `selang check` never needs it.
    if name in ("Comparison", "Contact", "compare"):
        from . import comparison

        return getattr(comparison, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
