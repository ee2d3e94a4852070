"""SEL030: a campaign that selects no contact on real data; reported by `selang preview`."""

from selang.checks import Policy
from selang.core.diagnostics import Severity


class EmptyCampaign(Policy):
    """A campaign selects no contact at all on the contact data it was previewed on.

    ## What it does
    `selang preview` counts each campaign's funnel on a contacts source. When no contact is
    left, this error names the step that emptied it: no contact in the target lists, the
    exclusion lists removing every targeted contact, or the first rule after which nobody
    remains. Without contact data the check does nothing; it is made by `preview`, not `check`.

    ## Why
    A campaign that dials nobody fails silently on the dialer. The cause is often the data
    rather than the logic: a value spelt differently in the list (`Active` for `active`), a
    do-not-call list that holds the whole target list, a date field that is null everywhere.

    ## Example
    With every contact's `status` written `Active`:
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where status == "active"
    }
    ```

    ## Use instead
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where status in ("active", "Active")
    }
    ```
    """

    code = "SEL030"
    name = "empty-campaign"
    severity = Severity.ERROR
