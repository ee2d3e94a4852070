"""Helpers for the compare tests: bare selections and a brute-force oracle over contacts.

The oracle takes every field value of the candidate set of `analysis_support.candidates` (built
from both sides' rules on that field) and every set of the lists either side names, and asks
`evaluate` which side selects each contact. Fields never constrain each other, so it keeps, per
field, which of the four (new passes, old passes) outcomes some candidate reaches, and combines
those outcomes instead of every value.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import attrs
from analysis_support import R, candidates

from selang.analysis import Contact, evaluate


@attrs.frozen
class L:
    id: str


@attrs.frozen
class T:
    name: str


@attrs.frozen
class S:
    """Just what `compare` reads of a selection."""

    targets: tuple[L, ...]
    exclusions: tuple[L, ...]
    rules: tuple[R, ...]
    priority: tuple[T, ...] = ()


def sel(rules: Sequence[R] = (), targets=("list_a",), exclusions=(), priority=()) -> S:
    return S(
        tuple(L(t) for t in targets),
        tuple(L(x) for x in exclusions),
        tuple(rules),
        tuple(T(p) for p in priority),
    )


def selects(selection: S, lists: Sequence[str], values: dict[str, object]) -> bool:
    """The reference meaning of a selection on one contact (CONTRACT §2 and §7)."""
    targets = {t.id for t in selection.targets}
    excluded = {x.id for x in selection.exclusions}
    return (
        bool(targets & set(lists))
        and not excluded & set(lists)
        and all(evaluate(r, values.get(r.field)) for r in selection.rules)
    )


def valid_witness(contact: Contact, chosen: S, other: S) -> bool:
    """`contact` gives every mentioned field, and `chosen` selects it while `other` does not."""
    mentioned = {r.field for r in (*chosen.rules, *other.rules)}
    values = contact.values()
    return (
        set(values) == mentioned
        and selects(chosen, contact.lists, values)
        and not selects(other, contact.lists, values)
    )


def _outcomes(old: S, new: S, field: str) -> set[tuple[bool, bool]]:
    new_rules = [r for r in new.rules if r.field == field]
    old_rules = [r for r in old.rules if r.field == field]
    found = set()
    for value in candidates([*old_rules, *new_rules]):
        found.add(
            (
                all(evaluate(r, value) for r in new_rules),
                all(evaluate(r, value) for r in old_rules),
            )
        )
        if len(found) == 4:
            break
    return found


def brute_difference(old: S, new: S) -> tuple[bool, bool]:
    """Whether some candidate contact is gained (new only) and whether one is lost (old only)."""
    fields = sorted({r.field for r in (*old.rules, *new.rules)})
    per_field = [sorted(_outcomes(old, new, f)) for f in fields]
    names = sorted({x.id for s in (old, new) for x in (*s.targets, *s.exclusions)})
    gained = lost = False
    for n in range(len(names) + 1):
        for lists in itertools.combinations(names, n):
            lists_new = _lists_pass(new, lists)
            lists_old = _lists_pass(old, lists)
            for combo in itertools.product(*per_field):
                in_new = lists_new and all(a for a, _ in combo)
                in_old = lists_old and all(b for _, b in combo)
                gained = gained or (in_new and not in_old)
                lost = lost or (in_old and not in_new)
    return gained, lost


def _lists_pass(selection: S, lists: Sequence[str]) -> bool:
    return selects(attrs.evolve(selection, rules=()), lists, {})
