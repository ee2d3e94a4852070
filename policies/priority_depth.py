"""SEL013: a priority order deeper than the configured limit."""

from collections.abc import Iterator

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Severity
from selang.semantic.model import Selection


class PriorityTooDeep(Policy):
    """The priority order has more tiers than the limit.

    ## What it does
    Reports the first tier beyond `max-priority-depth` (5 unless configured) in `priority`.

    ## Why
    CXone orders dialing by at most a few priority tiers and refuses a deeper order; past a
    handful of tiers the order also stops meaning much to the people reading it.

    ## Example
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      priority vip, gold, silver, bronze, recent, lapsed, default
    }
    ```

    ## Use instead
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      priority vip, gold, silver, recent, default
    }
    ```
    """

    code = "SEL013"
    name = "priority-too-deep"
    severity = Severity.ERROR

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        limit = context.config.max_priority_depth
        tiers = selection.priority
        if len(tiers) <= limit:
            return
        yield self.diagnostic(
            f"priority order has {len(tiers)} tiers, more than the limit of {limit}",
            tiers[limit].span,
            help=f"keep at most {limit} tiers, or raise `max-priority-depth`",
        )
