"""SEL010: a campaign with no target contact list."""

from collections.abc import Iterator

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Severity
from selang.policies._text import is_json
from selang.semantic.model import Selection


class NoTargetList(Policy):
    """The selection names no target contact list.

    ## What it does
    Reports a campaign without a `target` clause, or whose `target` names no list (a JSON
    selection with an empty or missing `targetListIds`).

    ## Why
    CXone dials only contacts from the target lists: with none, the campaign reaches nobody.

    ## Example
    ```
    campaign "campaign_xyz789" {
      exclude dnc_master
      where status == "active"
    }
    ```

    ## Use instead
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      exclude dnc_master
      where status == "active"
    }
    ```
    """

    code = "SEL010"
    name = "no-target-list"
    severity = Severity.ERROR

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        if selection.targets:
            return
        if is_json(context.path):
            help = "add at least one list id to `targetListIds`"
        else:
            help = "add `target LIST, ...` naming at least one contact list"
        what = f"campaign `{selection.campaign_id}`" if selection.campaign_id else "the selection"
        yield self.diagnostic(f"{what} has no target contact list", selection.span, help=help)
