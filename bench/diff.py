"""Times `compare` of two selections against `analyse` of one, at 50, 500 and 5,000 rules.

Run: python bench/diff.py. Two pairs per size: a review's usual change (one bound tightened,
everything else as it was) and the worst case for the decision procedure (every rule rewritten
into an equivalent but different form, so no rule is skipped as shared and every disjunct of
`new ∧ ¬old` and `old ∧ ¬new` goes to the solver). Prints the fastest of several runs and the
ratio against `analyse` of the old selection, measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable

from analysis import SPAN, selection

from selang.analysis import analyse, compare
from selang.core.values import Date
from selang.semantic.model import ListRef, Rule, Selection, Tier


def best_seconds(work: Callable[[], object], runs: int) -> float:
    """The fastest of `runs` calls: on a machine shared with other jobs, a call of tens of
    milliseconds is often interrupted and one of a millisecond rarely, which skews medians
    against the larger sizes (`timeit`'s advice: the minimum is the machine's own speed)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def _wrap(rules: list[Rule]) -> Selection:
    targets, exclusions = (ListRef("list_a", SPAN),), (ListRef("list_dnc", SPAN),)
    return Selection("bench", targets, exclusions, tuple(rules), (Tier("t", SPAN),), SPAN)


def _day(value: Date, days: int) -> Date:
    day = value.value + dt.timedelta(days=days)
    return Date(day, day.isoformat())


def _rewritten(rule: Rule) -> list[Rule]:
    """The same contacts in other words: `between` as two bounds, `gt` on days as `gte` the
    next day, one-element sets as (in)equalities and back."""

    def r(op: str, value: object) -> Rule:
        return Rule(rule.field, op, value, SPAN)  # type: ignore[arg-type]

    op, value = rule.operator, rule.value
    if op == "between":
        return [r("gte", value[0]), r("lte", value[1])]
    if op == "neq":
        return [r("not_in", (value,))]
    if op == "in":
        return [r("in", tuple(reversed(value)))]
    if op == "gt" and isinstance(value, Date):
        return [r("gte", _day(value, 1))]
    if op == "lt" and isinstance(value, Date):
        return [r("lte", _day(value, -1))]
    if op == "not_in" and len(value) == 1:
        return [r("neq", value[0])]
    if op == "eq":
        return [r("in", (value,))]
    return [rule]


def _tightened(rules: list[Rule]) -> list[Rule]:
    first = rules[0]  # `field_0 between 18 and 65`
    return [Rule(first.field, "between", (21, 65), SPAN), *rules[1:]]


def main() -> None:
    # The collector's passes land on whichever call happens to cross its threshold, which on
    # a shared machine made even a linear loop look 30x slower at 10x the size; both sides of
    # every ratio run with it paused.
    gc.collect()
    gc.disable()
    timings: dict[tuple[str, int], float] = {}
    for n, runs in ((50, 100), (500, 15), (5000, 3)):
        rules = selection(n)
        old = _wrap(rules)
        t_analyse = best_seconds(lambda rules=rules: analyse(rules), runs)
        timings["analyse", n] = t_analyse
        pairs = {
            "one rule tightened": _wrap(_tightened(rules)),
            "every rule rewritten": _wrap([x for rule in rules for x in _rewritten(rule)]),
        }
        for name, new in pairs.items():
            verdict = compare(old, new).verdict
            t = best_seconds(lambda old=old, new=new: compare(old, new), runs)
            timings[name, n] = t
            print(
                f"{n:>4} rules, {name:<21}: compare {t * 1e3:8.3f} ms ({verdict}), "
                f"analyse {t_analyse * 1e3:7.3f} ms, ratio {t / t_analyse:5.1f}x"
            )
    for name in ("analyse", "one rule tightened", "every rule rewritten"):
        for small, large in ((50, 500), (500, 5000)):
            growth = timings[name, large] / timings[name, small]
            print(f"t({large})/t({small}), {name}: {growth:.2f}  (10x rules)")


if __name__ == "__main__":
    main()
