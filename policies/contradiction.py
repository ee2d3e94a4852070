"""SEL014: filters no contact can satisfy, found exactly by `selang.analysis`."""

from collections.abc import Iterator

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Related, Severity
from selang.policies._analysis import verdict
from selang.policies._text import from_segment, origin, rule_text
from selang.semantic.model import Rule, Selection


class ContradictoryFilters(Policy):
    """No contact can pass all filter rules at once.

    ## What it does
    Decides exactly, under the meaning of CXone filter rules (all rules hold at once, a null
    field fails every rule but `is null`, values of different kinds never compare), whether any
    contact can pass the selection's filters. When none can, it reports a smallest set of rules
    that conflict (removing any one of them resolves that conflict), each with its place in the
    source and the segment it came from. Numbers are compared exactly at any size; a date-time
    written with an offset that puts it before `0001-01-01T00:00:00Z` or after
    `9999-12-31T23:59:59.999999Z` is a value no contact holds.

    ## Why
    A contradictory selection dials nobody. The campaign runs empty without an error from CXone,
    usually because two segments were combined that were never meant to meet.

    ## Example
    ```
    segment adults = age >= 18

    campaign "campaign_xyz789" {
      target spring_leads
      where adults and age < 16
    }
    ```

    ## Use instead
    ```
    segment adults = age >= 18

    campaign "campaign_xyz789" {
      target spring_leads
      where adults and age < 65
    }
    ```
    """

    code = "SEL014"
    name = "contradictory-filters"
    severity = Severity.ERROR

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        from selang.analysis import Contradiction

        found = verdict(selection, context)
        if not isinstance(found, Contradiction):
            return
        core: list[Rule] = list(found.core)  # type: ignore[arg-type]
        first, rest = core[0], core[1:]
        related = tuple(
            Related(r.span, f"conflicts with `{rule_text(r)}`{origin(r)}") for r in rest
        )
        help = "change or remove one of these rules"
        if first.via:
            help = f"`{rule_text(first)}` comes {from_segment(first)}; {help}"
        yield self.diagnostic(
            f"no contact can pass these filters: {found.reason}",
            first.span,
            help=help,
            related=related,
        )
