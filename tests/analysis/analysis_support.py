"""Helpers for the analysis tests: a bare rule type, verdict checks and a brute-force oracle.

The oracle decides a field by trying every value of a finite candidate set with `evaluate`;
`candidates` explains why its set is enough for the rules the tests generate.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from decimal import Decimal, localcontext
from fractions import Fraction

import attrs

from selang.analysis import Contradiction, Satisfiable, analyse, evaluate
from selang.analysis.evaluate import holds
from selang.analysis.normalize import normalize
from selang.core.values import Date, DateTime, Scalar, classify_string


@attrs.frozen
class R:
    """Just `.field`, `.operator`, `.value`: what the analysis is promised."""

    field: str
    operator: str
    value: object


def satisfied(rules: Sequence[R], contact: dict[str, Scalar | None]) -> bool:
    return all(evaluate(r, contact.get(r.field)) for r in rules)


def check_satisfiable(rules: Sequence[R]) -> Satisfiable:
    verdict = analyse(rules)
    assert isinstance(verdict, Satisfiable), verdict
    assert satisfied(rules, verdict.example), verdict.example
    return verdict


def check_contradiction(rules: Sequence[R], core: Sequence[int] | None = None) -> Contradiction:
    """Asserts a contradiction whose core is minimal (and is `rules[i] for i in core` if given)."""
    verdict = analyse(rules)
    assert isinstance(verdict, Contradiction), verdict
    positions = [next(i for i, r in enumerate(rules) if r is c) for c in verdict.core]
    assert positions == sorted(positions), "core not in input order"
    if core is not None:
        assert positions == list(core), verdict
    assert isinstance(analyse(verdict.core), Contradiction)
    for i in range(len(verdict.core)):
        rest = verdict.core[:i] + verdict.core[i + 1 :]
        assert isinstance(analyse(rest), Satisfiable), f"core not minimal without {i}"
    prose = re.sub(r"`[^`]*`", "", verdict.reason)
    assert prose == prose.lower(), verdict.reason
    assert "\n" not in verdict.reason and not verdict.reason.endswith("."), verdict.reason
    return verdict


# --- brute force -------------------------------------------------------------------------

_TEXT_OPS = ("starts_with", "ends_with", "contains")


def _constants(rules: Sequence[R]) -> list[object]:
    found: list[object] = []
    for r in rules:
        if r.operator == "is_null":
            continue
        values = r.value if isinstance(r.value, tuple | list) else (r.value,)
        for v in values:
            if isinstance(v, str) and r.operator not in _TEXT_OPS:
                v = classify_string(v)
            found.append(v)
    return found


def _decimal(x: Fraction) -> int | Decimal:
    if x.denominator == 1:
        return x.numerator
    with localcontext() as ctx:
        ctx.prec = 60  # midpoints of short decimals terminate well within this
        return Decimal(x.numerator) / Decimal(x.denominator)


def _around(points: list, step: int, low: int | None = None, high: int | None = None) -> set:
    """Each point, its neighbours one step away and the midpoints between points."""
    out = set()
    ordered = sorted(set(points))
    for p in ordered:
        out.update({p - step, p, p + step})
    for a, b in itertools.pairwise(ordered):
        out.add((a + b) / 2)
    return {p for p in out if (low is None or p >= low) and (high is None or p <= high)}


def candidates(rules: Sequence[R]) -> list[Scalar | None]:
    """Values of one field among which a satisfying one exists whenever any does.

    Numbers, dates, date-times: a rule's truth only depends on where a value sits relative to
    the constants, so the constants, their neighbours one step away (a day, a microsecond, or
    1 for numbers) and the midpoints between consecutive ones meet every such position.

    Strings: characters are taken up to their class (each constant character, each gap between
    them), as no rule tells apart two characters of one class. Let m be the longest string
    constant. A witness of length ≤ 2m is enumerated. A longer witness w can be replaced by
    w[:m] + C1 + ... + Cj + w[-m:] (Ci the `contains` constants): it keeps every prefix and
    suffix of length ≤ m, every `contains`, the order against constants of length ≤ m (the first
    m characters agree and both are longer than m), and is longer than every excluded string.
    This also holds for the negation of every rule except `contains`.
    """
    consts = _constants(rules)
    out: list[Scalar | None] = [None, True, False]
    numbers = [Fraction(v) for v in consts if type(v) in (int, Decimal)] or [Fraction(0)]
    out += [_decimal(x) for x in sorted(_around(numbers, 1))]
    days = [v.value.toordinal() for v in consts if isinstance(v, Date)] or [730000]
    for n in sorted(_around(days, 1, 1, dt.date.max.toordinal())):
        if n == int(n):
            day = dt.date.fromordinal(int(n))
            out.append(Date(day, day.isoformat()))
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    micro = dt.timedelta(microseconds=1)
    instants = [(v.value - epoch) // micro for v in consts if isinstance(v, DateTime)] or [0]
    for n in sorted(_around(instants, 1)):
        if n == int(n):
            value = epoch + int(n) * micro
            out.append(DateTime(value, value.isoformat()))
    out += _strings([v for v in consts if isinstance(v, str)], rules)
    return out


def _strings(texts: list[str], rules: Sequence[R]) -> list[str]:
    chars = sorted({ord(c) for t in texts for c in t})
    reps = [chr(c) for c in chars]
    for a, b in itertools.pairwise([-1, *chars, 0x110000]):
        if b - a > 1:
            reps.append(chr(a + 1))
    m = max((len(t) for t in texts), default=0)
    short = [
        "".join(p) for n in range(max(2 * m, 1) + 1) for p in itertools.product(reps, repeat=n)
    ]
    if m == 0:
        return short
    middle = "".join(
        r.value for r in rules if r.operator == "contains" and isinstance(r.value, str)
    )
    ends = ["".join(p) for p in itertools.product(reps, repeat=m)]
    return short + [a + middle + b for a in ends for b in ends]


def brute_values(rules: Sequence[R], extra: R | None = None) -> list[Scalar | None]:
    """The candidates of one field's rules that pass them all (`extra` widens the candidates)."""
    atoms = [normalize(r) for r in rules]
    pool = candidates([*rules, extra] if extra is not None else rules)
    # `holds` is `evaluate` with the rule already read, which keeps the oracle fast enough.
    return [v for v in pool if all(holds(a, v) for a in atoms if a is not None)]


def by_field(rules: Sequence[R]) -> dict[str, list[R]]:
    fields: dict[str, list[R]] = {}
    for r in rules:
        fields.setdefault(r.field, []).append(r)
    return fields


def brute_satisfiable(rules: Sequence[R]) -> bool:
    return all(brute_values(group) for group in by_field(rules).values())
