"""SEL017: priority tiers after `default`, which no contact reaches."""

from collections.abc import Iterator

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Related, Severity
from selang.semantic.model import Selection

DEFAULT = "default"


class UnreachableTier(Policy):
    """A priority tier comes after `default` and is never reached.

    ## What it does
    Reports each tier listed after the `default` tier.

    ## Why
    `default` takes every contact no earlier tier took, so no contact is left for the tiers
    after it: their order has no effect, which is rarely what the author expected.

    ## Example
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      priority high_value, default, recent_engagement
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

    code = "SEL017"
    name = "unreachable-tier"
    severity = Severity.WARNING

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        tiers = selection.priority
        at = next((i for i, t in enumerate(tiers) if t.name == DEFAULT), None)
        if at is None:
            return
        for tier in tiers[at + 1 :]:
            if tier.name == DEFAULT:
                continue  # a second `default` is SEL016's business
            yield self.diagnostic(
                f"tier `{tier.name}` comes after `default` and is never reached",
                tier.span,
                help="move `default` to the end of the priority order",
                related=(Related(tiers[at].span, "`default` takes every remaining contact here"),),
            )
