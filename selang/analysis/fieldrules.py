"""One field's rules merged per kind, so that many questions about them cost about log n each.

The solver decides a list of rules in one pass; asking it whether each of n rules follows from
the others is n passes over n rules. Here each kind's bounds are sorted by strength once and the
keys the rules allow or exclude are counted, so whether the rules still kept (less one) let a
value meet one more constraint is a look at the strongest bounds and a few counts. Rules leave
as they are found redundant. Strings held by a text pattern or an order bound and by no listed
key are handed to the string solver. `implying` names a minimal set of rules, checked by the
solver itself. Used by SEL019 (redundant rules) and by `compare`.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import attrs

from selang.core.values import Kind

from . import kinds, strings
from .constraints import (
    TRUE,
    Conjunction,
    Constraint,
    Lower,
    NoneOf,
    OneOf,
    Pattern,
    Upper,
    restrict,
)
from .normalize import Atom, RuleLike, normalize
from .solver import UNSAT, minimal_subset, witness


class _Chain:
    """Rules in a fixed order, each at most once, that leave in O(1): a linked list."""

    def __init__(self, owners: Iterable[int]) -> None:
        self._owners = list(owners)
        n = len(self._owners)
        self._at = {owner: p for p, owner in enumerate(self._owners)}
        self._next = [*range(1, n), -1] if n else []
        self._prev = list(range(-1, n - 1))
        self._head = 0 if n else -1
        self.present = set(self._owners)

    def remove(self, owner: int) -> None:
        if owner not in self.present:
            return
        self.present.discard(owner)
        p = self._at[owner]
        before, after = self._prev[p], self._next[p]
        if before >= 0:
            self._next[before] = after
        else:
            self._head = after
        if after >= 0:
            self._prev[after] = before

    def first(self, skip: int | None) -> int | None:
        """The first rule still here other than `skip`."""
        p = self._head
        if p >= 0 and self._owners[p] == skip:
            p = self._next[p]
        return self._owners[p] if p >= 0 else None

    def count(self, skip: int | None) -> int:
        return len(self.present) - (skip in self.present)

    def __iter__(self) -> Iterator[int]:
        p = self._head
        while p >= 0:
            yield self._owners[p]
            p = self._next[p]


class _Counts:
    """How many of a sorted list of keys are marked within a range (a Fenwick tree)."""

    def __init__(self, keys: Sequence[Any]) -> None:
        self.keys = keys
        self._tree = [0] * (len(keys) + 1)
        for p in range(len(keys)):
            self.add(p, 1)

    def add(self, p: int, delta: int) -> None:
        p += 1
        while p < len(self._tree):
            self._tree[p] += delta
            p += p & -p

    def _upto(self, p: int) -> int:
        total = 0
        while p > 0:
            total += self._tree[p]
            p -= p & -p
        return total

    def span(self, first: Any, last: Any) -> range:
        return range(bisect.bisect_left(self.keys, first), bisect.bisect_right(self.keys, last))

    def marked(self, first: Any, last: Any) -> int:
        within = self.span(first, last)
        return self._upto(within.stop) - self._upto(within.start)


@attrs.frozen
class _Bound:
    key: Any
    strict: bool
    owner: int | None  # None: the extra constraint, or the kind's own range

    def tighter_lower(self, other: _Bound | None) -> bool:
        return other is None or self.key > other.key or (self.key == other.key and self.strict)

    def tighter_upper(self, other: _Bound | None) -> bool:
        return other is None or self.key < other.key or (self.key == other.key and self.strict)


class _Kind:
    """Every rule's constraint on the values of one kind, merged."""

    def __init__(self, of: Kind, conjunctions: dict[int, Conjunction], killers: list[int]):
        self.of = of
        self.killers = _Chain(killers)
        self.lower: dict[int, _Bound] = {}
        self.upper: dict[int, _Bound] = {}
        self.allows: dict[int, frozenset[Any]] = {}
        self.excludes: dict[int, frozenset[Any]] = {}
        self.patterns: dict[int, Pattern] = {}
        for i, conjunction in conjunctions.items():
            for p in conjunction:
                if isinstance(p, Lower):
                    self.lower[i] = _Bound(p.key, p.strict, i)
                elif isinstance(p, Upper):
                    self.upper[i] = _Bound(p.key, p.strict, i)
                elif isinstance(p, OneOf):
                    self.allows[i] = p.keys
                elif isinstance(p, NoneOf):
                    self.excludes[i] = p.keys
                else:
                    self.patterns[i] = p
        # Strongest first; of equal bounds, the first written.
        self.lowers = _Chain(
            sorted(self.lower, key=lambda i: (self.lower[i].key, self.lower[i].strict, -i))[::-1]
        )
        self.uppers = _Chain(
            sorted(self.upper, key=lambda i: (self.upper[i].key, not self.upper[i].strict, i))
        )
        # A key passes the sets when every set kept holds it; the smallest set lists candidates.
        self.sets = _Chain(sorted(self.allows, key=lambda i: (len(self.allows[i]), i)))
        self.in_sets = Counter(k for keys in self.allows.values() for k in keys)
        self.excluders: dict[Any, list[int]] = {}
        for i, keys in self.excludes.items():
            for k in keys:
                self.excluders.setdefault(k, []).append(i)
        self.excluded = Counter({k: len(owners) for k, owners in self.excluders.items()})
        self.counts = _Counts(sorted(self.excluders)) if of in kinds.DOMAINS else None
        self.texts = _Chain(sorted(self.patterns))
        self.constrained = sorted(conjunctions)

    def remove(self, i: int) -> None:
        self.killers.remove(i)
        self.lowers.remove(i)
        self.uppers.remove(i)
        self.texts.remove(i)
        if i in self.sets.present:
            self.sets.remove(i)
            self.in_sets.subtract(self.allows[i])
        for k in self.excludes.get(i, ()):
            self.excluded[k] -= 1
            if self.excluded[k] == 0 and self.counts is not None:
                self.counts.add(bisect.bisect_left(self.counts.keys, k), -1)


class _Question:
    """Whether a value of one kind passes the rules kept (less `skip`) and `extra`."""

    def __init__(self, kind: _Kind, extra: Conjunction, skip: int | None) -> None:
        self.kind, self.extra, self.skip = kind, extra, skip
        lo, hi = kind.lowers.first(skip), kind.uppers.first(skip)
        self.lo = None if lo is None else kind.lower[lo]
        self.hi = None if hi is None else kind.upper[hi]
        self.allowed: frozenset[Any] | None = None
        self.banned: set[Any] = set()
        self.patterns = [p for p in extra if isinstance(p, Pattern)]
        for p in extra:
            if isinstance(p, Lower):
                bound = _Bound(p.key, p.strict, None)
                self.lo = bound if bound.tighter_lower(self.lo) else self.lo
            elif isinstance(p, Upper):
                bound = _Bound(p.key, p.strict, None)
                self.hi = bound if bound.tighter_upper(self.hi) else self.hi
            elif isinstance(p, OneOf):
                self.allowed = p.keys if self.allowed is None else self.allowed & p.keys
            elif isinstance(p, NoneOf):
                self.banned |= p.keys
        none: frozenset[Any] = frozenset()
        self.skip_allows = none if skip is None else kind.allows.get(skip, none)
        self.skip_excludes = none if skip is None else kind.excludes.get(skip, none)
        self.sets = kind.sets.count(skip)

    def excluded_by_rules(self, k: Any) -> bool:
        return self.kind.excluded[k] - (k in self.skip_excludes) > 0

    def in_every_set(self, k: Any) -> bool:
        return self.kind.in_sets[k] - (k in self.skip_allows) == self.sets

    def above(self, k: Any) -> bool:
        lo = self.lo
        return lo is None or k > lo.key or (k == lo.key and not lo.strict)

    def below(self, k: Any) -> bool:
        hi = self.hi
        return hi is None or k < hi.key or (k == hi.key and not hi.strict)

    def texts(self) -> Iterator[tuple[int | None, Pattern]]:
        for i in self.kind.texts:
            if i != self.skip:
                yield i, self.kind.patterns[i]
        for p in self.patterns:
            yield None, p


class FieldRules:
    """The rules on one field, read once; `drop` takes a rule out of those kept.

    Indices are positions in the rules given. An ill-formed rule (SEL015's business) excludes
    nobody: it is never kept, and anything implies it.
    """

    def __init__(self, atoms: Sequence[Atom | None]) -> None:
        self.atoms = list(atoms)
        self.kept = [a is not None for a in self.atoms]
        formed = [(i, a) for i, a in enumerate(self.atoms) if a is not None]
        self._blockers = _Chain(i for i, a in formed if not Constraint(a).on_null)
        self._kinds: dict[Kind, _Kind] = {}
        for of in kinds.KINDS:
            conjunctions: dict[int, Conjunction] = {}
            killers = []
            for i, a in formed:
                alternatives = restrict(a, of)
                if not alternatives:
                    killers.append(i)
                elif alternatives[0]:
                    (conjunctions[i],) = alternatives
            self._kinds[of] = _Kind(of, conjunctions, killers)

    @classmethod
    def of(cls, rules: Iterable[RuleLike]) -> FieldRules:
        return cls([normalize(r) for r in rules])

    def drop(self, i: int) -> None:
        if not self.kept[i]:
            return
        self.kept[i] = False
        self._blockers.remove(i)
        for kind in self._kinds.values():
            kind.remove(i)

    def implied(self, i: int) -> bool:
        """Whether every contact passing the other rules kept also passes rule `i`."""
        atom = self.atoms[i]
        return atom is None or not self.allows(Constraint(atom, negated=True), without=i)

    def implies(self, atom: Atom) -> bool:
        """Whether every contact passing the rules kept also passes `atom`."""
        return not self.allows(Constraint(atom, negated=True))

    def implying(self, i: int) -> tuple[int, ...]:
        """A set of the other rules kept that implies rule `i` and none of which can be left
        out, in input order; `implied(i)` must hold. The rules that bound the field most
        tightly are taken first, then the set is shrunk by the solver."""
        atom = self.atoms[i]
        if atom is None:
            return ()
        negated = Constraint(atom, negated=True)
        skip = i if self.kept[i] else None
        found = sorted(self._why_not(negated, skip))

        def passable(subset: list[int]) -> bool:
            chosen = [Constraint(self.atoms[j]) for j in subset]  # type: ignore[arg-type]
            return witness([*chosen, negated]) is not UNSAT

        assert not passable(found), f"rule {i} is not implied by {found}"
        return tuple(minimal_subset(found, passable))

    def allows(self, extra: Constraint | None = None, without: int | None = None) -> bool:
        """Whether some value passes the rules kept but `without`, and `extra`."""
        skip = without if without is not None and self.kept[without] else None
        if (extra is None or extra.on_null) and self._blockers.first(skip) is None:
            return True
        for of, kind in self._kinds.items():
            for conjunction in TRUE if extra is None else extra.restrict(of):
                if self._empty(_Question(kind, conjunction, skip), None) is None:
                    return True
        return False

    def _why_not(self, extra: Constraint, skip: int | None) -> set[int]:
        """Rules kept (not `skip`) that with `extra` admit no value: enough, not fewest."""
        chosen: set[int] = set()
        asked = [(of, c) for of in kinds.KINDS for c in extra.restrict(of)]
        # Constrained kinds first: their bounds often rule out the other kinds as well.
        for of, conjunction in sorted(asked, key=lambda a: not a[1]):
            found = self._empty(_Question(self._kinds[of], conjunction, skip), chosen)
            assert found is not None, "asked why of a kind some value passes"
            chosen |= found
        if extra.on_null:
            blockers = self._blockers
            blocker = _prefer(chosen, lambda j: j in blockers.present and j != skip)
            chosen.add(blockers.first(skip) if blocker is None else blocker)  # type: ignore[arg-type]
        return chosen

    def _empty(self, q: _Question, chosen: set[int] | None) -> set[int] | None:
        """None when some value passes `q`; else, when `chosen` is given, rules that together
        rule every value out (preferring those in `chosen`), or an empty set when it is not."""
        kind = q.kind
        killer = kind.killers.first(q.skip)
        if killer is not None:
            if chosen is None:
                return set()
            killers = kind.killers
            found = _prefer(chosen, lambda j: j in killers.present and j != q.skip)
            return {killer if found is None else found}
        candidates, source = self._candidates(q)
        if candidates is not None:
            return self._no_candidate(q, candidates, source, chosen)
        if kind.of in kinds.DOMAINS:
            return self._no_step(q, chosen)
        if kind.of == "number":
            return self._no_number(q, chosen)
        return self._no_string(q, chosen)

    def _candidates(self, q: _Question) -> tuple[Iterable[Any] | None, int | None]:
        if q.allowed is not None:
            return q.allowed, None
        source = q.kind.sets.first(q.skip)
        if source is not None:
            return q.kind.allows[source], source
        if q.kind.of == "boolean":
            return (True, False), None
        return None, None

    def _passes(self, q: _Question, k: Any) -> bool:
        if not (q.in_every_set(k) and q.above(k) and q.below(k)):
            return False
        if k in q.banned or q.excluded_by_rules(k):
            return False
        return all(p.accepts(k) for _, p in q.texts())

    def _no_candidate(
        self, q: _Question, candidates: Iterable[Any], source: int | None, chosen: set[int] | None
    ) -> set[int] | None:
        if q.kind.of in kinds.DOMAINS:
            first, _ = self._first(q)
            last, _ = self._last(q)
            inside = [k for k in candidates if first <= k <= last]
            if any(self._passes(q, k) for k in inside):
                return None
        elif any(self._passes(q, k) for k in candidates):
            return None
        else:
            inside = list(candidates)
        if chosen is None:
            return set()
        found = set() if source is None else {source}
        if q.kind.of in kinds.DOMAINS:
            found |= self._owners(self._first(q)[1], self._last(q)[1])
        for k in sorted(set(inside)):
            reason = self._rejects(q, k, chosen | found)
            if reason is not None:
                found.add(reason)
        return found

    def _rejects(self, q: _Question, k: Any, chosen: set[int]) -> int | None:
        """A rule that rejects key `k`, None when `extra` or one in `chosen` already does."""
        options: list[int] = []
        for bound, ok in ((q.lo, q.above(k)), (q.hi, q.below(k))):
            if not ok:
                assert bound is not None
                if bound.owner is None:
                    return None
                options.append(bound.owner)
        if k in q.banned:
            return None
        if q.excluded_by_rules(k):
            options += [j for j in q.kind.excluders[k] if self.kept[j] and j != q.skip]
        if not q.in_every_set(k):
            options += [j for j in q.kind.sets if j != q.skip and k not in q.kind.allows[j]]
        for owner, p in q.texts():
            if not p.accepts(k):
                if owner is None:
                    return None
                options.append(owner)
        if any(j in chosen for j in options):
            return None
        return options[0]

    def _first(self, q: _Question) -> tuple[Any, int | None]:
        """The smallest whole step passing the lower bound, and the rule that sets it."""
        first = kinds.DOMAINS[q.kind.of][0]
        if q.lo is not None:
            step = q.lo.key + 1 if q.lo.strict else q.lo.key
            if step > first:
                return step, q.lo.owner
        return first, None

    def _last(self, q: _Question) -> tuple[Any, int | None]:
        last = kinds.DOMAINS[q.kind.of][1]
        if q.hi is not None:
            step = q.hi.key - 1 if q.hi.strict else q.hi.key
            if step < last:
                return step, q.hi.owner
        return last, None

    @staticmethod
    def _owners(*owners: int | None) -> set[int]:
        return {j for j in owners if j is not None}

    def _no_step(self, q: _Question, chosen: set[int] | None) -> set[int] | None:
        """Dates and date-times: whole steps in a range, all but the excluded ones."""
        (first, lo), (last, hi) = self._first(q), self._last(q)
        if first <= last:
            counts = q.kind.counts
            assert counts is not None
            excluded = counts.marked(first, last)
            excluded -= sum(
                1 for k in q.skip_excludes if first <= k <= last and q.kind.excluded[k] == 1
            )
            excluded += sum(
                1 for k in q.banned if first <= k <= last and not q.excluded_by_rules(k)
            )
            if excluded < last - first + 1:
                return None
        if chosen is None:
            return set()
        found = self._owners(lo, hi)
        if first <= last:
            counts = q.kind.counts
            assert counts is not None
            for p in counts.span(first, last):
                k = counts.keys[p]
                if k not in q.banned and q.excluded_by_rules(k):
                    found.add(self._excluder(q, k, chosen | found))
        return found

    def _excluder(self, q: _Question, k: Any, chosen: set[int]) -> int:
        owners = [j for j in q.kind.excluders[k] if self.kept[j] and j != q.skip]
        return next((j for j in owners if j in chosen), owners[0])

    def _no_number(self, q: _Question, chosen: set[int] | None) -> set[int] | None:
        """Numbers are dense: a range wider than a point always keeps a value."""
        lo, hi = q.lo, q.hi
        if lo is None or hi is None or lo.key < hi.key:
            return None
        if lo.key == hi.key and not (lo.strict or hi.strict):
            k = lo.key
            if k not in q.banned and not q.excluded_by_rules(k):
                return None
            if chosen is None:
                return set()
            found = self._owners(lo.owner, hi.owner)
            if k not in q.banned:
                found.add(self._excluder(q, k, chosen | found))
            return found
        return set() if chosen is None else self._owners(lo.owner, hi.owner)

    def _no_string(self, q: _Question, chosen: set[int] | None) -> set[int] | None:
        texts = q.patterns or q.kind.texts.count(q.skip)
        if not texts and q.hi is None:
            return None  # every string above any other has infinitely many above it too
        kind = q.kind
        rules = [j for j in kind.constrained if self.kept[j] and j != q.skip]

        def passable(subset: list[int]) -> bool:
            prims = [p for j in subset for p in restrict(self.atoms[j], kind.of)[0]]  # type: ignore[arg-type]
            return strings.solve([*prims, *q.extra]) is not None

        if passable(rules):
            return None
        return set() if chosen is None else set(minimal_subset(rules, passable))


def _prefer(chosen: set[int], fits: Callable[[int], bool]) -> int | None:
    return next((j for j in sorted(chosen) if fits(j)), None)
