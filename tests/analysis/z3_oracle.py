"""CONTRACT §2 as an SMT problem, written from the contract rather than from the analysis.

Each field is a tagged union: null, a string, a real, a boolean, a calendar day (its ordinal)
or an instant (whole microseconds since the epoch). Every operator but `is_null` is false on
null, values of different kinds never compare, booleans have no order, strings order by code
point (z3's `str.<` is lexicographic on code points) and the text operators are z3's
`prefixof`, `suffixof` and `contains` on the pattern as written.

The value ranges a contact can hold: days of the proleptic Gregorian calendar 0001-01-01 to
9999-12-31, instants from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z (docs/language.md:
a constant written with an offset may name an instant just outside, which no contact holds).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sys
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction

import z3

from selang.core.values import Date, DateTime, classify_string

NULL, STRING, NUMBER, BOOLEAN, DAY, INSTANT = range(6)
TIMEOUT_MS = 20_000

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICRO = dt.timedelta(microseconds=1)
FIRST_DAY, LAST_DAY = dt.date.min.toordinal(), dt.date.max.toordinal()
FIRST_INSTANT = (dt.datetime.min.replace(tzinfo=dt.UTC) - _EPOCH) // _MICRO
LAST_INSTANT = (dt.datetime.max.replace(tzinfo=dt.UTC) - _EPOCH) // _MICRO


class Undecided(Exception):
    """z3 gave up (timeout); the caller skips the example."""


class Field:
    """The z3 variables standing for one field's value."""

    def __init__(self, name: str) -> None:
        self.tag = z3.Int(f"{name}.tag")
        self.s = z3.String(f"{name}.s")
        self.r = z3.Real(f"{name}.r")
        self.b = z3.Bool(f"{name}.b")
        self.d = z3.Int(f"{name}.d")
        self.t = z3.Int(f"{name}.t")

    def domain(self) -> z3.BoolRef:
        return z3.And(
            self.tag >= NULL,
            self.tag <= INSTANT,
            z3.Implies(self.tag == DAY, z3.And(self.d >= FIRST_DAY, self.d <= LAST_DAY)),
            z3.Implies(
                self.tag == INSTANT, z3.And(self.t >= FIRST_INSTANT, self.t <= LAST_INSTANT)
            ),
        )


def constant(value: object) -> tuple[int, z3.ExprRef]:
    """A rule's constant as (tag, z3 value); a string shaped like a date is that date."""
    if isinstance(value, str):
        value = classify_string(value)
    if isinstance(value, bool):
        return BOOLEAN, z3.BoolVal(value)
    if isinstance(value, int | Decimal):
        exact = Fraction(value)
        return NUMBER, z3.Q(exact.numerator, exact.denominator)
    if isinstance(value, Date):
        return DAY, z3.IntVal(value.value.toordinal())
    if isinstance(value, DateTime):
        return INSTANT, z3.IntVal((value.value - _EPOCH) // _MICRO)
    assert isinstance(value, str), value
    return STRING, z3.StringVal(value)


def _part(f: Field, tag: int) -> z3.ExprRef:
    return {STRING: f.s, NUMBER: f.r, BOOLEAN: f.b, DAY: f.d, INSTANT: f.t}[tag]


def _equal(f: Field, value: object) -> z3.BoolRef:
    tag, c = constant(value)
    return z3.And(f.tag == tag, _part(f, tag) == c)


def _order(f: Field, op: str, value: object) -> z3.BoolRef:
    tag, c = constant(value)
    if tag == BOOLEAN:
        return z3.BoolVal(False)
    x = _part(f, tag)
    compared = {"gt": x > c, "gte": x >= c, "lt": x < c, "lte": x <= c}[op]
    return z3.And(f.tag == tag, compared)


def formula(f: Field, op: str, value: object) -> z3.BoolRef:
    """The rule `f op value` under §2."""
    present = f.tag != NULL
    if op == "is_null":
        return f.tag == NULL if value else present
    if op == "eq":
        return _equal(f, value)
    if op == "neq":
        return z3.And(present, z3.Not(_equal(f, value)))
    if op == "in":
        return z3.Or([_equal(f, v) for v in value])
    if op == "not_in":
        return z3.And(present, *[z3.Not(_equal(f, v)) for v in value])
    if op in ("gt", "gte", "lt", "lte"):
        return _order(f, op, value)
    if op == "between":
        return z3.And(_order(f, "gte", value[0]), _order(f, "lte", value[1]))
    pattern = z3.StringVal(value)
    found = {
        "starts_with": z3.PrefixOf(pattern, f.s),
        "ends_with": z3.SuffixOf(pattern, f.s),
        "contains": z3.Contains(f.s, pattern),
    }[op]
    return z3.And(f.tag == STRING, found)


class Oracle:
    """Builds formulas over one set of field variables and decides them."""

    def __init__(self) -> None:
        self.fields: dict[str, Field] = {}

    def field(self, name: str) -> Field:
        if name not in self.fields:
            self.fields[name] = Field(name)
        return self.fields[name]

    def rule(self, rule: object) -> z3.BoolRef:
        return formula(self.field(rule.field), rule.operator, rule.value)  # type: ignore[attr-defined]

    def satisfiable(self, *claims: z3.BoolRef) -> bool:
        solver = z3.Solver()
        solver.set("timeout", TIMEOUT_MS)
        solver.add(*(f.domain() for f in self.fields.values()))
        solver.add(*claims)
        answer = solver.check()
        if answer == z3.unknown:
            raise Undecided(solver.reason_unknown())
        return answer == z3.sat


@contextlib.contextmanager
def _all_digits() -> Iterator[None]:
    """Constants beyond float range are part of what is checked: z3 reads them as decimal text,
    in full. Only while the oracle runs: the rest of the process keeps the usual limit."""
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(limit)


def _with_all_digits(decide: Callable[..., bool]) -> Callable[..., bool]:
    @functools.wraps(decide)
    def deciding(*args: object) -> bool:
        with _all_digits():
            return decide(*args)

    return deciding


@_with_all_digits
def satisfiable(rules: Sequence[object]) -> bool:
    """Whether some contact passes every rule."""
    oracle = Oracle()
    return oracle.satisfiable(*(oracle.rule(r) for r in rules))


@_with_all_digits
def implies(premises: Sequence[object], conclusion: object) -> bool:
    """Whether every contact passing the premises passes the conclusion."""
    oracle = Oracle()
    claims = [oracle.rule(r) for r in premises]
    return not oracle.satisfiable(*claims, z3.Not(oracle.rule(conclusion)))


def valid(rule: object) -> bool:
    """Whether every contact, null included, passes the rule."""
    return implies([], rule)
