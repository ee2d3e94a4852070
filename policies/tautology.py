"""SEL020: a filter rule that no contact can fail."""

from collections.abc import Iterator

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Severity
from selang.policies._analysis import ruleset
from selang.policies._text import origin, rule_text
from selang.semantic.model import Selection


class RuleExcludesNobody(Policy):
    """A filter rule holds for every possible contact, so it excludes no one.

    ## What it does
    Asks the analysis whether the rule follows from nothing at all (`implies([], rule)`), that
    is, whether every contact passes it whatever its fields hold.

    ## Why
    Such a rule filters nothing, yet reads as if it did. Under CXone's meaning a null field fails
    every rule but `is null`, so a rule written in `.sel` or in CXone JSON never excludes no one
    on its own; this check guards the rules a third-party front-end or a future operator could
    produce, and keeps the guarantee explicit rather than assumed. Every value the readers
    accept is one the analysis reads exactly (numbers of any size, dates, date-times), so no
    rule that passed SEL015 is reported here.

    ## Example
    A rule true of every value, null included; none of today's operators can express one.

    ## Use instead
    Remove the rule.
    """

    code = "SEL020"
    name = "rule-excludes-nobody"
    severity = Severity.WARNING

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        # This is `implies([], rule)` for each rule, decided without the solver: under §2 a
        # null field fails every operator but `is null`, and `is null` fails every value, so a
        # well-formed rule always excludes someone. A rule excludes nobody exactly when the
        # analysis ignores it as ill-formed (tests/analysis check both answers agree).
        rules = selection.rules
        for i in ruleset(selection, context).ignored:
            rule = rules[i]
            yield self.diagnostic(
                f"rule `{rule_text(rule)}`{origin(rule)} excludes no contact",
                rule.span,
                help="remove it",
            )
