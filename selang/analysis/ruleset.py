"""A selection's rules read once: the well-formed ones grouped by field, the others set aside.

`analyse` decides from this reading, and checks that look at rules field by field share it
rather than reading every rule again.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from .normalize import HOLDS_ALONE, RuleLike, triage


@attrs.frozen
class RuleSet:
    """`by_field` maps each field (in order of first appearance) to the positions of its
    well-formed rules in `rules`; `ignored` holds the positions of the ill-formed ones, which
    exclude nobody (their shape is SEL015's business)."""

    rules: tuple[RuleLike, ...]
    by_field: dict[str, list[int]] = attrs.field(eq=False)
    ignored: tuple[int, ...]
    # Per position: the rule is well-formed and some value passes it on its own.
    _alone: list[bool] = attrs.field(eq=False, repr=False)

    @classmethod
    def of(cls, rules: Iterable[RuleLike]) -> RuleSet:
        rules = tuple(rules)
        by_field: dict[str, list[int]] = {}
        ignored: list[int] = []
        alone: list[bool] = []
        for i, rule in enumerate(rules):
            found = triage(rule)
            if found is None:
                ignored.append(i)
                alone.append(False)
                continue
            field, verdict = found
            alone.append(verdict == HOLDS_ALONE)
            positions = by_field.get(field)
            if positions is None:
                by_field[field] = [i]
            else:
                positions.append(i)
        return cls(rules, by_field, tuple(ignored), alone)

    def settled(self, positions: list[int]) -> bool:
        """Whether a field with these rules is known satisfiable without the solver: it has one
        rule, and that rule holds for some value."""
        return len(positions) == 1 and self._alone[positions[0]]

    def ignored_rules(self) -> tuple[RuleLike, ...]:
        return tuple(self.rules[i] for i in self.ignored)
