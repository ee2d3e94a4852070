"""SEL019: a filter rule that other rules already imply."""

from collections.abc import Iterator

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Related, Severity
from selang.policies._analysis import contradictory, ruleset
from selang.policies._text import origin, rule_text
from selang.semantic.model import Rule, Selection


class RedundantRule(Policy):
    """A filter rule is implied by other rules and excludes no one they do not.

    ## What it does
    Decides exactly, with the same analysis as SEL014, whether every contact that passes the
    other rules also passes this one, and names what implies it: a set of rules that together
    do and none of which can be left out, taken from the rules that bound the field most
    tightly (often a single rule; not always the fewest such rules). Rules written in the
    campaign are reported before rules that came from a segment, and of two identical rules the
    later one is reported. Bounds, lists and excluded values on a field are sorted and merged
    once, so thousands of such rules on one field are searched in about n log n steps (text
    patterns are decided one rule at a time). A selection over the rule limit (SEL012) is not
    searched for redundant rules: it is refused anyway.

    ## Why
    A redundant rule counts against the rule limit (SEL012) and makes the reader wonder which
    of the two was meant. When the implying rule came from a segment, the segment may already
    say what the campaign repeats.

    ## Example
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where age >= 21 and age >= 18
    }
    ```

    ## Use instead
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where age >= 21
    }
    ```
    """

    code = "SEL019"
    name = "redundant-rule"
    severity = Severity.WARNING

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        from selang.analysis import FieldRules

        rules = selection.rules
        if len(rules) < 2 or contradictory(selection, context):
            return  # with no contact at all, every rule is implied: SEL014 says why
        if len(rules) > context.config.max_rules:
            return  # past the rule limit the selection is refused (SEL012) whatever else holds
        found: list[tuple[int, list[Rule]]] = []
        # Fields never constrain each other once the whole set is satisfiable, so only a field
        # with two or more (well-formed) rules can hold a redundant one. An ill-formed rule
        # excludes nobody, so it neither is reported here nor helps imply another.
        for positions in ruleset(selection, context).by_field.values():
            if len(positions) < 2:
                continue
            field = FieldRules.of(rules[i] for i in positions)
            # Campaign rules before segment rules, later before earlier, so that what is
            # reported is what the author of this campaign can remove.
            order = sorted(range(len(positions)), key=lambda k: (bool(rules[positions[k]].via), -k))
            for k in order:
                if not field.implied(k):
                    continue
                field.drop(k)
                found.append((positions[k], [rules[positions[j]] for j in field.implying(k)]))
        for i, because in sorted(found, key=lambda f: f[0]):
            rule = rules[i]
            shown = " and ".join(f"`{rule_text(r)}`" for r in because)
            yield self.diagnostic(
                f"rule `{rule_text(rule)}`{origin(rule)} is redundant: {shown} already "
                f"{'implies' if len(because) == 1 else 'imply'} it",
                rule.span,
                help="remove it; every contact it would exclude is excluded already",
                related=tuple(
                    Related(r.span, f"`{rule_text(r)}`{origin(r)} implies it") for r in because
                ),
            )
