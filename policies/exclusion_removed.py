"""SEL040: a change that stops excluding a list, so the contacts in it can be dialed again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Severity
from selang.semantic.model import Selection

if TYPE_CHECKING:  # a plain `check` never loads the change machinery
    from selang.checks.changes import Change


class ExclusionRemoved(Policy):
    """A change of selection drops a list from the campaign's exclusions.

    ## What it does
    When `selang diff` or `plan` compares a campaign with its earlier version, reports each list
    id the earlier version excluded (`exclude`, `exclusionListIds`) and the new one does not.
    A selection on its own is never reported: only a change is.

    ## Why
    Exclusion lists are usually do-not-call, opt-out or litigation lists. Dropping one is the
    change most likely to dial someone who must not be dialed, and it is one line in a review.
    Raise it to an error (`severity = { SEL040 = "error" }`) to make such a change fail CI.

    ## Example
    Before:
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      exclude dnc_master
    }
    ```
    After:
    ```
    campaign "campaign_xyz789" {
      target spring_leads
    }
    ```

    ## Use instead
    Keep the exclusion, or, when dropping it is intended, say why in the change and suppress the
    finding for that run with `ignore = ["SEL040"]`.
    """

    code = "SEL040"
    name = "exclusion-removed"
    severity = Severity.WARNING

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        return iter(())

    def check_change(self, change: Change, context: Context) -> Iterator[Diagnostic]:
        required = set(context.config.required_exclusions)
        what = f"campaign `{change.new.campaign_id}`" if change.new.campaign_id else "the selection"
        for list_id in change.comparison.exclusion_removed:
            why = " (a list `required-exclusions` names)" if list_id in required else ""
            yield self.diagnostic(
                f"{what} no longer excludes `{list_id}`{why}; contacts in it can be dialed",
                change.new.span,
                help=f"keep `{list_id}` excluded unless dialing its contacts is intended",
            )
