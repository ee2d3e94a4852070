"""SEL016: a priority tier listed twice."""

from collections.abc import Iterator

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Related, Severity
from selang.semantic.model import Selection, Tier


class DuplicateTier(Policy):
    """A tier appears more than once in the priority order.

    ## What it does
    Reports every repetition of a tier name in `priority` (or `priorityOrder`).

    ## Why
    A contact is dialed by the first tier that matches it, so a repeated tier never takes
    effect the second time; usually another tier was meant.

    ## Example
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      priority high_value, recent_engagement, high_value, default
    }
    ```

    ## Use instead
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      priority high_value, recent_engagement, default
    }
    ```
    """

    code = "SEL016"
    name = "duplicate-tier"
    severity = Severity.WARNING

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        first: dict[str, Tier] = {}
        for tier in selection.priority:
            earlier = first.setdefault(tier.name, tier)
            if earlier is tier:
                continue
            yield self.diagnostic(
                f"tier `{tier.name}` is listed twice in the priority order",
                tier.span,
                help="remove the repetition",
                related=(Related(earlier.span, "first listed here"),),
            )
