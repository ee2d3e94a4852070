"""Satisfiability on strings: exact for any mix of equality, code-point order and text patterns.

Each constraint is a small automaton over an alphabet of character classes: every character
that occurs in a constant is a class of its own, and the gaps between them are classes, so
all characters of a class behave alike for every automaton and one representative stands for
the class. A breadth-first search of the product finds the shortest accepted words; finitely
many excluded strings are handled by enumerating one more accepted word than there are.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from .constraints import Lower, NoneOf, OneOf, Pattern, Primitive, Upper

MAX_CODE_POINT = 0x10FFFF
_NICE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_SURROGATES = range(0xD800, 0xE000)

DEAD = None  # a state no continuation can bring back


def solve(prims: Iterable[Primitive]) -> str | None:
    """A string meeting every primitive, or None when there is none."""
    prims = list(prims)
    allowed: frozenset[str] | None = None
    for p in prims:
        if isinstance(p, OneOf):
            allowed = p.keys if allowed is None else allowed & p.keys
    if allowed is not None:
        return next((s for s in sorted(allowed) if all(p.accepts(s) for p in prims)), None)
    # Most selections only ask for prefixes, suffixes and substrings; gluing them
    # together is a witness whenever it meets the rest, and reads better.
    glued = "".join(
        p.text
        for where in ("prefix", "infix", "suffix")
        for p in prims
        if isinstance(p, Pattern) and p.where == where and not p.negated
    )
    if glued and all(p.accepts(glued) for p in prims):
        return glued
    return _search(prims)


class _Prefix:
    """Words that start (or, negated, do not start) with `text`; state = characters matched."""

    def __init__(self, text: str, negated: bool) -> None:
        self.text, self.negated = text, negated
        self.start = DEAD if negated and not text else 0

    def step(self, i: int, c: str) -> int | None:
        text = self.text
        if self.negated:
            if i < 0 or c != text[i]:
                return -1  # diverged: can never start with `text` any more
            return i + 1 if i + 1 < len(text) else DEAD
        if i == len(text):
            return i
        return i + 1 if c == text[i] else DEAD

    def accepts(self, i: int) -> bool:
        return self.negated or i == len(self.text)


class _Lower:
    """Words above `text` (or equal, unless strict); -1 = already greater."""

    def __init__(self, text: str, strict: bool) -> None:
        self.text, self.strict = text, strict
        self.start = 0

    def step(self, i: int, c: str) -> int | None:
        if i < 0 or i == len(self.text) or c > self.text[i]:
            return -1
        return i + 1 if c == self.text[i] else DEAD

    def accepts(self, i: int) -> bool:
        return i < 0 or (i == len(self.text) and not self.strict)


class _Upper:
    """Words below `text` (or equal, unless strict); -1 = already smaller."""

    def __init__(self, text: str, strict: bool) -> None:
        self.text, self.strict = text, strict
        self.start = 0

    def step(self, i: int, c: str) -> int | None:
        if i < 0:
            return -1
        if i == len(self.text) or c > self.text[i]:
            return DEAD
        return i + 1 if c == self.text[i] else -1

    def accepts(self, i: int) -> bool:
        # A proper prefix of `text` is smaller than it.
        return i < 0 or i < len(self.text) or not self.strict


class _Infix:
    """Substring and suffix patterns together, Aho-Corasick style.

    The state is the longest suffix of the word read so far that is a prefix of some
    pattern, plus a bit mask of the `contains` patterns seen. The word ends with a pattern
    exactly when that suffix does, because every pattern is a prefix of itself.
    """

    def __init__(self, contains: list[Pattern], suffixes: list[Pattern]) -> None:
        self.contains = [p.text for p in contains]
        self.suffixes = [(p.text, p.negated) for p in suffixes]
        self.wanted = sum(1 << j for j, p in enumerate(contains) if not p.negated)
        self.banned = sum(1 << j for j, p in enumerate(contains) if p.negated)
        self.prefixes = {
            text[:n] for text in self.contains + [t for t, _ in self.suffixes]
            for n in range(len(text) + 1)
        }  # fmt: skip
        self.moves: dict[tuple[str, str], str] = {}
        self.start = self._visit("", 0)

    def _visit(self, node: str, mask: int) -> tuple[str, int] | None:
        for j, text in enumerate(self.contains):
            if node.endswith(text):
                mask |= 1 << j
        return DEAD if mask & self.banned else (node, mask)

    def step(self, state: tuple[str, int], c: str) -> tuple[str, int] | None:
        node, mask = state
        nxt = self.moves.get((node, c))
        if nxt is None:
            word = node + c
            nxt = next(word[i:] for i in range(len(word) + 1) if word[i:] in self.prefixes)
            self.moves[(node, c)] = nxt
        return self._visit(nxt, mask)

    def accepts(self, state: tuple[str, int]) -> bool:
        node, mask = state
        if mask & self.wanted != self.wanted:
            return False
        return all(node.endswith(text) != negated for text, negated in self.suffixes)


def _search(prims: list[Primitive]) -> str | None:
    lower: Lower | None = None
    upper: Upper | None = None
    excluded: set[str] = set()
    prefixes: list[Pattern] = []
    infixes: list[Pattern] = []
    suffixes: list[Pattern] = []
    for p in prims:
        if isinstance(p, Lower):
            if lower is None or p.key > lower.key or (p.key == lower.key and p.strict):
                lower = p
        elif isinstance(p, Upper):
            if upper is None or p.key < upper.key or (p.key == upper.key and p.strict):
                upper = p
        elif isinstance(p, NoneOf):
            excluded.update(p.keys)
        elif isinstance(p, Pattern):
            {"prefix": prefixes, "infix": infixes, "suffix": suffixes}[p.where].append(p)
    automata: list[Any] = []
    positive = [p.text for p in prefixes if not p.negated]
    if positive:
        longest = max(positive, key=len)
        if not all(longest.startswith(text) for text in positive):
            return None
        automata.append(_Prefix(longest, False))
    automata += [_Prefix(p.text, True) for p in prefixes if p.negated]
    if lower is not None:
        automata.append(_Lower(lower.key, lower.strict))
    if upper is not None:
        automata.append(_Upper(upper.key, upper.strict))
    if infixes or suffixes:
        automata.append(_Infix(infixes, suffixes))
    constants = [p.text for p in prefixes + infixes + suffixes] + list(excluded)
    constants += [b.key for b in (lower, upper) if b is not None]
    return _shortest(automata, _alphabet(constants), excluded)


def _alphabet(constants: Iterable[str]) -> list[str]:
    """One representative per character class, nicest first (the search tries them in order)."""
    singles = sorted({ord(c) for text in constants for c in text})
    reps = [chr(c) for c in singles]
    edges = [-1, *singles, MAX_CODE_POINT + 1]
    for a, b in pairwise(edges):
        if b - a > 1:
            reps.append(_representative(a + 1, b - 1))
    return sorted(reps, key=lambda c: (_NICE.find(c) % (len(_NICE) + 1), ord(c)))


def _representative(first: int, last: int) -> str:
    """A printable character of the code-point range when it has one."""
    for c in _NICE:
        if first <= ord(c) <= last:
            return c
    for code in (max(first, 0x20), 0xE000):
        if first <= code <= last and code not in _SURROGATES:
            return chr(code)
    return chr(first)


def _shortest(automata: list[Any], alphabet: list[str], excluded: set[str]) -> str | None:
    """The shortest accepted non-empty word not excluded, else "" if that is accepted.

    Popping each product state at most k times yields the k shortest accepted words; with
    k = |excluded| + 2, one of them is neither excluded nor empty unless fewer exist. An
    excluded string is made of singleton classes only, so it equals at most one class word.
    """
    start = tuple(a.start for a in automata)
    if DEAD in start:
        return None
    limit = len(excluded) + 2
    popped: dict[tuple[Any, ...], int] = {}
    queue: deque[tuple[tuple[Any, ...], str]] = deque([(start, "")])
    empty_accepted = False
    pairs = list(enumerate(automata))
    while queue:
        state, word = queue.popleft()
        seen = popped.get(state, 0)
        if seen >= limit:
            continue
        popped[state] = seen + 1
        if word not in excluded and all(a.accepts(state[i]) for i, a in pairs):
            if word:
                return word
            empty_accepted = True
        for c in alphabet:
            nxt = []
            for i, a in pairs:
                s = a.step(state[i], c)
                if s is DEAD:
                    break
                nxt.append(s)
            else:
                queue.append((tuple(nxt), word + c))
    return "" if empty_accepted else None
