"""Times the contradiction analysis on realistic selections and on 50/500/5,000 rules, and
the analysis checks on thousands of rules on one field (the rule limit raised).

Run: python bench/analysis.py. Prints medians and ratios against a baseline (evaluating
every rule once on one contact) so the numbers compare across machines.
"""

from __future__ import annotations

from decimal import Decimal

from common import median_seconds

from selang.analysis import Satisfiable, analyse, evaluate
from selang.checks import Context
from selang.checks.config import Config
from selang.core.diagnostics import Span
from selang.core.values import Date, DateTime
from selang.policies.contradiction import ContradictoryFilters
from selang.policies.redundant_rule import RedundantRule
from selang.semantic.model import ListRef, Rule, Selection

SPAN = Span.point("bench.sel")


def _field_rules(name: str, i: int) -> list[Rule]:
    """Two or three rules on one field, cycling through the kinds a campaign filters on."""

    def rule(op: str, value: object) -> Rule:
        return Rule(name, op, value, SPAN)  # type: ignore[arg-type]

    kind = i % 5
    if kind == 0:
        return [rule("between", (18, 65)), rule("neq", 40), rule("gte", Decimal("18.5"))]
    if kind == 1:
        return [rule("in", ("CA", "NY", "TX")), rule("starts_with", "C")]
    if kind == 2:
        return [
            rule("gt", Date.parse("2023-01-01")),
            rule("lt", Date.parse("2024-06-30")),
            rule("not_in", (Date.parse("2023-12-25"),)),
        ]
    if kind == 3:
        return [rule("gte", DateTime.parse("2023-01-01T08:30:00Z")), rule("is_null", False)]
    return [rule("eq", True), rule("neq", False)]


def selection(n: int) -> list[Rule]:
    """`n` rules over about n/2.5 fields (50 rules ≈ 20 fields)."""
    rules: list[Rule] = []
    i = 0
    while len(rules) < n:
        rules += _field_rules(f"field_{i}", i)
        i += 1
    return rules[:n]


def one_field(shape: str, n: int) -> list[Rule]:
    """`n` rules on `age`: distinct `!=` values, or overlapping ranges (all but the first and
    the last implied by those two)."""
    if shape == "neq":
        return [Rule("age", "neq", i, SPAN) for i in range(n)]
    return [Rule("age", "between", (i, i + 10_000), SPAN) for i in range(n)]


def check_analysis(rules: list[Rule]) -> int:
    """SEL014 and SEL019 as `selang check` runs them, with `max-rules` raised past `rules`."""
    selection = Selection("c", (ListRef("list_a", SPAN),), (), tuple(rules), (), SPAN)
    context = Context("bench.sel", Config(max_rules=len(rules)))
    return sum(
        1 for p in (ContradictoryFilters(), RedundantRule()) for _ in p.check(selection, context)
    )


def one_field_rows() -> None:
    timings = {}
    for shape, n, runs in (("neq", 2000, 5), ("neq", 20_000, 3), ("between", 5000, 3)):
        rules = one_field(shape, n)
        contact = {"age": -1 if shape == "neq" else 5000}
        found = check_analysis(rules)
        t_check = median_seconds(lambda rules=rules: check_analysis(rules), runs)
        t_evaluate = median_seconds(
            lambda rules=rules, contact=contact: [evaluate(r, contact["age"]) for r in rules],
            runs,
        )
        timings[shape, n] = t_check
        written = "!=" if shape == "neq" else "between"
        print(
            f"{n:>6} `{written}` rules on one field: SEL014+SEL019 {t_check * 1e3:8.1f} ms "
            f"({found} redundant), evaluate-all {t_evaluate * 1e3:6.2f} ms, "
            f"ratio {t_check / t_evaluate:5.1f}x"
        )
    print(
        f"t(20000 !=)/t(2000 !=) = {timings['neq', 20_000] / timings['neq', 2000]:.2f}  (10x rules)"
    )


def main() -> None:
    timings = {}
    for n, runs in ((50, 200), (500, 40), (5000, 9)):
        rules = selection(n)
        verdict = analyse(rules)
        assert isinstance(verdict, Satisfiable)
        contact = verdict.example
        t_analyse = median_seconds(lambda rules=rules: analyse(rules), runs)
        t_evaluate = median_seconds(
            lambda rules=rules, contact=contact: [evaluate(r, contact[r.field]) for r in rules],
            runs,
        )
        timings[n] = t_analyse
        fields = len({r.field for r in rules})
        print(
            f"{n:>5} rules, {fields:>4} fields: analyse {t_analyse * 1e3:8.3f} ms, "
            f"evaluate-all {t_evaluate * 1e3:7.3f} ms, ratio {t_analyse / t_evaluate:5.1f}x"
        )
    print(f"t(500)/t(50)   = {timings[500] / timings[50]:.2f}  (10x rules)")
    print(f"t(5000)/t(500) = {timings[5000] / timings[500]:.2f}  (10x rules)")

    # A contradiction costs extra: the core is shrunk by re-deciding its field.
    clash = [*selection(48), Rule("field_0", "lt", 10, SPAN), Rule("field_1", "eq", "TX", SPAN)]
    t_clash = median_seconds(lambda: analyse(clash), 200)
    print(f"50 rules with a contradiction: analyse {t_clash * 1e3:.3f} ms")
    one_field_rows()


if __name__ == "__main__":
    main()
