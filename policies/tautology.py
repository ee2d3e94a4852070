"""SEL020: a filter rule that no contact can fail."""

from collections.abc import Iterator

from policies._text import origin, rule_text
from selang.diagnostics import Diagnostic, Severity
from selang.model import Selection
from selang.policy import Context, Policy


class RuleExcludesNobody(Policy):
    """A filter rule holds for every possible contact, so it excludes no one.

    ## What it does
    Asks the analysis whether the rule follows from nothing at all (`implies([], rule)`), that
    is, whether every contact passes it whatever its fields hold.

    ## Why
    Such a rule filters nothing, yet reads as if it did. Under CXone's meaning a null field fails
    every rule but `is null`, so a rule written in `.sel` or in CXone JSON never excludes no one
    on its own; this check guards the rules a third-party front-end or a future operator could
    produce, and keeps the guarantee explicit rather than assumed.

    ## Example
    A rule true of every value, null included; none of today's operators can express one.

    ## Use instead
    Remove the rule.
    """

    code = "SEL020"
    name = "rule-excludes-nobody"
    severity = Severity.WARNING

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        from selang.analysis import implies

        for rule in selection.rules:
            if implies([], rule):
                yield self.diagnostic(
                    f"rule `{rule_text(rule)}`{origin(rule)} excludes no contact",
                    rule.span,
                    help="remove it",
                )
