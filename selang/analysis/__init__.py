"""Exact satisfiability of a conjunction of CXone filter rules (CONTRACT §2).

Policies ask `analyse` for contradictions and `implies` for redundant rules; `evaluate` is
the reference meaning of one rule on one value; `compare` says exactly whom a change of
selection adds and removes.
"""

from .compare import Comparison, Contact, compare
from .evaluate import evaluate
from .normalize import RuleLike
from .ruleset import RuleSet
from .solver import analyse, implies
from .verdict import Contradiction, Satisfiable, Verdict

__all__ = [
    "Comparison",
    "Contact",
    "Contradiction",
    "RuleLike",
    "RuleSet",
    "Satisfiable",
    "Verdict",
    "analyse",
    "compare",
    "evaluate",
    "implies",
]
