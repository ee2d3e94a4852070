"""SEL021: a campaign that does not exclude the lists configured as required (do-not-call)."""

from collections.abc import Iterator

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Severity
from selang.policies._text import config_name, is_json
from selang.semantic.model import Selection


class MissingRequiredExclusion(Policy):
    """A campaign does not exclude a list the configuration requires every campaign to exclude.

    ## What it does
    Reports each list id of `required-exclusions` (in `[tool.selang]` or `selang.toml`) that the
    selection's `exclude` clause (`exclusionListIds`) does not name. Without that setting the
    check does nothing.

    ## Why
    Do-not-call and opt-out lists are a legal duty, not a campaign's choice. Requiring them in
    configuration makes a campaign that forgets one fail its checks before it is applied.

    ## Example
    With `required-exclusions = ["list_dnc_001"]`:
    ```
    campaign "campaign_xyz789" {
      target spring_leads
    }
    ```

    ## Use instead
    ```
    list dnc_master = "list_dnc_001"

    campaign "campaign_xyz789" {
      target spring_leads
      exclude dnc_master
    }
    ```
    """

    code = "SEL021"
    name = "missing-required-exclusion"
    severity = Severity.ERROR

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        excluded = {ref.id for ref in selection.exclusions}
        what = f"campaign `{selection.campaign_id}`" if selection.campaign_id else "the selection"
        where = "`exclusionListIds`" if is_json(context.path) else "`exclude`"
        for list_id in context.config.required_exclusions:
            if list_id in excluded:
                continue
            yield self.diagnostic(
                f"{what} does not exclude the required list `{list_id}`",
                selection.span,
                help=f'add `"{list_id}"` to {where}; `required-exclusions` in '
                f"{config_name(context.config.source)} requires it",
            )
