"""Exact satisfiability of a conjunction of CXone filter rules (CONTRACT §2).

Policies ask `analyse` for contradictions and `implies` for redundant rules; `evaluate` is
the reference meaning of one rule on one value.
"""

from .evaluate import evaluate
from .normalize import RuleLike
from .solver import analyse, implies
from .verdict import Contradiction, Satisfiable, Verdict

__all__ = [
    "Contradiction",
    "RuleLike",
    "Satisfiable",
    "Verdict",
    "analyse",
    "evaluate",
    "implies",
]
